// svcmap query: run KQL against a data directory or a running server and print the result.

import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import {
  defaultQueryLimits,
  formatPartialWarning,
  formatQueryFailure,
  formatQueryResponse,
  isOutputFormat,
  KqlEngine,
  QueryError,
  queryErrorToApiError,
  queryResponseBody,
  type ErrorInfo,
  type OutputFormat,
  type QueryResponseBody,
  SavedItemStore,
} from "@svcmap/workspace";
import type { Command } from "../main.js";
import { defaultDataDir, openStore, runCommand, UsageError } from "./workspace-access.js";

const usage = `usage: svcmap query [--data DIR | --url URL [--key KEY]] [--format table|json|csv] [--now ISO]
                    [--timespan T] (QUERY | -f FILE)

  --data DIR      run against this data directory (default ${defaultDataDir})
  --url URL       send the query to a running workspace, e.g. https://host:7150
  --key KEY       API key for --url (default: the SVCMAP_API_KEY environment variable)
  --format F      table (default), json (the Log Analytics Query API response body) or csv
  --now ISO       the value of now() for the query (with --data only)
  --timespan T    limit TimeGenerated: an ISO 8601 duration (PT1H, P7D) or start/end interval
  -f FILE         read the query from FILE ('-' for standard input)
`;

type Outcome =
  { readonly body: QueryResponseBody } | { readonly error: ErrorInfo; readonly errorBody?: unknown };

export const command: Command = {
  summary: "run a KQL query and print the result",
  run: (args) => runCommand(usage, () => query(args)),
};

async function query(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      data: { type: "string" },
      url: { type: "string" },
      key: { type: "string" },
      format: { type: "string", default: "table" },
      now: { type: "string" },
      timespan: { type: "string" },
      file: { type: "string", short: "f" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const format = values.format ?? "table";
  if (!isOutputFormat(format)) throw new UsageError(`unknown format '${format}'`);
  if (values.data !== undefined && values.url !== undefined)
    throw new UsageError("give --data or --url, not both");
  const text = queryText(values.file, positionals);
  const now = values.now === undefined ? undefined : parseNow(values.now);
  if (now !== undefined && values.url !== undefined) {
    throw new UsageError("--now works only on a data directory: the Query API has no way to set now()");
  }

  const outcome =
    values.url === undefined
      ? await runLocally(values.data ?? defaultDataDir, text, now, values.timespan)
      : await runRemotely(values.url, values.key ?? process.env["SVCMAP_API_KEY"], text, values.timespan);
  return print(outcome, text, format);
}

function queryText(file: string | undefined, positionals: readonly string[]): string {
  if (file !== undefined && positionals.length > 0)
    throw new UsageError("give the query or -f FILE, not both");
  const text = file === undefined ? positionals.join(" ") : readFileSync(file === "-" ? 0 : file, "utf8");
  if (text.trim() === "") throw new UsageError("no query given");
  return text;
}

function parseNow(value: string): Date {
  const now = new Date(value);
  if (Number.isNaN(now.getTime())) throw new UsageError(`--now '${value}' is not an ISO 8601 date and time`);
  return now;
}

async function runLocally(
  dataDir: string,
  text: string,
  now: Date | undefined,
  timespan: string | undefined,
): Promise<Outcome> {
  const store = await openStore({ dataDir }, "stop that process, or send the query to it with --url");
  try {
    const engine = new KqlEngine(store, await SavedItemStore.open(store));
    const result = await engine.run(text, {
      ...(now === undefined ? {} : { now }),
      ...(timespan === undefined ? {} : { timespan }),
      timeoutMs: defaultQueryLimits.timeoutMs,
      maxRows: defaultQueryLimits.maxRows,
      maxBytes: defaultQueryLimits.maxBytes,
    });
    return { body: queryResponseBody(result) };
  } catch (error) {
    if (!(error instanceof QueryError)) throw error;
    const info = queryErrorToApiError(error, text).info;
    return { error: info, errorBody: { error: info } };
  } finally {
    store.close();
  }
}

async function runRemotely(
  base: string,
  key: string | undefined,
  text: string,
  timespan: string | undefined,
): Promise<Outcome> {
  const url = `${base.replace(/\/+$/, "")}/v1/workspaces/default/query`;
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
    },
    body: JSON.stringify(timespan === undefined ? { query: text } : { query: text, timespan }),
  }).catch((error: unknown) => {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw new Error(`cannot reach ${url}: ${cause ?? String(error)}`);
  });
  const raw = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(`${url} answered ${response.status} with a body that is not JSON: ${raw.slice(0, 200)}`);
  }
  if (response.ok) return { body: parsed as QueryResponseBody };
  const error = (parsed as { error?: ErrorInfo }).error;
  if (error === undefined || typeof error.message !== "string") {
    throw new Error(`${url} answered ${response.status}: ${raw.slice(0, 200)}`);
  }
  return { error, errorBody: parsed };
}

function print(outcome: Outcome, text: string, format: OutputFormat): number {
  if ("body" in outcome) {
    process.stdout.write(formatQueryResponse(outcome.body, format));
    if (outcome.body.error !== undefined) process.stderr.write(formatPartialWarning(outcome.body.error));
    return 0;
  }
  // Scripts that asked for JSON get the API's error body too, exactly as a server would answer it.
  if (format === "json") process.stdout.write(`${JSON.stringify(outcome.errorBody)}\n`);
  process.stderr.write(formatQueryFailure(text, outcome.error));
  return 1;
}
