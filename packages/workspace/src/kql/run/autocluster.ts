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
type Pattern = ReadonlyMap<number, string>;

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

  const keys = rows.map((row) => row.map((v) => (v === null ? "" : String(v))));
  const weights = rows.map((row) => (weightIndex < 0 ? 1 : Number(row[weightIndex] ?? 0)));
  // Columns with a distinct value in most rows (ids, counters) cannot form patterns; leave them wildcard.
  const dimensions = inputColumns
    .map((_c, i) => i)
    .filter((i) => i !== weightIndex && new Set(keys.map((k) => k[i])).size <= Math.max(2, rows.length / 2));
  const total = weights.reduce((a, b) => a + b, 0);
  const segments: { pattern: Pattern; count: number }[] = [];
  let remaining = keys.map((_k, i) => i);

  const score = (count: number, size: number): number =>
    Math.pow(count, sizeWeight) * Math.pow(size / Math.max(1, dimensions.length), 1 - sizeWeight);

  while (segments.length < maxSegments && remaining.length > 0) {
    const seeds = topValues(remaining, keys, weights, dimensions, new Map(), numSeeds);
    let best: { pattern: Pattern; count: number; score: number } | undefined;
    for (const seed of seeds) {
      let pattern: Map<number, string> = new Map([[seed.column, seed.value]]);
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
    remaining = remaining.filter((i) => !matches(keys[i] as string[], best.pattern));
  }

  return segments.map((segment, id) => [
    { type: "long", value: BigInt(id) },
    { type: "long", value: BigInt(Math.round(segment.count)) },
    { type: "real", value: total === 0 ? 0 : (segment.count / total) * 100 },
    ...inputColumns.map((column, i) =>
      cell(column.type, i === weightIndex ? undefined : segment.pattern.get(i), wildcard, rows, i),
    ),
  ]);
}

function matches(key: readonly string[], pattern: Pattern): boolean {
  for (const [column, value] of pattern) if (key[column] !== value) return false;
  return true;
}

/** The most frequent (column, value) pairs among rows matching `pattern`, on columns it leaves open. */
function topValues(
  rows: readonly number[],
  keys: readonly (readonly string[])[],
  weights: readonly number[],
  dimensions: readonly number[],
  pattern: Pattern,
  limit: number,
): { column: number; value: string; count: number }[] {
  const counts = new Map<string, { column: number; value: string; count: number }>();
  for (const i of rows) {
    const key = keys[i] as string[];
    if (!matches(key, pattern)) continue;
    for (const column of dimensions) {
      if (pattern.has(column)) continue;
      const value = key[column] as string;
      const id = `${column}\u0000${value}`;
      const entry = counts.get(id);
      if (entry) entry.count += weights[i] as number;
      else counts.set(id, { column, value, count: weights[i] as number });
    }
  }
  return [...counts.values()]
    .sort((a, b) => b.count - a.count || a.column - b.column || a.value.localeCompare(b.value))
    .slice(0, limit);
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
