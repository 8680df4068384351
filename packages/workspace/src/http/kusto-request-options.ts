// What a Kusto REST request asks of the query beyond its text: the client request properties
// (`properties.Options`, sent as an object or as JSON text, and `properties.Parameters`, the values of the
// query's `declare query_parameters`) and the `set` statements at the head of the
// query, which Kusto treats the same way. Only the options that change the answer or its limits are read;
// the many others (tracing, caching hints, client names) are accepted and ignored, as a Kusto cluster
// ignores options it does not know.

import { parseTimespan, ticksPerMillisecond } from "@svcmap/model";
import type { QueryParameters } from "../kql/result.js";
import { badArgument } from "./api-error.js";
import type { QueryLimits } from "./query-routes.js";

export interface KustoRequestOptions {
  readonly timeoutMs?: number;
  readonly now?: Date;
  readonly maxRows?: number;
  readonly maxBytes?: number;
  readonly noTruncation?: boolean;
  readonly parameters: QueryParameters;
}

/**
 * How far `set notruncation` may raise the limits. Kusto then has none; a workspace that must never be
 * taken down by one answer keeps a ceiling, ten times Log Analytics' own limits.
 */
export const noTruncationCeiling = { maxRows: 5_000_000, maxBytes: 640 * 1024 * 1024 } as const;

export function readRequestOptions(properties: unknown, query: string): KustoRequestOptions {
  const parsed = propertiesObject(properties);
  const options: Record<string, unknown> = { ...objectOf(parsed["Options"] ?? parsed["options"]) };
  for (const [name, value] of leadingSetStatements(query)) options[name] = value;
  // Clients send every value as text; a number or flag sent bare is read as the same text.
  const parameters = Object.fromEntries(
    Object.entries(objectOf(parsed["Parameters"] ?? parsed["parameters"])).map(([k, v]) => [
      k,
      typeof v === "string" ? v : JSON.stringify(v),
    ]),
  );
  const lower = new Map(Object.entries(options).map(([k, v]) => [k.toLowerCase(), v]));
  const timeout = lower.get("servertimeout");
  const now = lower.get("query_now");
  const rows = lower.get("truncationmaxrecords");
  const bytes = lower.get("truncationmaxsize");
  const noTruncation = lower.get("notruncation");
  return {
    ...(timeout === undefined ? {} : { timeoutMs: timeoutMillis(timeout) }),
    ...(now === undefined ? {} : { now: instant(now) }),
    ...(rows === undefined ? {} : { maxRows: positiveWhole("truncationmaxrecords", rows) }),
    ...(bytes === undefined ? {} : { maxBytes: positiveWhole("truncationmaxsize", bytes) }),
    ...(noTruncation === undefined ? {} : { noTruncation: flag(noTruncation) }),
    parameters,
  };
}

/** The limits a query runs under: the server's, narrowed or (up to the ceiling) widened by the request. */
export function effectiveLimits(
  limits: QueryLimits,
  options: KustoRequestOptions,
): { timeoutMs: number; maxRows: number; maxBytes: number } {
  const lifted = options.noTruncation === true;
  return {
    timeoutMs: Math.min(options.timeoutMs ?? limits.timeoutMs, limits.maxTimeoutMs),
    maxRows: Math.min(
      options.maxRows ?? (lifted ? noTruncationCeiling.maxRows : limits.maxRows),
      noTruncationCeiling.maxRows,
    ),
    maxBytes: Math.min(
      options.maxBytes ?? (lifted ? noTruncationCeiling.maxBytes : limits.maxBytes),
      noTruncationCeiling.maxBytes,
    ),
  };
}

function propertiesObject(properties: unknown): Record<string, unknown> {
  if (properties === undefined || properties === null || properties === "") return {};
  if (typeof properties === "string") {
    try {
      return objectOf(JSON.parse(properties));
    } catch {
      throw badArgument({ code: "InvalidProperties", message: "'properties' is not valid JSON" });
    }
  }
  return objectOf(properties);
}

function objectOf(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** `set name;` and `set name = value;` statements before the query proper, comments allowed between them. */
function leadingSetStatements(query: string): [string, unknown][] {
  const found: [string, unknown][] = [];
  const statement = /^(?:\s|\/\/[^\n]*(?:\n|$))*set\s+([A-Za-z_][\w.]*)\s*(?:=\s*([^;]*?))?\s*;/i;
  let rest = query;
  for (let match = statement.exec(rest); match !== null; match = statement.exec(rest)) {
    const [whole, name = "", value] = match;
    found.push([name, value === undefined ? true : unwrapLiteral(value)]);
    rest = rest.slice(whole.length);
  }
  return found;
}

/** Set statements' values may be written bare, quoted, or as typed literals: `datetime(…)`, `bool(…)`. */
function unwrapLiteral(value: string): string {
  const typed = /^[A-Za-z]+\((.*)\)$/s.exec(value.trim());
  const inner = (typed?.[1] ?? value).trim();
  const quoted = /^(['"])(.*)\1$/s.exec(inner);
  return quoted?.[2] ?? inner;
}

function timeoutMillis(value: unknown): number {
  if (typeof value === "number" && Number.isFinite(value) && value > 0) return value;
  const ticks = typeof value === "string" ? parseTimespan(value) : undefined;
  if (ticks === undefined || ticks <= 0n)
    throw badArgument({
      code: "InvalidProperties",
      message: `servertimeout must be a positive timespan such as 00:04:00, not '${String(value)}'`,
    });
  return Number(ticks / ticksPerMillisecond);
}

function instant(value: unknown): Date {
  const date = typeof value === "string" || typeof value === "number" ? new Date(value) : undefined;
  if (date === undefined || Number.isNaN(date.getTime()))
    throw badArgument({
      code: "InvalidProperties",
      message: `query_now must be a datetime such as 2026-01-01T00:00:00Z, not '${String(value)}'`,
    });
  return date;
}

function positiveWhole(name: string, value: unknown): number {
  const number = typeof value === "number" ? value : Number(String(value));
  if (!Number.isInteger(number) || number <= 0)
    throw badArgument({
      code: "InvalidProperties",
      message: `${name} must be a positive whole number, not '${String(value)}'`,
    });
  return number;
}

function flag(value: unknown): boolean {
  if (typeof value === "boolean") return value;
  const text = String(value).trim().toLowerCase();
  return text === "true" || text === "1";
}
