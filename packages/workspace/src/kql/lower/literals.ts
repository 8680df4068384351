import { parseTimespan } from "@svcmap/model";
import type { KustoType } from "@svcmap/model";
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

/**
 * A query parameter's value as Kusto clients send it: the text of a literal of the declared type, bare
 * (`3`, `web-1`, `2026-01-01`, `1h`, `{"a":1}`) or in its typed form (`datetime(2026-01-01)`, `long(3)`).
 * A string is taken as it is. Undefined when the text is not such a literal.
 */
export function parameterLiteral(type: KustoType, text: string): Literal | undefined {
  if (type === "string") return { type, value: text };
  const typed = /^\s*([a-z]+)\s*\(([\s\S]*)\)\s*$/i.exec(text);
  const inner = (typed !== null && typed[1]?.toLowerCase() !== "dynamic" ? typed[2] : text)?.trim() ?? "";
  if (inner === "null") return { type, value: null } as Literal;
  switch (type) {
    case "long":
    case "int": {
      if (!/^[+-]?\d+$/.test(inner)) return undefined;
      const value = BigInt(inner);
      if (type === "int")
        return value >= -(2n ** 31n) && value < 2n ** 31n ? { type, value: Number(value) } : undefined;
      return value >= -(2n ** 63n) && value < 2n ** 63n ? { type, value } : undefined;
    }
    case "real":
    case "decimal": {
      const value = Number(inner);
      return inner !== "" && !Number.isNaN(value) ? { type, value } : undefined;
    }
    case "bool":
      return /^(true|false)$/i.test(inner) ? { type, value: /^true$/i.test(inner) } : undefined;
    case "datetime": {
      const value = parseDatetimeMicros(inner);
      return value === undefined ? undefined : { type, value };
    }
    case "timespan":
      return timespanLiteral(inner);
    case "guid":
      return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(inner)
        ? { type, value: inner.toLowerCase() }
        : undefined;
    case "dynamic": {
      const body = /^\s*dynamic\s*\(([\s\S]*)\)\s*$/i.exec(text)?.[1] ?? text;
      try {
        return { type, value: JSON.stringify(JSON.parse(body)) };
      } catch {
        return undefined;
      }
    }
  }
}
