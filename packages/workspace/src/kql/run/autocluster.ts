// evaluate autocluster(): finds a few disjoint segments of the input that share values in several columns,
// preferring segments that are both large and specific. Kusto's parameters: SizeWeight (default 0.5),
// WeightColumn, NumSeeds (default 25), CustomWildcard (default "*"). The search is greedy: from the most
// frequent column values it grows each seed one column at a time while the score improves, keeps the best
// segment, removes its rows and repeats.

import { parseTimespan, type KustoType } from "@svcmap/model";
import { parseDatetimeMicros } from "../lower/literals.js";
import type { Literal, Rel } from "../lower/ir.js";
import type { ResultValue } from "../result.js";
import { QueryError } from "../errors.js";

type PluginRel = Extract<Rel, { kind: "plugin" }>;
/** column → value code (see CodedRows). */
type Pattern = ReadonlyMap<number, number>;

const maxSegments = 10;
/** A segment smaller than this share of the input is noise, not a pattern. */
const minimumShare = 0.02;

export function autocluster(rel: PluginRel, rows: readonly (readonly ResultValue[])[]): Literal[][] {
  const [sizeWeightArg, weightColumnArg, numSeedsArg, wildcardArg] = rel.args;
  const sizeWeight = numberArg(sizeWeightArg, 0.5);
  const numSeeds = Math.max(1, Math.trunc(numberArg(numSeedsArg, 25)));
  const wildcard = stringArg(wildcardArg, "*");
  const inputColumns = rel.input.columns;
  const weightName = stringArg(weightColumnArg, "");
  const weightIndex = weightName === "" ? -1 : inputColumns.findIndex((c) => c.name === weightName);
  if (weightName !== "" && weightIndex < 0)
    throw new QueryError("SemanticError", `autocluster: no column named ${weightName}`);
  if (sizeWeight <= 0 || sizeWeight >= 1)
    throw new QueryError("SemanticError", "autocluster: SizeWeight must be between 0 and 1");

  const keys = new CodedRows(rows);
  const weights = rows.map((row) => (weightIndex < 0 ? 1 : Number(row[weightIndex] ?? 0)));
  // Columns with a distinct value in most rows (ids, counters) cannot form patterns; leave them wildcard.
  const dimensions = inputColumns
    .map((_c, i) => i)
    .filter((i) => i !== weightIndex && keys.distinctCount(i) <= Math.max(2, rows.length / 2));
  const total = weights.reduce((a, b) => a + b, 0);
  const segments: { pattern: Pattern; count: number }[] = [];
  let remaining = rows.map((_r, i) => i);

  const score = (count: number, size: number): number =>
    Math.pow(count, sizeWeight) * Math.pow(size / Math.max(1, dimensions.length), 1 - sizeWeight);

  while (segments.length < maxSegments && remaining.length > 0) {
    const seeds = topValues(remaining, keys, weights, dimensions, new Map(), numSeeds);
    let best: { pattern: Pattern; count: number; score: number } | undefined;
    for (const seed of seeds) {
      let pattern: Map<number, number> = new Map([[seed.column, seed.value]]);
      let count = seed.count;
      let current = score(count, 1);
      for (;;) {
        const extension = topValues(remaining, keys, weights, dimensions, pattern, 1)[0];
        if (extension === undefined) break;
        const next = score(extension.count, pattern.size + 1);
        if (next <= current) break;
        pattern = new Map(pattern).set(extension.column, extension.value);
        count = extension.count;
        current = next;
      }
      if (best === undefined || current > best.score) best = { pattern, count, score: current };
    }
    if (best === undefined || best.count < total * minimumShare) break;
    segments.push({ pattern: best.pattern, count: best.count });
    remaining = remaining.filter((i) => !keys.matches(i, best.pattern));
  }

  return segments.map((segment, id) => [
    { type: "long", value: BigInt(id) },
    { type: "long", value: BigInt(Math.round(segment.count)) },
    { type: "real", value: total === 0 ? 0 : (segment.count / total) * 100 },
    ...inputColumns.map((column, i) =>
      cell(
        column.type,
        i === weightIndex ? undefined : keys.valueOf(i, segment.pattern.get(i)),
        wildcard,
        rows,
        i,
      ),
    ),
  ]);
}

/**
 * The rows' values as text, coded per column as small integers: the search counts values many times over,
 * and counting in arrays indexed by code is far cheaper than in maps keyed by strings.
 */
class CodedRows {
  /** codes[column][row] */
  private readonly codes: Int32Array[];
  /** values[column][code] */
  private readonly values: string[][];

  constructor(rows: readonly (readonly ResultValue[])[]) {
    const width = rows[0]?.length ?? 0;
    this.codes = [];
    this.values = [];
    for (let column = 0; column < width; column++) {
      const codeOf = new Map<string, number>();
      const values: string[] = [];
      const codes = new Int32Array(rows.length);
      rows.forEach((row, r) => {
        const v = row[column];
        const text = v === null || v === undefined ? "" : String(v);
        let code = codeOf.get(text);
        if (code === undefined) {
          code = values.length;
          codeOf.set(text, code);
          values.push(text);
        }
        codes[r] = code;
      });
      this.codes.push(codes);
      this.values.push(values);
    }
  }

  distinctCount(column: number): number {
    return this.values[column]?.length ?? 0;
  }

  code(row: number, column: number): number {
    return (this.codes[column] as Int32Array)[row] as number;
  }

  valueOf(column: number, code: number | undefined): string | undefined {
    return code === undefined ? undefined : this.values[column]?.[code];
  }

  matches(row: number, pattern: Pattern): boolean {
    for (const [column, code] of pattern) if (this.code(row, column) !== code) return false;
    return true;
  }
}

/** The most frequent (column, value) pairs among rows matching `pattern`, on columns it leaves open. */
function topValues(
  rows: readonly number[],
  keys: CodedRows,
  weights: readonly number[],
  dimensions: readonly number[],
  pattern: Pattern,
  limit: number,
): { column: number; value: number; count: number }[] {
  const open = dimensions.filter((column) => !pattern.has(column));
  const counts = open.map((column) => new Float64Array(keys.distinctCount(column)));
  for (const i of rows) {
    if (!keys.matches(i, pattern)) continue;
    const weight = weights[i] as number;
    open.forEach((column, d) => {
      const tally = counts[d] as Float64Array;
      const code = keys.code(i, column);
      tally[code] = (tally[code] as number) + weight;
    });
  }
  // The best `limit` entries by a linear pass: sorting every distinct value (thousands of addresses) on each
  // of the search's hundreds of calls would cost far more.
  const best: { column: number; value: number; count: number }[] = [];
  const before = (a: { column: number; value: number; count: number }, b: typeof a): boolean =>
    a.count !== b.count
      ? a.count > b.count
      : a.column !== b.column
        ? a.column < b.column
        : (keys.valueOf(a.column, a.value) as string).localeCompare(
            keys.valueOf(b.column, b.value) as string,
          ) < 0;
  open.forEach((column, d) => {
    (counts[d] as Float64Array).forEach((count, value) => {
      if (count === 0) return;
      const entry = { column, value, count };
      if (best.length === limit && !before(entry, best[limit - 1] as typeof entry)) return;
      let at = best.length;
      while (at > 0 && before(entry, best[at - 1] as typeof entry)) at--;
      best.splice(at, 0, entry);
      if (best.length > limit) best.pop();
    });
  });
  return best;
}

/** A pattern's value in its column's own type; a wildcard is "*" in string columns and null elsewhere. */
function cell(
  type: KustoType,
  value: string | undefined,
  wildcard: string,
  rows: readonly (readonly ResultValue[])[],
  column: number,
): Literal {
  if (type === "string") return { type, value: value ?? wildcard };
  if (value === undefined) return { type, value: null } as Literal;
  const sample = rows.find((r) => String(r[column]) === value)?.[column] ?? null;
  switch (type) {
    case "long":
      return { type, value: BigInt(Math.trunc(Number(sample))) };
    case "int":
    case "real":
    case "decimal":
      return { type, value: Number(sample) };
    case "bool":
      return { type, value: sample === true };
    case "datetime": {
      const micros = parseDatetimeMicros(String(sample));
      return { type, value: micros ?? null };
    }
    case "timespan":
      return { type, value: parseTimespan(String(sample)) ?? null };
    case "guid":
      return { type, value: String(sample) };
    case "dynamic":
      return { type, value: String(sample) };
  }
}

function numberArg(
  arg: Rel extends never ? never : PluginRel["args"][number] | undefined,
  fallback: number,
): number {
  if (arg?.kind !== "literal" || arg.literal.value === null) return fallback;
  return Number(arg.literal.value);
}

function stringArg(arg: PluginRel["args"][number] | undefined, fallback: string): string {
  if (arg?.kind !== "literal" || typeof arg.literal.value !== "string") return fallback;
  return arg.literal.value;
}
