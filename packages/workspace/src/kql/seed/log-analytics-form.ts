// Turns the rows of a hand-written DuckDB query into the cells the Log Analytics Query API would send, so
// that they can be compared with the engine's answer. Written apart from the engine's own conversion
// (run/values.ts) on purpose: a shared bug would otherwise pass unnoticed.

import {
  DuckDBListValue,
  DuckDBStructValue,
  DuckDBTimestampValue,
  DuckDBTypeId,
  type DuckDBResultReader,
  type DuckDBType,
  type DuckDBValue,
} from "@duckdb/node-api";
import type { KustoType } from "@svcmap/model";
import type { ResultColumn, ResultValue } from "../result.js";

export interface LogAnalyticsTable {
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly (readonly ResultValue[])[];
}

/** The Kusto type a column of the hand-written SQL stands for, unless the SQL's directives say otherwise. */
export function kustoTypeOfDuckDB(type: DuckDBType): KustoType {
  if (type.alias === "JSON") return "dynamic";
  switch (type.typeId) {
    case DuckDBTypeId.VARCHAR:
      return "string";
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.TINYINT:
      return "int";
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
      return "long";
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.FLOAT:
      return "real";
    case DuckDBTypeId.BOOLEAN:
      return "bool";
    case DuckDBTypeId.TIMESTAMP:
      return "datetime";
    case DuckDBTypeId.UUID:
      return "guid";
    case DuckDBTypeId.DECIMAL:
      return "decimal";
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.STRUCT:
    case DuckDBTypeId.MAP:
      return "dynamic";
    default:
      throw new Error(`no Kusto type for the DuckDB type ${type.toString()}`);
  }
}

export function readLogAnalyticsTable(
  reader: DuckDBResultReader,
  typeOverrides: ReadonlyMap<string, KustoType> = new Map(),
): LogAnalyticsTable {
  const names = reader.columnNames();
  const duckTypes = reader.columnTypes();
  const columns = names.map((name, i) => ({
    name,
    type: typeOverrides.get(name) ?? kustoTypeOfDuckDB(duckTypes[i] as DuckDBType),
  }));
  const rows = reader.getRows().map((row) => columns.map((column, i) => toCell(row[i] ?? null, column.type)));
  return { columns, rows };
}

/** One cell: strings are never null, datetimes ISO 8601 'Z', timespans Kusto's constant form, dynamic compact JSON. */
export function toCell(value: DuckDBValue, type: KustoType): ResultValue {
  if (value === null) return type === "string" ? "" : null;
  switch (type) {
    case "string":
    case "guid":
      return String(value);
    case "int":
    case "long":
    case "real":
    case "decimal":
      return Number(typeof value === "object" ? String(value) : value);
    case "bool":
      return value === true;
    case "datetime":
      if (!(value instanceof DuckDBTimestampValue)) throw new Error(`not a timestamp: ${String(value)}`);
      return isoFromMicros(value.micros);
    case "timespan":
      return timespanFromTicks(BigInt(value as bigint | number));
    case "dynamic":
      return JSON.stringify(typeof value === "string" ? JSON.parse(value) : toJson(value));
  }
}

function toJson(value: DuckDBValue): unknown {
  if (
    value === null ||
    typeof value === "string" ||
    typeof value === "number" ||
    typeof value === "boolean"
  ) {
    return value;
  }
  if (typeof value === "bigint") return Number(value);
  if (value instanceof DuckDBListValue) return value.items.map(toJson);
  if (value instanceof DuckDBStructValue) {
    return Object.fromEntries(Object.entries(value.entries).map(([k, v]) => [k, toJson(v)]));
  }
  return String(value);
}

const microsPerSecond = 1_000_000n;

/** `2026-03-02T10:00:00Z`, with up to seven fractional digits, trailing zeros dropped. */
export function isoFromMicros(micros: bigint): string {
  const seconds = micros / microsPerSecond - (micros % microsPerSecond < 0n ? 1n : 0n);
  const fraction = micros - seconds * microsPerSecond;
  const whole = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  const digits = fraction === 0n ? "" : `.${(fraction * 10n).toString().padStart(7, "0").replace(/0+$/, "")}`;
  return `${whole}${digits}Z`;
}

const ticksPerSecond = 10_000_000n;

/** `[-][d.]hh:mm:ss[.fffffff]`: days only when there are any, seven fractional digits when there is a fraction. */
export function timespanFromTicks(ticks: bigint): string {
  const sign = ticks < 0n ? "-" : "";
  const magnitude = ticks < 0n ? -ticks : ticks;
  const totalSeconds = magnitude / ticksPerSecond;
  const fraction = magnitude % ticksPerSecond;
  const days = totalSeconds / 86_400n;
  const two = (n: bigint): string => n.toString().padStart(2, "0");
  const clock = `${two((totalSeconds / 3600n) % 24n)}:${two((totalSeconds / 60n) % 60n)}:${two(totalSeconds % 60n)}`;
  return `${sign}${days > 0n ? `${days}.` : ""}${clock}${fraction > 0n ? `.${fraction.toString().padStart(7, "0")}` : ""}`;
}
