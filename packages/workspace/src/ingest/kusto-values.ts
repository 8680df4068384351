// Turns incoming values into stored values for each Kusto type, accepting what Log Analytics accepts:
// JSON values from NDJSON and JSON arrays, and cell text from CSV (where every value arrives as text).
// A value that does not fit raises ValueMismatch; the caller adds file, line and column.

import { parseTimespan, type KustoType } from "@svcmap/model";
import type { StoredValue } from "../store/table-appender.js";
import { describeValue, ValueMismatch } from "./ingest-error.js";

/** A column's converter: a JSON value (never null) in, a stored value out. */
export type ValueConverter = (value: unknown) => StoredValue;

function mismatch(type: KustoType, value: unknown, note?: string): ValueMismatch {
  return new ValueMismatch(
    `expected ${type}, got ${describeValue(value)}${note === undefined ? "" : ` (${note})`}`,
  );
}

const int32Min = -2147483648;
const int32Max = 2147483647;
const integerText = /^[+-]?\d+$/;
const realText = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const guidText = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function intFrom(value: unknown): number {
  const n =
    typeof value === "number"
      ? value
      : typeof value === "string" && integerText.test(value.trim())
        ? Number(value)
        : NaN;
  if (!Number.isInteger(n)) throw mismatch("int", value);
  if (n < int32Min || n > int32Max) throw mismatch("int", value, "outside the 32-bit range");
  return n;
}

/**
 * JSON.parse has already rounded a JSON number beyond 2^53; `exactText` gives back the digits as written
 * when the reader kept them, so that such longs are stored exactly.
 */
function longFrom(value: unknown, exactText?: () => string | undefined): number | bigint {
  if (typeof value === "number") {
    if (Number.isSafeInteger(value)) return value;
    if (!Number.isInteger(value)) throw mismatch("long", value);
    const digits = exactText?.();
    return longFromText(digits ?? BigInt(value).toString(), value);
  }
  if (typeof value === "string") return longFromText(value.trim(), value);
  throw mismatch("long", value);
}

function longFromText(text: string, original: unknown): number | bigint {
  if (!integerText.test(text)) throw mismatch("long", original);
  if (text.length < 16) return Number(text);
  const big = BigInt(text);
  if (BigInt.asIntN(64, big) !== big) throw mismatch("long", original, "outside the 64-bit range");
  return Number.isSafeInteger(Number(big)) ? Number(big) : big;
}

function realFrom(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string") {
    const text = value.trim();
    if (realText.test(text)) return Number(text);
    // Kusto writes and reads these three spellings for real's special values.
    if (text === "NaN") return NaN;
    if (text === "Infinity" || text === "+Infinity") return Infinity;
    if (text === "-Infinity") return -Infinity;
  }
  throw mismatch("real", value);
}

function boolFrom(value: unknown): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "string") {
    const text = value.trim().toLowerCase();
    if (text === "true") return true;
    if (text === "false") return false;
  }
  if (value === 0 || value === 1) return value === 1;
  throw mismatch("bool", value);
}

const isoDateTime =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

/**
 * ISO 8601 text to epoch milliseconds, keeping microseconds as the fraction (the store's precision; Kusto's
 * own is 100 ns). Text without an offset is UTC, as in Kusto.
 */
export function parseIsoDateTime(text: string): number | undefined {
  const m = isoDateTime.exec(text.trim());
  if (m === null) return undefined;
  const [, y, mo, d, h = "0", mi = "0", s = "0", fraction = "", , sign, oh = "0", om = "0"] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59 || Number(oh) > 23 || Number(om) > 59) return undefined;
  let ms = Date.UTC(year, month - 1, day, hour, minute, second);
  if (year < 100) ms = new Date(ms).setUTCFullYear(year);
  if (fraction !== "") ms += Number(fraction.slice(0, 6).padEnd(6, "0")) / 1000;
  if (sign !== undefined) ms -= (sign === "-" ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
  return ms;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeapYear(year) ? 1 : 0);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Rows of one batch mostly share a handful of timestamps, so the last text parsed is remembered. */
function datetimeConverter(): ValueConverter {
  let lastText = "";
  let lastMs = 0;
  return (value) => {
    if (typeof value !== "string") throw mismatch("datetime", value);
    if (value === lastText) return lastMs;
    const ms = parseIsoDateTime(value);
    if (ms === undefined) throw mismatch("datetime", value, "use ISO 8601, e.g. 2026-05-01T10:00:00Z");
    lastText = value;
    lastMs = ms;
    return ms;
  };
}

function timespanFrom(value: unknown): bigint {
  const ticks = typeof value === "string" ? parseTimespan(value) : undefined;
  if (ticks === undefined) throw mismatch("timespan", value, "use [d.]hh:mm:ss[.fffffff]");
  return ticks;
}

function guidFrom(value: unknown): string {
  if (typeof value === "string" && guidText.test(value.trim())) return value.trim().toLowerCase();
  throw mismatch("guid", value);
}

function decimalFrom(value: unknown): number | string {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && realText.test(value.trim()) && !/[eE]/.test(value)) return value.trim();
  throw mismatch("decimal", value);
}

/** Strings take any scalar as its text, and objects or arrays as their JSON, as Log Analytics does. */
function stringFrom(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** Converters for values that arrive as JSON. `exactText` serves longs beyond 2^53 (see longFrom). */
export function jsonConverterFor(
  type: KustoType,
  exactText?: (value: number) => string | undefined,
): ValueConverter {
  switch (type) {
    case "string":
      return stringFrom;
    case "int":
      return intFrom;
    case "long":
      return (v) => longFrom(v, exactText === undefined ? undefined : () => exactText(v as number));
    case "real":
      return realFrom;
    case "bool":
      return boolFrom;
    case "datetime":
      return datetimeConverter();
    case "timespan":
      return timespanFrom;
    case "dynamic":
      return (v) => v as StoredValue;
    case "guid":
      return guidFrom;
    case "decimal":
      return decimalFrom;
  }
}

/** Converters for CSV cells: the same rules, except that a dynamic cell holds JSON text. */
export function textConverterFor(type: KustoType): ValueConverter {
  if (type === "dynamic") {
    return (v) => {
      try {
        return JSON.parse(String(v)) as StoredValue;
      } catch {
        throw mismatch("dynamic", v, "a dynamic cell must hold JSON text");
      }
    };
  }
  if (type === "long") return (v) => longFromText(String(v).trim(), v);
  return jsonConverterFor(type);
}
