import { analyse } from "./analyse/analyse.js";
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
}

/** parse + analyse → lower: KQL text to relations. Throws QueryError with Kusto's diagnostics. */
export function compile(
  query: string,
  nowMicros: bigint,
  globals?: Kusto.Language.GlobalState,
): CompiledQuery {
  const analysed = analyse(query, globals);
  const ctx = new LoweringContext(analysed.text, nowMicros);
  const statements = new QueryLowerer(ctx)
    .lowerQuery(analysed.root)
    .map((s) => ({ ...s, rel: pruneUnusedAggregates(s.rel) }));
  return { text: analysed.text, statements };
}
