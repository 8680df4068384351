import { formatTimespan, type KustoType } from "@svcmap/model";
import type { ResultValue } from "../result.js";

interface TimestampLike {
  readonly micros: bigint;
}

/** A DuckDB value read back as the Log Analytics Query API writes a cell of the given Kusto type. */
export function toResultValue(value: unknown, type: KustoType): ResultValue {
  if (value === null || value === undefined) return type === "string" ? "" : null;
  switch (type) {
    case "string":
      return String(value);
    case "int":
    case "long":
      return typeof value === "bigint" ? Number(value) : Number(value);
    case "real":
    case "decimal": {
      const n = Number(typeof value === "object" ? String(value) : value);
      if (Number.isNaN(n)) return "NaN";
      if (!Number.isFinite(n)) return n > 0 ? "Infinity" : "-Infinity";
      return n;
    }
    case "bool":
      return Boolean(value);
    case "datetime":
      return formatDatetime((value as TimestampLike).micros);
    case "timespan":
      return formatTimespan(BigInt(value as bigint | number));
    case "dynamic":
      return typeof value === "string" ? compactJson(value) : JSON.stringify(value);
    case "guid":
      return String(value);
  }
}

/** ISO 8601 in UTC with Kusto's up-to-7 fractional digits, trailing zeros trimmed. */
export function formatDatetime(micros: bigint): string {
  const millis = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  const date = new Date(Number(millis));
  if (Number.isNaN(date.getTime())) return "";
  const base = date.toISOString().slice(0, 19);
  const subsecond = ((micros % 1_000_000n) + 1_000_000n) % 1_000_000n;
  const fraction =
    subsecond === 0n ? "" : `.${(subsecond * 10n).toString().padStart(7, "0").replace(/0+$/, "")}`;
  return `${base}${fraction}Z`;
}

function compactJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}
