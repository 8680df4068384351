import { LRUCache } from "lru-cache";
import { analyse } from "./analyse/analyse.js";
import { aggregateBelowJoins } from "./lower/aggregate-below-join.js";
import { LoweringContext } from "./lower/context.js";
import type { Rel } from "./lower/ir.js";
import { pruneUnusedAggregates } from "./lower/prune.js";
import { QueryLowerer } from "./lower/query.js";
import type { Visualization } from "./result.js";

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
 * Compiled queries that do not read now(), by text: walking Kusto's tree costs 0.2–4 ms a query, and the
 * relations are immutable, so runs can share them. A query that reads now() is lowered for each run.
 */
const timeless = new LRUCache<string, CompiledQuery>({ max: 512 });

/** parse + analyse → lower: KQL text to relations. Throws QueryError with Kusto's diagnostics. */
export function compile(query: string, nowMicros: bigint): CompiledQuery {
  const cached = timeless.get(query);
  if (cached !== undefined) return cached;
  const analysed = analyse(query);
  const ctx = new LoweringContext(analysed.text, nowMicros);
  const statements = new QueryLowerer(ctx)
    .lowerQuery(analysed.root)
    .map((s) => ({ ...s, rel: aggregateBelowJoins(pruneUnusedAggregates(s.rel)) }));
  const compiled = { text: analysed.text, statements, readsNow: ctx.usesNow };
  if (!compiled.readsNow) timeless.set(query, compiled);
  return compiled;
}
