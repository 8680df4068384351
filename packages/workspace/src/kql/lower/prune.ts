// Drops what a query computes but never shows. The one case that matters: `summarize arg_max(t, *) by k |
// project a, b` would otherwise carry every column of the row through the aggregation, only to discard
// all but two of them.

import { columnsIn, mapChildren, type Aggregate, type Expr, type Rel } from "./ir.js";

export function pruneUnusedAggregates(rel: Rel): Rel {
  const pruned = mapChildren(rel, pruneUnusedAggregates);
  if (pruned.kind !== "project" || pruned.input.kind !== "aggregate") return pruned;
  const used = new Set<string>();
  for (const item of pruned.items) columnsIn(item.expr, used);
  const aggregate = pruned.input;
  const kept = keepAggregates(aggregate.aggregates, used);
  if (kept.length === aggregate.aggregates.length) return pruned;
  const keptNames = new Set(kept.map((a) => a.name));
  const columns = aggregate.columns.filter(
    (c) => aggregate.groups.some((g) => g.name === c.name) || keptNames.has(c.name),
  );
  return { ...pruned, input: { ...aggregate, aggregates: kept, columns } };
}

/** Keeps the used aggregates, in order; the fields of one arg_max/arg_min row shrink to the used ones. */
function keepAggregates(aggregates: readonly Aggregate[], used: ReadonlySet<string>): Aggregate[] {
  const argOf = (a: Aggregate): RegExpExecArray | null => /^(arg_max|arg_min):(\d+)$/.exec(a.fn);
  // For each arg_max/arg_min row (keyed by its by-expression), the row values still needed, in order.
  const rowValues = new Map<Expr, Expr[]>();
  for (const aggregate of aggregates) {
    const arg = argOf(aggregate);
    if (arg === null || !used.has(aggregate.name)) continue;
    const by = aggregate.args[0] as Expr;
    const values = rowValues.get(by) ?? [];
    values.push(aggregate.args[1 + Number(arg[2])] as Expr);
    rowValues.set(by, values);
  }
  const kept: Aggregate[] = [];
  for (const aggregate of aggregates) {
    if (!used.has(aggregate.name)) continue;
    const arg = argOf(aggregate);
    if (arg === null) {
      kept.push(aggregate);
      continue;
    }
    const by = aggregate.args[0] as Expr;
    const values = rowValues.get(by) as Expr[];
    const index = values.indexOf(aggregate.args[1 + Number(arg[2])] as Expr);
    kept.push({ ...aggregate, fn: `${arg[1]}:${index}`, args: [by, ...values] });
  }
  return kept;
}
