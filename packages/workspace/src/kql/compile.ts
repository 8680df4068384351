import { LRUCache } from "lru-cache";
import { analyse } from "./analyse/analyse.js";
import { globalStateWith, type StoredFunction } from "./analyse/stored-functions.js";
import { aggregateBelowJoins } from "./lower/aggregate-below-join.js";
import { LoweringContext } from "./lower/context.js";
import type { Rel } from "./lower/ir.js";
import { pruneUnusedAggregates } from "./lower/prune.js";
import { QueryLowerer } from "./lower/query.js";
import type { QueryParameters, Visualization } from "./result.js";

export interface CompiledStatement {
  readonly rel: Rel;
  readonly visualization?: Visualization;
}

export interface CompiledQuery {
  /** The text the analyser saw (after compatibility rewrites). */
  readonly text: string;
  readonly statements: readonly CompiledStatement[];
  /** Whether lowering read now(): otherwise the relations are the same whenever the query runs. */
  readonly readsNow: boolean;
}

/**
 * Compiled queries by text: walking Kusto's tree costs 0.2–4 ms a query, and the relations are immutable, so
 * runs can share them. A query that reads now() is moved to each run's now() (`atNow`). Stored functions are
 * part of the GlobalState (a new one is built only when they change), so each GlobalState has its own cache.
 */
const compiledByGlobals = new WeakMap<Kusto.Language.GlobalState, LRUCache<string, CompiledQuery>>();

/**
 * parse + analyse → lower: KQL text to relations, with the workspace's stored functions callable. Throws
 * QueryError with Kusto's diagnostics.
 */
export function compile(
  query: string,
  nowMicros: bigint,
  functions: readonly StoredFunction[] = [],
  parameters: QueryParameters = noParameters,
): CompiledQuery {
  const globals = globalStateWith(functions);
  let compiledTexts = compiledByGlobals.get(globals);
  if (compiledTexts === undefined) {
    compiledTexts = new LRUCache<string, CompiledQuery>({ max: 512 });
    compiledByGlobals.set(globals, compiledTexts);
  }
  const key = compiledKey(query, parameters);
  const cached = compiledTexts.get(key);
  if (cached !== undefined) return atNow(cached, nowMicros);
  const analysed = analyse(query, globals);
  const ctx = new LoweringContext(analysed.text, nowMicros, parameters);
  const statements = new QueryLowerer(ctx)
    .lowerQuery(analysed.root)
    .map((s) => ({ ...s, rel: aggregateBelowJoins(pruneUnusedAggregates(s.rel)) }));
  const compiled = { text: analysed.text, statements, readsNow: ctx.usesNow };
  compiledTexts.set(key, compiled);
  return compiled;
}

export const noParameters: QueryParameters = Object.freeze({});

/** What a compiled query is cached by: its text, and the query parameters' values lowered into it. */
export function compiledKey(query: string, parameters: QueryParameters): string {
  const names = Object.keys(parameters);
  if (names.length === 0) return query;
  return `${query}\u0000${JSON.stringify(names.sort().map((n) => [n, parameters[n]]))}`;
}

/** The query as compiled for another now(): every value computed from now() moves with it. */
export function atNow(compiled: CompiledQuery, nowMicros: bigint): CompiledQuery {
  return compiled.readsNow ? (moveNow(compiled, nowMicros) as CompiledQuery) : compiled;
}

// A structural walk: relations and expressions are plain data, and only datetime literals carry sinceNow.
function moveNow(node: unknown, nowMicros: bigint): unknown {
  if (Array.isArray(node)) return node.map((n: unknown) => moveNow(n, nowMicros));
  if (node === null || typeof node !== "object") return node;
  const record = node as Readonly<Record<string, unknown>>;
  const sinceNow = record["sinceNow"];
  if (typeof sinceNow === "bigint") return { ...record, value: nowMicros + sinceNow };
  const moved: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) moved[key] = moveNow(value, nowMicros);
  return moved;
}
