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
      return timespanText(value as bigint | number);
    case "dynamic":
      return typeof value === "string" ? compactJson(value) : JSON.stringify(value);
    case "guid":
      return String(value);
  }
}

/**
 * Kusto's timespan text, `[-][d.]hh:mm:ss[.fffffff]`, in number arithmetic wherever a double holds the ticks
 * exactly (spans of up to 28 years), which is several times faster than formatTimespan's bigint arithmetic.
 */
function timespanText(value: bigint | number): string {
  const ticks = Number(value);
  if (!Number.isSafeInteger(ticks)) return formatTimespan(BigInt(value));
  let rest = Math.abs(ticks);
  const fraction = rest % 10_000_000;
  rest = (rest - fraction) / 10_000_000;
  const seconds = rest % 60;
  rest = (rest - seconds) / 60;
  const minutes = rest % 60;
  rest = (rest - minutes) / 60;
  const hours = rest % 24;
  const days = (rest - hours) / 24;
  let text = `${twoDigits[hours]}:${twoDigits[minutes]}:${twoDigits[seconds]}`;
  if (days > 0) text = `${days}.${text}`;
  if (fraction > 0) text += `.${String(fraction).padStart(7, "0")}`;
  return ticks < 0 ? `-${text}` : text;
}

/** Microseconds that a double holds exactly: every datetime from 1685 to 2255. */
const exactMicros = 2 ** 53;

/** ISO 8601 in UTC with Kusto's up-to-7 fractional digits, trailing zeros trimmed. */
export function formatDatetime(micros: bigint): string {
  // Results can hold many thousands of datetimes: number arithmetic and a cache of the dates seen are
  // several times faster than bigint arithmetic and Date.toISOString for each.
  const n = Number(micros);
  if (Math.abs(n) >= exactMicros) return formatDatetimeExactly(micros);
  const subsecond = ((n % 1_000_000) + 1_000_000) % 1_000_000;
  const seconds = (n - subsecond) / 1_000_000;
  const secondOfDay = ((seconds % 86_400) + 86_400) % 86_400;
  const day = dayText((seconds - secondOfDay) / 86_400);
  const time = `${twoDigits[Math.floor(secondOfDay / 3600)]}:${twoDigits[Math.floor(secondOfDay / 60) % 60]}:${twoDigits[secondOfDay % 60]}`;
  return `${day}T${time}${fractionOf(subsecond)}Z`;
}

const twoDigits = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, "0"));
const dayTexts = new Map<number, string>();

/** YYYY-MM-DD of a day counted from 1970-01-01. */
function dayText(day: number): string {
  let text = dayTexts.get(day);
  if (text === undefined) {
    text = new Date(day * 86_400_000).toISOString().slice(0, 10);
    if (dayTexts.size > 100_000) dayTexts.clear();
    dayTexts.set(day, text);
  }
  return text;
}

function formatDatetimeExactly(micros: bigint): string {
  const millis = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  const date = new Date(Number(millis));
  if (Number.isNaN(date.getTime())) return "";
  const subsecond = ((micros % 1_000_000n) + 1_000_000n) % 1_000_000n;
  return `${date.toISOString().slice(0, 19)}${fractionOf(Number(subsecond))}Z`;
}

/** `.fffffff` (ticks) without trailing zeros, or nothing for a whole second. */
function fractionOf(subsecondMicros: number): string {
  if (subsecondMicros === 0) return "";
  return `.${String(subsecondMicros * 10)
    .padStart(7, "0")
    .replace(/0+$/, "")}`;
}

function compactJson(text: string): string {
  if (alreadyCompact(text)) return text;
  return parsedAndWritten(text);
}

/**
 * Whether parsing and writing the text again would give it back unchanged, decided in one pass for the
 * common case (arrays of strings and numbers, e.g. DnsNames): it costs a tenth of doing it. Anything it is
 * unsure of takes the long way: objects (integer-like keys are reordered, repeated keys dropped), white
 * space, escapes, fractions and exponents, -0 and integers too long for a double.
 */
function alreadyCompact(text: string): boolean {
  let inString = false;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x22) inString = false;
      else if (c === 0x5c || c < 0x20) return false;
      continue;
    }
    if (c >= 0x30 && c <= 0x39) {
      if (++digits > 15) return false;
      continue;
    }
    if (c === 0x7b || c === 0x2e || c <= 0x20 || ((c === 0x65 || c === 0x45) && digits > 0)) return false;
    if (c === 0x2d && text.charCodeAt(i + 1) === 0x30) return false;
    digits = 0;
    if (c === 0x22) inString = true;
  }
  return !inString;
}

function parsedAndWritten(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}
