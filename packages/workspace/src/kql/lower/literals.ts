import { parseTimespan } from "@svcmap/model";
import type { Literal } from "./ir.js";

/** Kusto reads datetime literals as UTC whether or not they say so. Returns microseconds since the epoch. */
export function parseDatetimeMicros(text: string): bigint | undefined {
  const trimmed = text.trim();
  if (trimmed === "" || trimmed === "null") return undefined;
  const iso =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(
      trimmed,
    );
  if (iso) {
    const [, y, mo, d, h, mi, s, frac, zone] = iso;
    const base = Date.UTC(
      Number(y),
      Number(mo) - 1,
      Number(d),
      Number(h ?? 0),
      Number(mi ?? 0),
      Number(s ?? 0),
    );
    if (Number.isNaN(base)) return undefined;
    let micros = BigInt(base) * 1000n + BigInt((frac ?? "").padEnd(7, "0").slice(0, 6));
    if (zone && zone.toUpperCase() !== "Z") {
      const sign = zone.startsWith("-") ? -1n : 1n;
      const digits = zone.slice(1).replace(":", "");
      const offsetMinutes = BigInt(Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
      micros -= sign * offsetMinutes * 60_000_000n;
    }
    return micros;
  }
  const parsed = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$|GMT|UTC/.test(trimmed) ? trimmed : `${trimmed} UTC`);
  return Number.isNaN(parsed) ? undefined : BigInt(parsed) * 1000n;
}

export function timespanLiteral(text: string): Literal | undefined {
  const ticks = parseTimespan(text);
  return ticks === undefined ? undefined : { type: "timespan", value: ticks };
}
