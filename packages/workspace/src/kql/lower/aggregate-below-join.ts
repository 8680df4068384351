// Summarizing before a join rather than after it. `A | join B on k | summarize count() by a, b` pairs every
// row of A with every row of B that shares its key and only then counts: 12 M connection rows joined with
// about 25 inventory rows per computer are 300 M joined rows. Every joined row is one pair (row of A, row of
// B), so the same answer comes from first reducing each side to one row per (key, the grouping columns it
// contributes) with the number of rows it stands for, joining those rows, and weighting each joined pair
// by the product of the two counts: count() becomes sum(nA × nB), sum(x) of A's column becomes
// sum(sum_x × nB), and min/max need no weight. Outer joins stay exact because an unmatched row still makes
// exactly one output row (weight 1 for the missing side), whose other side's values are null, or "" for
// strings: the rewrite declines whatever such a padded row would see differently (an expression over the
// padded side, a string it would count, a condition that might hold on nulls).

import type { KustoType } from "@svcmap/model";
import {
  call,
  columnRef,
  columnsIn,
  lit,
  mapChildren,
  renameColumns,
  type Aggregate,
  type Column,
  type Expr,
  type NamedExpr,
  type Rel,
} from "./ir.js";

type Join = Extract<Rel, { kind: "join" }>;
type Summarize = Extract<Rel, { kind: "aggregate" }>;
type Side = "left" | "right";

export function aggregateBelowJoins(rel: Rel): Rel {
  const mapped = mapChildren(rel, aggregateBelowJoins);
  if (mapped.kind !== "aggregate" || mapped.input.kind !== "join") return mapped;
  return preAggregated(mapped, mapped.input) ?? mapped;
}

/** One side's reduction: its rows grouped by the join key and the grouping columns it contributes. */
class SidePlan {
  readonly groups: NamedExpr[] = [];
  readonly aggregates: Aggregate[] = [];
  readonly keys: string[] = [];
  readonly rowCount: string;
  private readonly keyOf = new Map<string, string>();

  constructor(
    readonly side: Side,
    readonly input: Rel,
    /** Whether an outer join pads this side with nulls for unmatched rows of the other. */
    readonly padded: boolean,
    keyColumns: readonly string[],
  ) {
    const prefix = side === "left" ? "__l" : "__r";
    keyColumns.forEach((name, i) => {
      const key = `${prefix}k${i}`;
      this.keys.push(key);
      this.keyOf.set(name, key);
      this.groups.push({ name: key, expr: columnRef(this.column(name)) });
    });
    this.rowCount = `${prefix}n`;
    this.aggregates.push({ name: this.rowCount, fn: "count", args: [], type: "long" });
  }

  column(name: string): Column {
    const column = this.input.columns.find((c) => c.name === name);
    if (column === undefined) throw new Error(`join input has no column ${name}`);
    return column;
  }

  addGroup(expr: Expr, type: KustoType): Column {
    const key = expr.kind === "column" ? this.keyOf.get(expr.name) : undefined;
    if (key !== undefined) return { name: key, type };
    const name = `${this.side === "left" ? "__l" : "__r"}g${this.groups.length}`;
    this.groups.push({ name, expr });
    return { name, type };
  }

  addAggregate(aggregate: Omit<Aggregate, "name">): Column {
    const name = `${this.side === "left" ? "__l" : "__r"}a${this.aggregates.length}`;
    this.aggregates.push({ ...aggregate, name });
    return { name, type: aggregate.type };
  }

  relation(): Rel {
    const columns = [
      ...this.groups.map((g) => ({ name: g.name, type: exprType(g.expr) })),
      ...this.aggregates.map((a) => ({ name: a.name, type: a.type })),
    ];
    return {
      kind: "aggregate",
      input: this.input,
      groups: this.groups,
      aggregates: this.aggregates,
      columns,
    };
  }
}

function preAggregated(summarize: Summarize, join: Join): Rel | undefined {
  if (
    join.joinKind !== "inner" &&
    join.joinKind !== "leftouter" &&
    join.joinKind !== "rightouter" &&
    join.joinKind !== "fullouter"
  )
    return undefined;
  const outer = join.joinKind !== "inner";
  const sides = {
    left: new SidePlan(
      "left",
      join.left,
      join.joinKind === "rightouter" || join.joinKind === "fullouter",
      join.on.map(([l]) => l),
    ),
    right: new SidePlan(
      "right",
      join.right,
      join.joinKind === "leftouter" || join.joinKind === "fullouter",
      join.on.map(([, r]) => r),
    ),
  };
  const origins = new Map(join.output.map((o) => [o.name, o]));
  const other = (side: Side): SidePlan => sides[side === "left" ? "right" : "left"];

  /** The one side an expression reads, with its columns named as that side's input names them. */
  const onOneSide = (expr: Expr): { side: Side; expr: Expr } | undefined => {
    const read = new Set([...columnsIn(expr)].map((name) => origins.get(name)?.side));
    if (read.size !== 1 || read.has(undefined)) return undefined;
    const side = [...read][0] as Side;
    return { side, expr: renameColumns(expr, (name) => origins.get(name)?.from ?? name) };
  };
  /** A column of a padded side read as is, and not a string: a padded row shows it as null. */
  const nullWhenPadded = (expr: Expr, plan: SidePlan): boolean =>
    !plan.padded || (expr.kind === "column" && expr.type !== "string");

  // Each final column refers to the joined reductions; weights multiply the two sides' row counts.
  const finalGroups: NamedExpr[] = [];
  const later: ((joined: ReadonlyMap<string, Column>) => Aggregate)[] = [];
  for (const group of summarize.groups) {
    const found = onOneSide(group.expr);
    if (found === undefined) return undefined;
    const plan = sides[found.side];
    // An outer join shows a padded row's key columns as null or "" (strings); a computed group value
    // would be computed from them, which only a plain column reproduces.
    if (plan.padded && found.expr.kind !== "column") return undefined;
    const column = plan.addGroup(found.expr, exprType(found.expr));
    finalGroups.push({ name: group.name, expr: columnRef(column) });
  }
  const weight = (plan: SidePlan, joined: ReadonlyMap<string, Column>): Expr => {
    const count = columnRef(joined.get(plan.rowCount) as Column);
    return outer ? call("coalesce", "long", count, lit({ type: "long", value: 1n })) : count;
  };
  for (const aggregate of summarize.aggregates) {
    if (aggregate.distinct === true) return undefined;
    if (aggregate.fn === "count" && aggregate.args.length === 0 && aggregate.filter === undefined) {
      later.push((joined) => ({
        ...aggregate,
        fn: "sum",
        args: [call("mul", "long", weight(sides.left, joined), weight(sides.right, joined))],
      }));
      continue;
    }
    if (aggregate.fn === "count" && aggregate.args.length === 0 && aggregate.filter !== undefined) {
      const found = onOneSide(aggregate.filter);
      if (found === undefined) return undefined;
      const plan = sides[found.side];
      if (plan.padded && !isNotNullTest(found.expr)) return undefined;
      const partial = plan.addAggregate({ fn: "count", args: [], type: "long", filter: found.expr });
      later.push((joined) => ({
        ...aggregate,
        fn: "sum",
        filter: undefined,
        args: [
          call(
            "mul",
            "long",
            call(
              "coalesce",
              "long",
              columnRef(joined.get(partial.name) as Column),
              lit({ type: "long", value: 0n }),
            ),
            weight(other(plan.side), joined),
          ),
        ],
      }));
      continue;
    }
    if (
      (aggregate.fn === "sum" || aggregate.fn === "min" || aggregate.fn === "max") &&
      aggregate.args.length === 1
    ) {
      const found = onOneSide(aggregate.args[0] as Expr);
      if (found === undefined) return undefined;
      const plan = sides[found.side];
      if (!nullWhenPadded(found.expr, plan)) return undefined;
      let filter: Expr | undefined;
      if (aggregate.filter !== undefined) {
        const condition = onOneSide(aggregate.filter);
        if (condition === undefined || condition.side !== plan.side || plan.padded) return undefined;
        filter = condition.expr;
      }
      const partial = plan.addAggregate({
        fn: aggregate.fn,
        args: [found.expr],
        type: aggregate.type,
        ...(filter ? { filter } : {}),
      });
      later.push((joined) => {
        const value = columnRef(joined.get(partial.name) as Column);
        return {
          ...aggregate,
          filter: undefined,
          args: [
            aggregate.fn === "sum"
              ? call("mul", aggregate.type, value, weight(other(plan.side), joined))
              : value,
          ],
        };
      });
      continue;
    }
    return undefined;
  }

  const left = sides.left.relation();
  const right = sides.right.relation();
  const output = [
    ...left.columns.map((c) => ({ side: "left" as const, from: c.name, name: c.name })),
    ...right.columns.map((c) => ({ side: "right" as const, from: c.name, name: c.name })),
  ];
  const joinedColumns = [...left.columns, ...right.columns];
  const joined: Rel = {
    kind: "join",
    joinKind: join.joinKind,
    left,
    right,
    on: sides.left.keys.map((k, i) => [k, sides.right.keys[i] as string] as const),
    output,
    columns: joinedColumns,
  };
  const byName = new Map(joinedColumns.map((c) => [c.name, c]));
  const aggregates = later.map((make) => withoutUndefinedFilter(make(byName)));
  const result: Rel = {
    kind: "aggregate",
    input: joined,
    groups: finalGroups,
    aggregates,
    columns: summarize.columns,
  };
  if (finalGroups.length > 0) return result;
  // Without groups, an empty join still gives one row, where count() is 0 but a sum of weights is null.
  return {
    kind: "project",
    input: result,
    items: summarize.columns.map((column, i) => {
      const original = summarize.aggregates[i] as Aggregate;
      const ref = columnRef(column);
      return {
        name: column.name,
        expr:
          original.fn === "count"
            ? call("coalesce", column.type, ref, lit({ type: "long", value: 0n }))
            : ref,
      };
    }),
    columns: summarize.columns,
  };
}

/** `isnotnull(c)` of a non-string column: false on a padded row, as counting it would need. */
function isNotNullTest(expr: Expr): boolean {
  if (expr.kind !== "call" || expr.fn !== "not") return false;
  const inner = expr.args[0];
  if (inner?.kind !== "call" || inner.fn !== "isnull") return false;
  const column = inner.args[0];
  return column?.kind === "column" && column.type !== "string";
}

function exprType(expr: Expr): KustoType {
  return expr.kind === "literal" ? expr.literal.type : expr.type;
}

function withoutUndefinedFilter(aggregate: Aggregate): Aggregate {
  if (aggregate.filter !== undefined) return aggregate;
  const { filter: _filter, ...rest } = aggregate;
  return rest;
}
