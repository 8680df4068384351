// svcmap ingest: load NDJSON, JSON-array or CSV rows into one table of a data directory.

import { parseArgs } from "node:util";
import { ingestFiles, resolveTableName, type IngestResult } from "@svcmap/workspace";
import type { Command } from "../main.js";
import { enrichmentFrom, enrichmentOptions, enrichmentUsage } from "./enrichment-options.js";
import { defaultDataDir, openStore, runCommand, UsageError } from "./workspace-access.js";

const usage = `usage: svcmap ingest [--data DIR | --url URL] --table T FILE...

  --data DIR    the data directory (default ${defaultDataDir})
  --url URL     send the rows to a running workspace (not supported yet)
  --table T     the table to load: VMComputer, VMProcess, VMConnection, VMBoundPort, InsightsMetrics,
                Heartbeat or Usage
  FILE          NDJSON (.ndjson, .jsonl), a JSON array (.json) or CSV with a header row (.csv);
                '-' reads NDJSON from standard input
${enrichmentUsage}

All files go in as one batch: if any row is rejected, nothing is stored.
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
  if (values.url !== undefined) {
    throw new Error(
      "ingest --url is not supported yet; stop the server and use --data, or post to its ingestion API",
    );
  }
  resolveTableName(values.table);
  const enrichment = enrichmentFrom(values, (error) => process.stderr.write(`svcmap: ${error.message}\n`));
  const store = await openStore({ dataDir: values.data ?? defaultDataDir });
  try {
    const result = await ingestFiles(store, values.table, positionals, { enrichment });
    process.stdout.write(summary(result));
    return 0;
  } finally {
    store.close();
  }
}

function summary(result: IngestResult): string {
  const seconds = result.elapsedMs / 1000;
  const rate = seconds > 0 ? Math.round(result.rows / seconds) : result.rows;
  const megabytes = result.billedBytes / 1_000_000;
  return (
    `${result.table}: ${result.rows.toLocaleString("en-US")} rows, ${megabytes.toFixed(megabytes >= 10 ? 1 : 3)} MB billed, ` +
    `in ${seconds.toFixed(2)} s (${rate.toLocaleString("en-US")} rows/s)\n`
  );
}
