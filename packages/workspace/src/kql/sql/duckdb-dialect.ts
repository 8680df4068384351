// DuckDB's spelling of every named operation. Nothing outside this file may assume DuckDB.

import type { KustoType } from "@svcmap/model";
import { formatTimespan } from "@svcmap/model";
import { duckdbTypeOf } from "../../store/duckdb-types.js";
import { quoteIdent, quoteNumber, quoteString } from "../../store/quote.js";
import type { Literal } from "../lower/ir.js";
import type { Dialect, SqlArg } from "./dialect.js";

function logarithm(fn: string, x: readonly SqlArg[]): string {
  return `CASE WHEN ${a(x, 0)} > 0 THEN ${fn}(${a(x, 0)}) WHEN ${a(x, 0)} = 0 THEN CAST('-Infinity' AS DOUBLE) END`;
}

/** Kusto's range() stops at this many values. */
const maxRangeValues = 1_048_576;

/** Microseconds between 0001-01-01 and 1970-01-01: Kusto aligns bins of datetimes to year 1. */
const yearOneOffsetMicros = 62_135_596_800_000_000n;

type Renderer = (args: readonly SqlArg[], type: KustoType) => string | undefined;

const a = (args: readonly SqlArg[], i: number): string => (args[i] as SqlArg).sql;
const t = (args: readonly SqlArg[], i: number): KustoType | undefined => args[i]?.type;

function likePattern(args: readonly SqlArg[], i: number, prefix: string, suffix: string): string | undefined {
  const literal = args[i]?.literal;
  if (literal === undefined || typeof literal.value !== "string") return undefined;
  const escaped = literal.value.replace(/[\\%_]/g, (c) => `\\${c}`);
  return `${quoteString(`${prefix}${escaped}${suffix}`)} ESCAPE '\\'`;
}

/** Kusto's `has`: the needle appears as whole terms, bounded by non-alphanumeric characters. */
function termPattern(
  args: readonly SqlArg[],
  i: number,
  where: "whole" | "prefix" | "suffix",
  caseSensitive: boolean,
): string | undefined {
  const literal = args[i]?.literal;
  if (literal === undefined || typeof literal.value !== "string") return undefined;
  const escaped = literal.value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const before = where === "suffix" ? "" : "(^|[^[:alnum:]])";
  const after = where === "prefix" ? "" : "([^[:alnum:]]|$)";
  const flags = caseSensitive ? "" : "(?i)";
  return quoteString(`${flags}${before}${escaped}${after}`);
}

function textOf(arg: SqlArg): string {
  switch (arg.type) {
    case "string":
      return arg.sql;
    case "datetime":
      // Kusto writes a datetime as text with all seven digits of its 100-ns ticks; DuckDB keeps microseconds,
      // so the seventh is always 0.
      return `strftime(${arg.sql}, '%Y-%m-%dT%H:%M:%S.%f0Z')`;
    case "dynamic":
      return `CASE WHEN json_type(${arg.sql}) = 'VARCHAR' THEN ${arg.sql}->>'$' ELSE CAST(${arg.sql} AS VARCHAR) END`;
    case "bool":
      return `CASE WHEN ${arg.sql} THEN 'true' WHEN NOT ${arg.sql} THEN 'false' END`;
    case "timespan":
      return `svcmap_timespan_text(${arg.sql})`;
    default:
      return `CAST(${arg.sql} AS VARCHAR)`;
  }
}

function toDynamic(arg: SqlArg): string {
  if (arg.type === "dynamic") return arg.sql;
  if (arg.type === "string")
    return `CASE WHEN json_valid(${arg.sql}) THEN CAST(${arg.sql} AS JSON) ELSE to_json(${arg.sql}) END`;
  if (arg.type === "datetime" || arg.type === "timespan" || arg.type === "guid")
    return `to_json(${textOf(arg)})`;
  return `to_json(${arg.sql})`;
}

function numeric(arg: SqlArg, to: "BIGINT" | "INTEGER" | "DOUBLE"): string {
  // Kusto truncates a number written with a fraction ("12.7" is 12); SQL's cast would round it. The decimal
  // keeps integers of every size exact; the double takes what a decimal cannot hold, such as 1e30.
  if (arg.type === "string" && to !== "DOUBLE")
    return `coalesce(TRY_CAST(trunc(TRY_CAST(${arg.sql} AS DECIMAL(38, 9))) AS ${to}), TRY_CAST(trunc(TRY_CAST(${arg.sql} AS DOUBLE)) AS ${to}))`;
  if (arg.type === "string") return `TRY_CAST(${arg.sql} AS ${to})`;
  if (arg.type === "dynamic") return `TRY_CAST(${textOf(arg)} AS ${to})`;
  if (arg.type === "bool") return `CAST(${arg.sql} AS ${to})`;
  if (arg.type === "datetime")
    return to === "DOUBLE" ? `CAST(epoch_us(${arg.sql}) * 10 AS DOUBLE)` : `epoch_us(${arg.sql}) * 10`;
  if (to === "BIGINT" || to === "INTEGER") return `CAST(trunc(${arg.sql}) AS ${to})`;
  return `CAST(${arg.sql} AS ${to})`;
}

const datetimeParts: Readonly<Record<string, string>> = {
  year: "year",
  quarter: "quarter",
  month: "month",
  week_of_year: "weekofyear",
  weekofyear: "weekofyear",
  day: "day",
  dayofyear: "dayofyear",
  hour: "hour",
  minute: "minute",
  second: "second",
  millisecond: "millisecond",
  microsecond: "microsecond",
};

const arithmeticOperator: Readonly<Record<string, string>> = { add: "+", sub: "-", mul: "*" };
const comparison: Readonly<Record<string, string>> = {
  eq: "=",
  ne: "<>",
  lt: "<",
  le: "<=",
  gt: ">",
  ge: ">=",
};

/**
 * Kusto's == and != on values that may be null: null == null is null, null == x is false, null != x is
 * true. The _predicate form may return null where Kusto says false, because a filter treats both alike.
 */
const nullAwareComparisons: Readonly<Record<string, Renderer>> = {
  eq_kusto: (x) =>
    `CASE WHEN ${a(x, 0)} IS NULL AND ${a(x, 1)} IS NULL THEN NULL ELSE coalesce(${a(x, 0)} = ${a(x, 1)}, FALSE) END`,
  ne_kusto: (x) =>
    `CASE WHEN ${a(x, 0)} IS NULL AND ${a(x, 1)} IS NULL THEN NULL ELSE (${a(x, 0)} IS DISTINCT FROM ${a(x, 1)}) END`,
  ne_kusto_predicate: (x) =>
    `(${a(x, 0)} IS DISTINCT FROM ${a(x, 1)} AND NOT (${a(x, 0)} IS NULL AND ${a(x, 1)} IS NULL))`,
};

const renderers: Readonly<Record<string, Renderer>> = {
  ...nullAwareComparisons,
  and: (x) => `(${a(x, 0)} AND ${a(x, 1)})`,
  // Kusto's modulo is never negative: 0 <= N % D < abs(D), so -14 % 12 is 10 (SQL's remainder gives -2).
  mod: (x) => `(((${a(x, 0)} % ${a(x, 1)}) + abs(${a(x, 1)})) % abs(${a(x, 1)}))`,
  or: (x) => `(${a(x, 0)} OR ${a(x, 1)})`,
  not: (x) => `(NOT ${a(x, 0)})`,
  neg: (x) => `(-${a(x, 0)})`,
  div: (x, type) =>
    type === "real" || t(x, 0) === "real" || t(x, 1) === "real"
      ? `(CAST(${a(x, 0)} AS DOUBLE) / ${a(x, 1)})`
      : // Whole numbers divide exactly (a double would round longs beyond 2^53), truncating toward zero.
        `CAST(CASE WHEN ${a(x, 1)} = 0 THEN error('division by zero') ELSE ${a(x, 0)} // ${a(x, 1)} END AS ${type === "timespan" ? "BIGINT" : duckdbTypeOf[type]})`,
  eq_ci: (x) => `(lower(${a(x, 0)}) = lower(${a(x, 1)}))`,
  ne_ci: (x) => `(lower(${a(x, 0)}) <> lower(${a(x, 1)}))`,
  in: (x) =>
    `(${a(x, 0)} IN (${x
      .slice(1)
      .map((v) => v.sql)
      .join(", ")}))`,
  in_ci: (x) =>
    `(lower(${a(x, 0)}) IN (${x
      .slice(1)
      .map((v) => `lower(${v.sql})`)
      .join(", ")}))`,
  contains: (x) => {
    const p = likePattern(x, 1, "%", "%");
    return p ? `(${a(x, 0)} ILIKE ${p})` : `(strpos(lower(${a(x, 0)}), lower(${a(x, 1)})) > 0)`;
  },
  contains_cs: (x) => `(strpos(${a(x, 0)}, ${a(x, 1)}) > 0)`,
  startswith: (x) => {
    const p = likePattern(x, 1, "", "%");
    return p ? `(${a(x, 0)} ILIKE ${p})` : `starts_with(lower(${a(x, 0)}), lower(${a(x, 1)}))`;
  },
  startswith_cs: (x) => `starts_with(${a(x, 0)}, ${a(x, 1)})`,
  endswith: (x) => {
    const p = likePattern(x, 1, "%", "");
    return p ? `(${a(x, 0)} ILIKE ${p})` : `ends_with(lower(${a(x, 0)}), lower(${a(x, 1)}))`;
  },
  endswith_cs: (x) => `ends_with(${a(x, 0)}, ${a(x, 1)})`,
  has: (x) => termTest(x, "whole", false),
  has_cs: (x) => termTest(x, "whole", true),
  hasprefix: (x) => termTest(x, "prefix", false),
  hasprefix_cs: (x) => termTest(x, "prefix", true),
  hassuffix: (x) => termTest(x, "suffix", false),
  hassuffix_cs: (x) => termTest(x, "suffix", true),
  matches_regex: (x) => `regexp_matches(${a(x, 0)}, ${a(x, 1)})`,
  like: (x) => `(${a(x, 0)} LIKE ${a(x, 1)})`,
  isnull: (x) => `(${a(x, 0)} IS NULL)`,
  isempty: (x) =>
    t(x, 0) === "string"
      ? `(${a(x, 0)} IS NULL OR ${a(x, 0)} = '')`
      : t(x, 0) === "dynamic"
        ? `(${a(x, 0)} IS NULL OR CAST(${a(x, 0)} AS VARCHAR) IN ('""', 'null'))`
        : `(${a(x, 0)} IS NULL)`,
  tostring: (x) => `coalesce(${textOf(x[0] as SqlArg)}, '')`,
  strcat: (x) => `concat(${x.map((v) => v.sql).join(", ")})`,
  strcat_delim: (x) => `concat_ws(${x.map((v) => `coalesce(${v.sql}, '')`).join(", ")})`,
  strlen: (x) => `CAST(length(${a(x, 0)}) AS BIGINT)`,
  tolower: (x) => `lower(${a(x, 0)})`,
  toupper: (x) => `upper(${a(x, 0)})`,
  substring: (x) => {
    // A negative start counts from the end: substring("123456", -2, 2) is "56".
    const source = textOf(x[0] as SqlArg);
    const from = `(CASE WHEN ${a(x, 1)} < 0 THEN greatest(length(${source}) + ${a(x, 1)}, 0) ELSE ${a(x, 1)} END + 1)`;
    return x.length > 2
      ? `coalesce(substring(${source}, ${from}, ${a(x, 2)}), '')`
      : `coalesce(substring(${source}, ${from}), '')`;
  },
  indexof: (x) =>
    // Kusto reads both the source and the lookup as text, whatever their types.
    x.length === 2
      ? `(strpos(${textOf(x[0] as SqlArg)}, ${textOf(x[1] as SqlArg)}) - 1)`
      : `svcmap_indexof(${textOf(x[0] as SqlArg)}, ${textOf(x[1] as SqlArg)}, ${a(x, 2)}, ${x[3]?.sql ?? "-1"}, ${x[4]?.sql ?? "1"})`,
  replace_string: (x) => `replace(${a(x, 0)}, ${a(x, 1)}, ${a(x, 2)})`,
  replace_regex: (x) => `regexp_replace(${a(x, 0)}, ${a(x, 1)}, ${a(x, 2)}, 'g')`,
  trim: (x) => `regexp_replace(${a(x, 1)}, concat('^(', ${a(x, 0)}, ')+|(', ${a(x, 0)}, ')+$'), '', 'g')`,
  reverse: (x) => `reverse(${textOf(x[0] as SqlArg)})`,
  strrep: (x) =>
    x.length > 2
      ? `array_to_string(list_transform(range(CAST(${a(x, 1)} AS BIGINT)), i -> ${a(x, 0)}), ${a(x, 2)})`
      : `repeat(${a(x, 0)}, CAST(${a(x, 1)} AS BIGINT))`,
  // With an index: that part alone, or no part where there is none.
  split: (x) =>
    x.length > 2
      ? `to_json(CASE WHEN ${a(x, 2)} >= 0 AND ${a(x, 2)} < len(string_split(${a(x, 0)}, ${a(x, 1)}))
        THEN [string_split(${a(x, 0)}, ${a(x, 1)})[${a(x, 2)} + 1]] ELSE CAST([] AS VARCHAR[]) END)`
      : `to_json(string_split(${a(x, 0)}, ${a(x, 1)}))`,
  extract: (x) => `coalesce(regexp_extract(${a(x, 2)}, ${a(x, 0)}, CAST(${a(x, 1)} AS INTEGER)), '')`,
  // Plain matches may overlap (countof("aaaa", "aa") is 3); regular expression matches do not.
  countof: (x) => {
    const kind = x.length > 2 ? x[2]?.literal?.value : "normal";
    if (kind === "regex") return `CAST(len(regexp_extract_all(${a(x, 0)}, ${a(x, 1)})) AS BIGINT)`;
    if (kind !== "normal" || x[1]?.literal?.value === "") return undefined;
    return `CASE WHEN length(${a(x, 1)}) > 0 THEN CAST(len(list_filter(range(1, length(${a(x, 0)}) - length(${a(x, 1)}) + 2),
    i -> substring(${a(x, 0)}, i, length(${a(x, 1)})) = ${a(x, 1)})) AS BIGINT) END`;
  },
  coalesce: (x) => `coalesce(${x.map((v) => v.sql).join(", ")})`,
  tolong: (x) => numeric(x[0] as SqlArg, "BIGINT"),
  toint: (x) => numeric(x[0] as SqlArg, "INTEGER"),
  toreal: (x) => numeric(x[0] as SqlArg, "DOUBLE"),
  to_real: (x) => numeric(x[0] as SqlArg, "DOUBLE"),
  todecimal: (x) => numeric(x[0] as SqlArg, "DOUBLE"),
  tobool: (x) =>
    t(x, 0) === "string" || t(x, 0) === "dynamic"
      ? `CASE lower(${textOf(x[0] as SqlArg)}) WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE WHEN '1' THEN TRUE WHEN '0' THEN FALSE END`
      : `(${a(x, 0)} <> 0)`,
  todatetime: (x) =>
    t(x, 0) === "datetime"
      ? a(x, 0)
      : `TRY_CAST(replace(replace(${textOf(x[0] as SqlArg)}, 'T', ' '), 'Z', '') AS TIMESTAMP)`,
  totimespan: (x) =>
    t(x, 0) === "timespan" ? a(x, 0) : t(x, 0) === "string" ? undefined : `CAST(${a(x, 0)} AS BIGINT)`,
  // parse_json("") is null in Kusto, where other text that is no JSON becomes a dynamic string.
  todynamic: (x) =>
    t(x, 0) === "string"
      ? `CASE WHEN ${a(x, 0)} <> '' THEN ${toDynamic(x[0] as SqlArg)} END`
      : toDynamic(x[0] as SqlArg),
  toguid: (x) => `TRY_CAST(${a(x, 0)} AS UUID)`,
  datetime_add: (x) => `(${a(x, 0)} + to_microseconds(CAST(${a(x, 1)} // 10 AS BIGINT)))`,
  datetime_diff_ticks: (x) => `((epoch_us(${a(x, 0)}) - epoch_us(${a(x, 1)})) * 10)`,
  bin_datetime: (x) => {
    const ticks = x[1]?.literal?.value;
    if (typeof ticks !== "bigint" || ticks <= 0n) return undefined;
    const span = ticks / 10n;
    if (span === 0n) return undefined;
    const offset = yearOneOffsetMicros % span === 0n ? 0n : yearOneOffsetMicros;
    const shifted =
      offset === 0n ? `epoch_us(${a(x, 0)})` : `(epoch_us(${a(x, 0)}) + ${quoteNumber(offset)})`;
    const floored = `(${shifted} // ${quoteNumber(span)}) * ${quoteNumber(span)}`;
    return `make_timestamp(${offset === 0n ? floored : `${floored} - ${quoteNumber(offset)}`})`;
  },
  /** bin_at(value, span, origin) for a datetime at or after the origin (make-series … from). */
  bin_datetime_at: (x) => {
    const ticks = x[1]?.literal?.value;
    if (typeof ticks !== "bigint" || ticks < 10n) return undefined;
    const span = quoteNumber(ticks / 10n);
    return `make_timestamp(epoch_us(${a(x, 2)}) + ((epoch_us(${a(x, 0)}) - epoch_us(${a(x, 2)})) // ${span}) * ${span})`;
  },
  bin_number: (x, type) =>
    type === "real"
      ? `(floor(${a(x, 0)} / ${a(x, 1)}) * ${a(x, 1)})`
      : `CAST(floor(${a(x, 0)} / ${a(x, 1)}) * ${a(x, 1)} AS ${duckdbTypeOf[type]})`,
  // startof*/endof* take an optional offset in whole periods: startofmonth(d, 1) is next month's first day.
  startofday: (x) => startOf("day", x),
  startofweek: (x) => startOf("week", x),
  startofmonth: (x) => startOf("month", x),
  startofyear: (x) => startOf("year", x),
  endofday: (x) => endOf("day", x),
  dayofweek: (x) => `(CAST(dayofweek(${a(x, 0)}) AS BIGINT) * 864000000000)`,
  dayofmonth: (x) => `CAST(day(${a(x, 0)}) AS INTEGER)`,
  dayofyear: (x) => `CAST(dayofyear(${a(x, 0)}) AS INTEGER)`,
  hourofday: (x) => `CAST(hour(${a(x, 0)}) AS INTEGER)`,
  getmonth: (x) => `CAST(month(${a(x, 0)}) AS INTEGER)`,
  monthofyear: (x) => `CAST(month(${a(x, 0)}) AS INTEGER)`,
  getyear: (x) => `CAST(year(${a(x, 0)}) AS INTEGER)`,
  unixtime_seconds_todatetime: (x) => unixtime(x[0] as SqlArg, 1_000_000),
  unixtime_milliseconds_todatetime: (x) => unixtime(x[0] as SqlArg, 1_000),
  unixtime_microseconds_todatetime: (x) => unixtime(x[0] as SqlArg, 1),
  unixtime_nanoseconds_todatetime: (x) => unixtime(x[0] as SqlArg, 0.001),
  // Kusto gives null for a date that does not exist (February 30th), where make_timestamp raises.
  make_datetime: (x) =>
    `try(make_timestamp(${[0, 1, 2, 3, 4].map((i) => (x[i] ? `CAST(${a(x, i)} AS BIGINT)` : "0")).join(", ")}, ${x[5] ? `CAST(${a(x, 5)} AS DOUBLE)` : "0"}))`,
  array_length: (x) =>
    `CASE WHEN json_type(${a(x, 0)}) = 'ARRAY' THEN CAST(json_array_length(${a(x, 0)}) AS BIGINT) END`,
  json_member: (x) => {
    const key = x[1]?.literal?.value;
    if (typeof key === "string")
      return `json_extract(${a(x, 0)}, ${quoteString(`/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`)})`;
    if (typeof key === "bigint" || typeof key === "number") {
      return Number(key) >= 0 ? `json_extract(${a(x, 0)}, ${quoteString(`/${Number(key)}`)})` : undefined;
    }
    return undefined;
  },
  pack: (x) => {
    const parts: string[] = [];
    for (let i = 0; i + 1 < x.length; i += 2)
      parts.push(`coalesce(${a(x, i)}, ''), ${toDynamic(x[i + 1] as SqlArg)}`);
    return `CAST(json_object(${parts.join(", ")}) AS JSON)`;
  },
  pack_array: (x) => `CAST(json_array(${x.map((v) => toDynamic(v)).join(", ")}) AS JSON)`,
  set_has_element: (x) => `list_contains(CAST(${a(x, 0)} AS JSON[]), ${toDynamic(x[1] as SqlArg)})`,
  abs: (x) => `abs(${a(x, 0)})`,
  rand: () => "random()",
  sign: (x) => `sign(${a(x, 0)})`,
  trim_start: (x) => `regexp_replace(${a(x, 1)}, concat('^(', ${a(x, 0)}, ')+'), '')`,
  trim_end: (x) => `regexp_replace(${a(x, 1)}, concat('(', ${a(x, 0)}, ')+$'), '')`,
  bag_keys: (x) => `to_json(json_keys(${a(x, 0)}))`,
  array_concat: (x) => `to_json(flatten([${x.map((v) => `CAST(${v.sql} AS JSON[])`).join(", ")}]))`,
  strcat_array: (x) =>
    `array_to_string(list_transform(CAST(${a(x, 0)} AS JSON[]), e -> CASE WHEN json_type(e) = 'VARCHAR' THEN e->>'$' ELSE CAST(e AS VARCHAR) END), ${a(x, 1)})`,
  endofmonth: (x) => endOf("month", x),
  endofyear: (x) => endOf("year", x),
  endofweek: (x) => endOf("week", x),
  isascii: (x) => `NOT regexp_matches(${a(x, 0)}, '[^\x00-\x7F]')`,
  round: (x) => (x.length > 1 ? `round(${a(x, 0)}, CAST(${a(x, 1)} AS INTEGER))` : `round(${a(x, 0)})`),
  ceiling: (x) => `ceiling(${a(x, 0)})`,
  // Kusto gives null where DuckDB raises: the root or logarithm of a negative number (and -∞ for log(0)).
  sqrt: (x) => `CASE WHEN ${a(x, 0)} >= 0 THEN sqrt(${a(x, 0)}) END`,
  exp: (x) => `exp(${a(x, 0)})`,
  log: (x) => logarithm("ln", x),
  log10: (x) => logarithm("log10", x),
  log2: (x) => logarithm("log2", x),
  pow: (x) => `pow(${a(x, 0)}, ${a(x, 1)})`,
  hash_md5: (x) => `md5(${a(x, 0)})`,
  hash_sha256: (x) => `sha256(${a(x, 0)})`,
  hash_sha1: (x) => `sha1(${a(x, 0)})`,
  binary_and: (x) => `(${a(x, 0)} & ${a(x, 1)})`,
  binary_or: (x) => `(${a(x, 0)} | ${a(x, 1)})`,
  binary_xor: (x) => `xor(${a(x, 0)}, ${a(x, 1)})`,
  binary_not: (x) => `(~${a(x, 0)})`,
  strcmp: (x) =>
    `CASE WHEN ${a(x, 0)} < ${a(x, 1)} THEN -1 WHEN ${a(x, 0)} > ${a(x, 1)} THEN 1 WHEN ${a(x, 0)} = ${a(x, 1)} THEN 0 END`,
  new_guid: () => "gen_random_uuid()",
  // Local time is unambiguous from UTC; the way back (datetime_local_to_utc) meets clocks that repeat.
  datetime_utc_to_local: (x) => `((${a(x, 0)} AT TIME ZONE 'UTC') AT TIME ZONE ${a(x, 1)})`,
  // Two's complement of the value's own width: 8 digits for a negative int, 16 for a negative long.
  tohex: (x) => {
    const value =
      t(x, 0) === "int"
        ? `(CAST(${a(x, 0)} AS BIGINT) & 4294967295)`
        : t(x, 0) === "long"
          ? a(x, 0)
          : undefined;
    if (value === undefined) return undefined;
    const hex = `lower(to_hex(${value}))`;
    return x.length > 1
      ? `CASE WHEN length(${hex}) >= ${a(x, 1)} THEN ${hex} ELSE lpad(${hex}, CAST(${a(x, 1)} AS INTEGER), '0') END`
      : hex;
  },
  unicode_codepoints_to_string: (x) =>
    x.every((v) => v.type === "int" || v.type === "long")
      ? `concat(${x.map((v) => `chr(CAST(${v.sql} AS INTEGER))`).join(", ")})`
      : undefined,
  array_reverse: (x) =>
    `CASE WHEN json_type(${a(x, 0)}) = 'ARRAY' THEN to_json(list_reverse(CAST(${a(x, 0)} AS JSON[]))) END`,
  // range(start, stop[, step]) of whole numbers: at most 2^20 values, as Kusto truncates there.
  range: (x) => {
    if (x.some((v) => v.type !== "long" && v.type !== "int")) return undefined;
    const [start, stop] = [`CAST(${a(x, 0)} AS BIGINT)`, `CAST(${a(x, 1)} AS BIGINT)`];
    const step = x.length > 2 ? `CAST(${a(x, 2)} AS BIGINT)` : "1";
    const last = `${start} + ${step} * ${maxRangeValues - 1}`;
    return `CASE WHEN ${step} <> 0 THEN to_json(generate_series(${start},
    CASE WHEN ${step} > 0 THEN least(${stop}, ${last}) ELSE greatest(${stop}, ${last}) END, ${step})) END`;
  },
  // Kusto's indexes count from 0, or back from the end when negative; both ends are included.
  array_slice: (x) =>
    `CASE WHEN json_type(${a(x, 0)}) = 'ARRAY' THEN to_json(coalesce(list_slice(CAST(${a(x, 0)} AS JSON[]),
    CASE WHEN ${a(x, 1)} >= 0 THEN ${a(x, 1)} + 1 ELSE ${a(x, 1)} END,
    CASE WHEN ${a(x, 2)} >= 0 THEN ${a(x, 2)} + 1 ELSE ${a(x, 2)} END), [])) END`,
  array_index_of: (x) =>
    `CASE WHEN json_type(${a(x, 0)}) = 'ARRAY' THEN CAST(coalesce(list_position(CAST(${a(x, 0)} AS JSON[]), ${toDynamic(x[1] as SqlArg)}), 0) - 1 AS BIGINT) END`,
  bag_has_key: (x) => {
    const key = x[1]?.literal?.value;
    // A key may also be a JSONPath ("$.a.b"), which this does not read.
    if (typeof key !== "string" || key.startsWith("$") || key.startsWith("[")) return undefined;
    return `(json_type(${a(x, 0)}) = 'OBJECT' AND list_contains(json_keys(${a(x, 0)}), ${quoteString(key)}))`;
  },
  ipv4_is_in_any_range: (x) => {
    if (x.slice(1).some((r) => r.type !== "string")) return undefined;
    return `(${x
      .slice(1)
      .map((r) => `svcmap_ipv4_in_range(${a(x, 0)}, ${r.sql})`)
      .join(" OR ")})`;
  },
  exp2: (x) => `pow(2, ${a(x, 0)})`,
  exp10: (x) => `pow(10, ${a(x, 0)})`,
  pi: () => "pi()",
  isinf: (x) => `isinf(${a(x, 0)})`,
  sin: (x) => `sin(${a(x, 0)})`,
  cos: (x) => `cos(${a(x, 0)})`,
  tan: (x) => `tan(${a(x, 0)})`,
  asin: (x) => `asin(${a(x, 0)})`,
  acos: (x) => `acos(${a(x, 0)})`,
  atan: (x) => `atan(${a(x, 0)})`,
  atan2: (x) => `atan2(${a(x, 0)}, ${a(x, 1)})`,
  cot: (x) => `cot(${a(x, 0)})`,
  degrees: (x) => `degrees(${a(x, 0)})`,
  radians: (x) => `radians(${a(x, 0)})`,
  gamma: (x) => `gamma(${a(x, 0)})`,
  loggamma: (x) => `lgamma(${a(x, 0)})`,
  /** gettype() of a dynamic value: the type of what it holds; Kusto reads whole numbers as int when they fit. */
  gettype_dynamic: (x) =>
    `CASE json_type(${a(x, 0)}) WHEN 'OBJECT' THEN 'dictionary' WHEN 'ARRAY' THEN 'array' WHEN 'VARCHAR' THEN 'string'
    WHEN 'BOOLEAN' THEN 'bool' WHEN 'DOUBLE' THEN 'real'
    WHEN 'BIGINT' THEN CASE WHEN CAST(${a(x, 0)} AS BIGINT) BETWEEN -2147483648 AND 2147483647 THEN 'int' ELSE 'long' END
    WHEN 'UBIGINT' THEN CASE WHEN CAST(${a(x, 0)} AS UBIGINT) <= 2147483647 THEN 'int' ELSE 'long' END
    ELSE 'null' END`,
  /** extract_all with one capture group: every match of it, or null where there is none. */
  extract_all: (x) => `to_json(nullif(regexp_extract_all(${a(x, 1)}, ${a(x, 0)}, 1), []))`,
  // Kusto's url_encode is .NET's HttpUtility.UrlEncode: "+" for a space, lower-case hex, and only letters,
  // digits and -_.!*() left as they are.
  url_encode: (x) =>
    `array_to_string(list_transform(string_split(${a(x, 0)}, ''), c -> CASE WHEN regexp_matches(c, '^[A-Za-z0-9_.!*()-]$') THEN c
    WHEN c = ' ' THEN '+' WHEN ord(c) < 128 THEN printf('%%%02x', ord(c)) ELSE lower(url_encode(c)) END), '')`,
  // Text that is no base64, or whose bytes are no UTF-8, gives null.
  base64_decode_tostring: (x) => `try(decode(from_base64(${a(x, 0)})))`,
  max_of: (x) => `greatest(${x.map((v) => v.sql).join(", ")})`,
  min_of: (x) => `least(${x.map((v) => v.sql).join(", ")})`,
  isnan: (x) => `isnan(${a(x, 0)})`,
  isfinite: (x) => `isfinite(${a(x, 0)})`,
  ipv4_is_private: (x) =>
    `(regexp_matches(${a(x, 0)}, '^(10\\.|192\\.168\\.|172\\.(1[6-9]|2[0-9]|3[01])\\.)'))`,
  parse_ipv4: (x) => `svcmap_ipv4_number(${a(x, 0)})`,
  format_ipv4: (x) => {
    // A string address may carry its own /prefix, which this does not read: numbers only.
    if (t(x, 0) !== "long" && t(x, 0) !== "int") return undefined;
    const value = `CAST(${a(x, 0)} AS BIGINT)`;
    const prefix = x.length > 1 ? `CAST(${a(x, 1)} AS BIGINT)` : "32";
    return `svcmap_ipv4_text(${value}, ${prefix})`;
  },
  // Kusto's url_encode is .NET's HttpUtility.UrlEncode (lower-case hex, "+" for space): its decoder also
  // reads "+" as a space, which DuckDB's url_decode does not.
  base64_encode_tostring: (x) => `to_base64(encode(${a(x, 0)}))`,
  url_decode: (x) => `url_decode(replace(${a(x, 0)}, '+', ' '))`,
  ipv4_is_in_range: (x) => `svcmap_ipv4_in_range(${a(x, 0)}, ${a(x, 1)})`,
  ipv4_is_match: (x) => `(${ipv4Compare(x)} = 0)`,
  ipv4_compare: (x) => ipv4Compare(x),
  parse_ipv4_mask: (x) =>
    `svcmap_ipv4_masked(${a(x, 0)}, least(CAST(${a(x, 1)} AS BIGINT), svcmap_ipv4_prefix(${a(x, 0)})))`,
};

/**
 * Kusto's term operators. A plain substring test runs first: it rejects most rows far more cheaply than
 * the regular expression that then checks the term's boundaries.
 */
function termTest(
  x: readonly SqlArg[],
  where: "whole" | "prefix" | "suffix",
  caseSensitive: boolean,
): string | undefined {
  const pattern = termPattern(x, 1, where, caseSensitive);
  const needle = x[1]?.literal?.value;
  if (pattern === undefined || typeof needle !== "string") return undefined;
  const prefilter = caseSensitive
    ? `strpos(${a(x, 0)}, ${quoteString(needle)}) > 0`
    : `strpos(lower(${a(x, 0)}), lower(${quoteString(needle)})) > 0`;
  return `(${prefilter} AND regexp_matches(${a(x, 0)}, ${pattern}))`;
}

/** Each takes the FILTER clause ("" or " FILTER (WHERE …)") to place right after its aggregate call. */
const aggregates: Readonly<
  Record<string, (args: readonly SqlArg[], type: KustoType, f: string) => string | undefined>
> = {
  count: (_x, _type, f) => `CAST(count(*)${f} AS BIGINT)`,
  sum: (x, type, f) => `CAST(sum(${a(x, 0)})${f} AS ${duckdbTypeOf[type]})`,
  avg: (x, _type, f) => `avg(${a(x, 0)})${f}`,
  min: (x, _type, f) => `min(${a(x, 0)})${f}`,
  max: (x, _type, f) => `max(${a(x, 0)})${f}`,
  dcount: (x, _type, f) => `CAST(count(DISTINCT ${a(x, 0)})${f} AS BIGINT)`,
  take_any: (x, _type, f) => `any_value(${a(x, 0)})${f}`,
  make_set: (x, _type, f) =>
    x[0]?.type === "dynamic"
      ? `coalesce(to_json(${atMost(x, `list_distinct(flatten(list(${asJsonList(a(x, 0))})${f}))`)}), '[]')`
      : `coalesce(to_json(${atMost(x, `list(DISTINCT ${a(x, 0)})${f}`)}), '[]')`,
  make_list: (x, _type, f) =>
    x[0]?.type === "dynamic"
      ? `coalesce(to_json(${atMost(x, `flatten(list(${asJsonList(a(x, 0))})${f})`)}), '[]')`
      : `coalesce(to_json(${atMost(x, `list(${a(x, 0)})${f}`)}), '[]')`,
  stdev: (x, _type, f) => `stddev_samp(${a(x, 0)})${f}`,
  stdevp: (x, _type, f) => `stddev_pop(${a(x, 0)})${f}`,
  variance: (x, _type, f) => `var_samp(${a(x, 0)})${f}`,
  variancep: (x, _type, f) => `var_pop(${a(x, 0)})${f}`,
  /** make-series: the values of a group as a dynamic array in the order of the second argument (the bin). */
  series_list: (x, _type, f) =>
    `coalesce(to_json(list(${toDynamic(x[0] as SqlArg)} ORDER BY ${a(x, 1)})${f}), '[]')`,
  // Bags merged key by key; a key that several rows carry keeps one of their values (the first met).
  make_bag: (x, _type, f) =>
    `coalesce(to_json(${bagOfAtMost(x, `svcmap_first_keys(flatten(list(map_entries(CASE WHEN json_type(${a(x, 0)}) = 'OBJECT' THEN CAST(${a(x, 0)} AS MAP(VARCHAR, JSON)) END))${f}))`)}), '{}')`,
  percentile: (x, _type, f) => `quantile_disc(${a(x, 0)}, ${a(x, 1)} / 100.0)${f}`,
  percentiles_array: (x, _type, f) =>
    `to_json(list_transform(quantile_disc(${a(x, 0)}, [${x
      .slice(1)
      .map((p) => `${p.sql} / 100.0`)
      .join(", ")}])${f}, v -> ${toDynamic({ sql: "v", type: x[0]?.type ?? "real" })}))`,
};

type Period = "day" | "week" | "month" | "year";

/** The first instant of the period holding x[0], moved by x[1] whole periods; weeks start on Sunday. */
function startOf(period: Period, x: readonly SqlArg[]): string {
  const d = a(x, 0);
  const start =
    period === "week"
      ? `(date_trunc('day', ${d}) - to_days(CAST(dayofweek(${d}) AS INTEGER)))`
      : `date_trunc('${period}', ${d})`;
  return x[1] === undefined ? start : `(${start} + ${periods(period, `CAST(${a(x, 1)} AS INTEGER)`)})`;
}

/** The last instant (to DuckDB's microsecond) of the period startOf picks. */
function endOf(period: Period, x: readonly SqlArg[]): string {
  return `(${startOf(period, x)} + ${periods(period, "1")} - INTERVAL 1 MICROSECOND)`;
}

function periods(period: Period, count: string): string {
  return period === "week" ? `to_days(7 * ${count})` : `to_${period}s(${count})`;
}

/** The list cut to the aggregate's optional maximum size (its second argument; Kusto's default is 1,048,576). */
function atMost(x: readonly SqlArg[], list: string): string {
  return x[1] === undefined ? list : `list_slice(${list}, 1, ${x[1].sql})`;
}

/** A bag cut to its first `maxSize` keys, once each key appears once. */
function bagOfAtMost(x: readonly SqlArg[], bag: string): string {
  return x[1] === undefined ? bag : `map_from_entries(list_slice(map_entries(${bag}), 1, ${x[1].sql}))`;
}

/**
 * Kusto's ipv4_compare(a, b[, prefix]): each address may carry its own /prefix, and the shortest of the
 * prefixes decides how many leading bits are compared.
 */
function ipv4Compare(x: readonly SqlArg[]): string {
  const prefixes = [`svcmap_ipv4_prefix(${a(x, 0)})`, `svcmap_ipv4_prefix(${a(x, 1)})`];
  if (x.length > 2) prefixes.push(`CAST(${a(x, 2)} AS BIGINT)`);
  const prefix = `least(${prefixes.join(", ")})`;
  return `sign(svcmap_ipv4_masked(${a(x, 0)}, ${prefix}) - svcmap_ipv4_masked(${a(x, 1)}, ${prefix}))`;
}

/** A datetime from a count of units (`microsPerUnit` microseconds each) since 1970. */
function unixtime(arg: SqlArg, microsPerUnit: number): string {
  const whole = arg.type === "long" || arg.type === "int";
  if (whole && microsPerUnit >= 1) return `make_timestamp(CAST(${arg.sql} AS BIGINT) * ${microsPerUnit})`;
  if (whole) return `make_timestamp(CAST(${arg.sql} AS BIGINT) // ${Math.round(1 / microsPerUnit)})`;
  return `make_timestamp(CAST(trunc(CAST(${arg.sql} AS DOUBLE) * ${microsPerUnit}) AS BIGINT))`;
}

/** make_set/make_list add an array's elements, not the array itself. */
function asJsonList(value: string): string {
  return `CASE WHEN json_type(${value}) = 'ARRAY' THEN CAST(${value} AS JSON[]) ELSE [${value}] END`;
}

export const duckdbDialect: Dialect = {
  name: "duckdb",
  quoteIdent,
  literal: literalSql,
  call(fn, args, type) {
    const colon = fn.indexOf(":");
    if (fn.startsWith("window:")) return windowCall(fn.slice(colon + 1), args, type);
    if (colon >= 0) return parameterised(fn.slice(0, colon), fn.slice(colon + 1), args);
    const operator = arithmeticOperator[fn];
    if (operator !== undefined) return `(${a(args, 0)} ${operator} ${a(args, 1)})`;
    const compare = comparison[fn];
    if (compare !== undefined) return `(${a(args, 0)} ${compare} ${a(args, 1)})`;
    return renderers[fn]?.(args, type);
  },
  aggregate(fn, args, type, filter) {
    return aggregates[fn]?.(args, type, filter === undefined ? "" : ` FILTER (WHERE ${filter})`);
  },
  argExtreme(fn, by, row) {
    // arg_max_null keeps a null value from the winning row, as the one-field struct would, without a struct.
    if (row.length === 1) return `${fn}_null(${(row[0] as SqlArg).sql}, ${by.sql})`;
    const fields = row.map((r, i) => `${quoteString(`f${i}`)}: ${r.sql}`).join(", ");
    return `${fn}({${fields}}, ${by.sql})`;
  },
  structField(struct, index, width) {
    if (width === 1) return struct;
    return `struct_extract(${struct}, ${quoteString(`f${index}`)})`;
  },
  firstRowPerGroup(source, partition, order) {
    return `SELECT * FROM (${source}) QUALIFY row_number() OVER (PARTITION BY ${partition.join(", ")} ORDER BY ${order}) = 1`;
  },
  oneRowPerKey(source, keys) {
    return `SELECT DISTINCT ON (${keys.join(", ")}) * FROM ${source}`;
  },
  unnestDynamic(value) {
    return `unnest(${asJsonList(value)})`;
  },
  fromDynamic(value, type) {
    switch (type) {
      case "dynamic":
        return value;
      case "string":
        return `coalesce(${textOf({ sql: value, type: "dynamic" })}, '')`;
      case "datetime":
        return `TRY_CAST(replace(replace(${value}->>'$', 'T', ' '), 'Z', '') AS TIMESTAMP)`;
      case "bool":
        return `TRY_CAST(${value}->>'$' AS BOOLEAN)`;
      case "timespan":
        return `TRY_CAST(${value}->>'$' AS BIGINT)`;
      default:
        return `TRY_CAST(${value}->>'$' AS ${duckdbTypeOf[type]})`;
    }
  },
  range(name, from, to, step) {
    if (from.type === "datetime") {
      return `SELECT "range" AS ${quoteIdent(name)} FROM range(${from.sql}, ${to.sql} + to_microseconds(1), to_microseconds(CAST(${step.sql} // 10 AS BIGINT)))`;
    }
    return `SELECT "generate_series" AS ${quoteIdent(name)} FROM generate_series(${from.sql}, ${to.sql}, ${step.sql})`;
  },
  cte(name, body, materialized) {
    return `${quoteIdent(name)} AS ${materialized ? "MATERIALIZED " : ""}(${body})`;
  },
  typedNull(type) {
    return `CAST(NULL AS ${duckdbTypeOf[type]})`;
  },
  setupFor(sql) {
    return macroDefinitions
      .filter((macro) => macro.needed.some((name) => sql.includes(name)))
      .map((m) => m.sql);
  },
  emptyRelation(columns) {
    if (columns.length === 0) return "SELECT 1 AS __row WHERE FALSE";
    return `SELECT ${columns.map((c) => `CAST(NULL AS ${duckdbTypeOf[c.type]}) AS ${quoteIdent(c.name)}`).join(", ")} WHERE FALSE`;
  },
};

const calendarParts = new Set([
  "year",
  "quarter",
  "month",
  "week",
  "day",
  "hour",
  "minute",
  "second",
  "millisecond",
  "microsecond",
]);

/** A Kusto datetime_diff/datetime_add part (singular, with Kusto's aliases) as DuckDB names it. */
function calendarPart(parameter: string): string | undefined {
  const part = datetimeParts[parameter] ?? parameter;
  return calendarParts.has(part) ? part : undefined;
}

/** Window functions over the serialized order; the arguments end with (key, descending, nulls first) triples. */
const windowFunctions: Readonly<Record<string, { arity: number; render: (x: readonly SqlArg[]) => string }>> =
  {
    row_number: { arity: 0, render: () => "row_number()" },
    prev: { arity: 3, render: (x) => `lag(${a(x, 0)}, CAST(${a(x, 1)} AS BIGINT), ${a(x, 2)})` },
    next: { arity: 3, render: (x) => `lead(${a(x, 0)}, CAST(${a(x, 1)} AS BIGINT), ${a(x, 2)})` },
    row_cumsum: { arity: 1, render: (x) => `sum(${a(x, 0)})` },
  };

function windowCall(spec: string, args: readonly SqlArg[], type: KustoType): string | undefined {
  // "NAME|pN": the N arguments after the function's own partition the rows.
  const [name = "", partitionSpec] = spec.split("|p");
  const fn = windowFunctions[name];
  if (fn === undefined) return undefined;
  const partitions = Number(partitionSpec ?? 0);
  const partition = args.slice(fn.arity, fn.arity + partitions).map((p) => p.sql);
  const keys: string[] = [];
  for (let i = fn.arity + partitions; i + 2 < args.length; i += 3) {
    const descending = args[i + 1]?.literal?.value === true;
    const nullsFirst = args[i + 2]?.literal?.value === true;
    keys.push(`${a(args, i)} ${descending ? "DESC" : "ASC"} NULLS ${nullsFirst ? "FIRST" : "LAST"}`);
  }
  const order =
    (partition.length > 0 ? `PARTITION BY ${partition.join(", ")} ` : "") +
    (keys.length > 0 ? `ORDER BY ${keys.join(", ")} ` : "");
  // Running sums include every row up to this one, ties included one at a time, as Kusto counts rows.
  const frame = name === "row_cumsum" ? "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW" : "";
  const sql = `${fn.render(args)} OVER (${order}${frame})`;
  return name === "row_number" || name === "row_cumsum" ? `CAST(${sql} AS ${duckdbTypeOf[type]})` : sql;
}

function parameterised(base: string, parameter: string, args: readonly SqlArg[]): string | undefined {
  if (base === "datetime_part") {
    const part = datetimeParts[parameter];
    return part === undefined ? undefined : `CAST(date_part(${quoteString(part)}, ${a(args, 0)}) AS INTEGER)`;
  }
  if (base === "datetime_diff") {
    const part = calendarPart(parameter);
    if (part === undefined) return undefined;
    // Kusto counts the boundaries crossed, as date_diff does, but its weeks start on Sunday, not Monday.
    if (part === "week")
      return `(date_diff('day', ${startOf("week", [args[1] as SqlArg])}, ${startOf("week", [args[0] as SqlArg])}) // 7)`;
    return `date_diff(${quoteString(part)}, ${a(args, 1)}, ${a(args, 0)})`;
  }
  if (base === "datetime_add_part") {
    const part = calendarPart(parameter);
    if (part === undefined) return undefined;
    return `(${a(args, 1)} + to_${part === "quarter" ? "months" : `${part}s`}(CAST(${part === "quarter" ? `${a(args, 0)} * 3` : a(args, 0)} AS INTEGER)))`;
  }
  if (base === "format_datetime") {
    const format = kustoDatetimeFormat(parameter);
    return format === undefined ? undefined : `strftime(${a(args, 0)}, ${quoteString(format)})`;
  }
  if (base === "arg_max" || base === "arg_min") return undefined;
  return undefined;
}

/** Kusto's format_datetime specifiers mapped onto strftime's. */
function kustoDatetimeFormat(format: string): string | undefined {
  const tokens: [RegExp, string][] = [
    [/^yyyy/, "%Y"],
    [/^yy/, "%y"],
    [/^MM/, "%m"],
    [/^dd/, "%d"],
    [/^HH/, "%H"],
    [/^hh/, "%I"],
    [/^mm/, "%M"],
    [/^ss/, "%S"],
    // Seven digits of ticks: datetimes here hold microseconds, so the seventh is always 0.
    [/^fffffff/, "%f0"],
    [/^ffffff/, "%f"],
    [/^fff/, "%g"],
    [/^tt/, "%p"],
  ];
  let out = "";
  let rest = format;
  while (rest.length > 0) {
    const match = tokens.find(([re]) => re.test(rest));
    if (match) {
      const [re, replacement] = match;
      out += replacement;
      rest = rest.replace(re, "");
    } else {
      const ch = rest[0] as string;
      if (/[a-zA-Z]/.test(ch)) return undefined;
      out += ch === "%" ? "%%" : ch;
      rest = rest.slice(1);
    }
  }
  return out;
}

function literalSql(literal: Literal): string {
  if (literal.value === null) return `CAST(NULL AS ${duckdbTypeOf[literal.type]})`;
  switch (literal.type) {
    case "string":
      return quoteString(literal.value);
    case "guid":
      return `CAST(${quoteString(literal.value)} AS UUID)`;
    case "int":
      return `CAST(${quoteNumber(literal.value)} AS INTEGER)`;
    case "long":
      return quoteNumber(literal.value);
    case "real":
    case "decimal": {
      const v = Number(literal.value);
      if (Number.isNaN(v)) return "CAST('NaN' AS DOUBLE)";
      if (!Number.isFinite(v)) return v > 0 ? "CAST('Infinity' AS DOUBLE)" : "CAST('-Infinity' AS DOUBLE)";
      return `CAST(${quoteNumber(v)} AS DOUBLE)`;
    }
    case "bool":
      return literal.value ? "TRUE" : "FALSE";
    case "datetime":
      return `make_timestamp(${quoteNumber(literal.value)})`;
    case "timespan":
      return quoteNumber(literal.value);
    case "dynamic":
      return `CAST(${quoteString(literal.value)} AS JSON)`;
  }
}

/**
 * SQL macros some renderings rely on, each created on a query's connection only when its SQL uses it (or a
 * macro that depends on it), in dependency order.
 */
const macroDefinitions: readonly { readonly needed: readonly string[]; readonly sql: string }[] = [
  {
    needed: ["svcmap_timespan_text"],
    sql: `CREATE OR REPLACE TEMP MACRO svcmap_timespan_text(ticks) AS CASE WHEN ticks IS NULL THEN NULL ELSE
    concat(CASE WHEN ticks < 0 THEN '-' ELSE '' END,
      CASE WHEN abs(ticks) >= 864000000000 THEN concat(CAST(abs(ticks) // 864000000000 AS VARCHAR), '.') ELSE '' END,
      lpad(CAST((abs(ticks) // 36000000000) % 24 AS VARCHAR), 2, '0'), ':',
      lpad(CAST((abs(ticks) // 600000000) % 60 AS VARCHAR), 2, '0'), ':',
      lpad(CAST((abs(ticks) // 10000000) % 60 AS VARCHAR), 2, '0'),
      CASE WHEN abs(ticks) % 10000000 <> 0 THEN concat('.', lpad(CAST(abs(ticks) % 10000000 AS VARCHAR), 7, '0')) ELSE '' END) END`,
  },
  {
    needed: ["svcmap_ipv4_number", "svcmap_ipv4_in_range", "svcmap_ipv4_masked"],
    sql: `CREATE OR REPLACE TEMP MACRO svcmap_ipv4_number(ip) AS CASE WHEN regexp_matches(ip, '^(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}$') THEN
    CAST(split_part(ip, '.', 1) AS BIGINT) * 16777216 + CAST(split_part(ip, '.', 2) AS BIGINT) * 65536 +
    CAST(split_part(ip, '.', 3) AS BIGINT) * 256 + CAST(split_part(ip, '.', 4) AS BIGINT) END`,
  },
  {
    // indexof(source, lookup, start, length, occurrence): a negative start counts from the end; the lookup
    // must lie wholly within the characters start to start + length, both included, which is how Kusto's
    // documented examples come out (length -1: to the end); the answer is the index in the whole source, -1
    // when absent, null for a start before the beginning, a length below -1 or a negative occurrence. Later
    // occurrences are looked for from one character after the previous one.
    needed: ["svcmap_indexof"],
    sql: `CREATE OR REPLACE TEMP MACRO svcmap_indexof(s, m, start, len, occ) AS (
    WITH f(b) AS (SELECT CASE WHEN start < 0 THEN length(s) + start ELSE start END)
    SELECT CASE WHEN b < 0 OR len < -1 OR occ < 0 THEN NULL
      ELSE coalesce(list_filter(range(b, CASE WHEN len = -1 THEN length(s) ELSE least(length(s), b + len + 1) END
        - length(m) + 1), i -> substr(s, i + 1, length(m)) = m)[occ], -1) END FROM f)`,
  },
  {
    needed: ["svcmap_first_keys"],
    sql: `CREATE OR REPLACE TEMP MACRO svcmap_first_keys(entries) AS map_from_entries(list_filter(entries,
    (e, i) -> list_position(list_transform(entries, x -> x.key), e.key) = i))`,
  },
  {
    needed: ["svcmap_ipv4_dotted", "svcmap_ipv4_text"],
    sql: `CREATE OR REPLACE TEMP MACRO svcmap_ipv4_dotted(n) AS concat_ws('.', CAST((n // 16777216) % 256 AS VARCHAR),
    CAST((n // 65536) % 256 AS VARCHAR), CAST((n // 256) % 256 AS VARCHAR), CAST(n % 256 AS VARCHAR))`,
  },
  {
    // The dotted form of an address number, masked to its first `prefix` bits; "" where it is no address.
    needed: ["svcmap_ipv4_text"],
    sql: `CREATE OR REPLACE TEMP MACRO svcmap_ipv4_text(n, prefix) AS CASE
    WHEN n IS NULL OR prefix IS NULL OR n < 0 OR n > 4294967295 OR prefix < 0 OR prefix > 32 THEN ''
    ELSE svcmap_ipv4_dotted((n // CAST(pow(2, 32 - prefix) AS BIGINT)) * CAST(pow(2, 32 - prefix) AS BIGINT)) END`,
  },
  {
    // An address with an optional /prefix: its prefix (32 when it has none), and its number masked to `bits`
    // leading bits; null where the text is no address or the prefix lies outside 0–32.
    needed: ["svcmap_ipv4_prefix", "svcmap_ipv4_masked"],
    sql: `CREATE OR REPLACE TEMP MACRO svcmap_ipv4_prefix(ip) AS CASE WHEN ip LIKE '%/%'
    THEN TRY_CAST(split_part(ip, '/', 2) AS BIGINT) ELSE 32 END`,
  },
  {
    needed: ["svcmap_ipv4_masked"],
    sql: `CREATE OR REPLACE TEMP MACRO svcmap_ipv4_masked(ip, bits) AS CASE WHEN bits BETWEEN 0 AND 32 THEN
    (svcmap_ipv4_number(split_part(ip, '/', 1)) // CAST(pow(2, 32 - bits) AS BIGINT)) * CAST(pow(2, 32 - bits) AS BIGINT) END`,
  },
  {
    needed: ["svcmap_ipv4_in_range"],
    sql: `CREATE OR REPLACE TEMP MACRO svcmap_ipv4_in_range(ip, range) AS
    svcmap_ipv4_number(ip) // CAST(pow(2, 32 - coalesce(TRY_CAST(nullif(split_part(range, '/', 2), '') AS INTEGER), 32)) AS BIGINT)
    = svcmap_ipv4_number(split_part(range, '/', 1)) // CAST(pow(2, 32 - coalesce(TRY_CAST(nullif(split_part(range, '/', 2), '') AS INTEGER), 32)) AS BIGINT)`,
  },
];

export { formatTimespan };

/** Every helper macro, for a connection that runs hand-written SQL beside the engine's. */
export const duckdbMacros: readonly string[] = macroDefinitions.map((m) => m.sql);
