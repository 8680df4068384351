// svcmap ingest: load NDJSON, JSON-array or CSV rows into one table of a data directory.

import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { parseArgs } from "node:util";
import { createGzip } from "node:zlib";
import {
  detectFormat,
  ingestFiles,
  resolveTableName,
  type FileIngestReply,
  type IngestResult,
  type RowFormat,
} from "@svcmap/workspace";
import type { Command } from "../main.js";
import { enrichmentFrom, enrichmentOptions, enrichmentUsage } from "./enrichment-options.js";
import { defaultDataDir, openStore, runCommand, UsageError } from "./workspace-access.js";

const usage = `usage: svcmap ingest [--data DIR | --url URL [--key KEY]] --table T FILE...

  --data DIR    the data directory (default ${defaultDataDir})
  --url URL     send the rows to a running workspace instead (e.g. http://127.0.0.1:7150)
  --key KEY     a contributor or agent key for --url (default: the SVCMAP_API_KEY environment variable)
  --table T     the table to load: VMComputer, VMProcess, VMConnection, VMBoundPort, InsightsMetrics,
                Heartbeat or Usage
  FILE          NDJSON (.ndjson, .jsonl), a JSON array (.json) or CSV with a header row (.csv);
                '-' reads NDJSON from standard input
${enrichmentUsage}

With --data, all files go in as one batch: if any row is rejected, nothing is stored. With --url, each
file is one batch, sent in the order given; a rejected file stops the command, and the files before it
stay stored. The server checks the rows exactly as --data does and adds its own enrichment (its --geoip
and --threat-feed), so the enrichment options apply only with --data.
`;

export const command: Command = {
  summary: "load NDJSON, JSON-array or CSV rows into a table",
  run: (args) => runCommand(usage, () => ingest(args)),
};

async function ingest(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      data: { type: "string" },
      url: { type: "string" },
      key: { type: "string" },
      table: { type: "string", short: "t" },
      help: { type: "boolean", short: "h" },
      ...enrichmentOptions,
    },
  });
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  if (values.data !== undefined && values.url !== undefined)
    throw new UsageError("give --data or --url, not both");
  if (values.table === undefined) throw new UsageError("--table is required");
  if (positionals.length === 0) throw new UsageError("name at least one FILE, or '-' for standard input");
  if (positionals.filter((p) => p === "-").length > 1)
    throw new UsageError("'-' (standard input) can be read once");
  resolveTableName(values.table);
  if (values.url !== undefined) {
    for (const option of Object.keys(enrichmentOptions)) {
      if (values[option as keyof typeof values] !== undefined)
        throw new UsageError(`--${option} applies only with --data: with --url the server enriches the rows`);
    }
    return sendToServer(values.url, values.key ?? process.env["SVCMAP_API_KEY"], values.table, positionals);
  }
  const enrichment = enrichmentFrom(values, (error) => process.stderr.write(`svcmap: ${error.message}\n`));
  const store = await openStore(
    { dataDir: values.data ?? defaultDataDir },
    "stop that process, or send the files to it with --url",
  );
  try {
    const result = await ingestFiles(store, values.table, positionals, { enrichment });
    process.stdout.write(summary(result));
    return 0;
  } finally {
    store.close();
  }
}

const contentTypes: Readonly<Record<RowFormat, string>> = {
  ndjson: "application/x-ndjson",
  "json-array": "application/json",
  csv: "text/csv",
};

/** Streams each file, gzip-compressed, to the server's ingestion endpoint; stops at the first refusal. */
async function sendToServer(
  base: string,
  key: string | undefined,
  table: string,
  paths: readonly string[],
): Promise<number> {
  for (const path of paths) {
    const format: RowFormat = path === "-" ? "ndjson" : await detectFormat(path);
    const source = path === "-" ? "stdin" : path;
    const input = path === "-" ? process.stdin : createReadStream(path);
    const url = `${base.replace(/\/+$/, "")}/v1/ingest/tables/${encodeURIComponent(table)}?source=${encodeURIComponent(source)}`;
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": contentTypes[format],
        "content-encoding": "gzip",
        ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
      },
      body: Readable.toWeb(input.pipe(createGzip())) as ReadableStream<Uint8Array>,
      duplex: "half",
    } as RequestInit).catch((error: unknown) => {
      const cause = (error as { cause?: { message?: string } }).cause?.message;
      throw new Error(`cannot reach ${base}: ${cause ?? String(error)}`);
    });
    const text = await response.text();
    if (!response.ok) {
      const message = errorMessage(text) ?? `${response.status} ${text.slice(0, 200)}`;
      const stored = paths.slice(0, paths.indexOf(path));
      process.stderr.write(
        `svcmap: ${message}\n` +
          (stored.length === 0 ? "" : `svcmap: already stored before it: ${stored.join(", ")}\n`),
      );
      return 1;
    }
    const reply = JSON.parse(text) as FileIngestReply;
    process.stdout.write(
      `${source}: ${summary({ table: reply.table, rows: reply.rows, billedBytes: reply.billedBytes, elapsedMs: reply.elapsedMs })}`,
    );
  }
  return 0;
}

/** The most specific message of an error body: the workspace's, or any Log Analytics-shaped one. */
function errorMessage(body: string): string | undefined {
  try {
    let error = (JSON.parse(body) as { error?: { message?: string; innererror?: unknown } }).error;
    while (error?.innererror !== undefined) error = error.innererror as typeof error;
    return error?.message;
  } catch {
    return undefined;
  }
}

function summary(result: Pick<IngestResult, "table" | "rows" | "billedBytes" | "elapsedMs">): string {
  const seconds = result.elapsedMs / 1000;
  const rate = seconds > 0 ? Math.round(result.rows / seconds) : result.rows;
  const megabytes = result.billedBytes / 1_000_000;
  return (
    `${result.table}: ${result.rows.toLocaleString("en-US")} rows, ${megabytes.toFixed(megabytes >= 10 ? 1 : 3)} MB billed, ` +
    `in ${seconds.toFixed(2)} s (${rate.toLocaleString("en-US")} rows/s)\n`
  );
}
