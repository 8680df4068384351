// make-series, built from relations the generator already knows: aggregate per (group, bin), a grid of
// every group × every bin of the axis, a left join of the two with the default for absent bins, and one
// ordered list per group.

import type { KustoType } from "@svcmap/model";
import type { SyntaxNode } from "../analyse/kusto-language.js";
import { child, elementsOf, kindOf } from "../analyse/syntax.js";
import { lowerAggregate } from "./aggregates.js";
import type { ExprLowerer, RowScope } from "./expressions.js";
import { call, columnRef, lit, typeOf, type Aggregate, type Column, type Expr, type Rel } from "./ir.js";

const keyName = "$series_key";
const binName = "$series_bin";
const oneName = "$series_one";

/** The conversion that makes a default value the aggregate's type (default=0 for an avg gives 0.0). */
const conversions: Partial<Record<KustoType, string>> = { long: "tolong", int: "toint", real: "toreal" };

export function lowerMakeSeries(
  lowerer: ExprLowerer,
  input: Rel,
  operator: SyntaxNode,
  columns: readonly Column[],
  scopeOf: (rel: Rel) => RowScope,
): Rel {
  const ctx = lowerer.ctx;
  const none = { columns: new Map<string, Expr>() };
  if (elementsOf<SyntaxNode>(child(operator, "Parameters")).length > 0)
    throw ctx.notSupported("make-series parameters (kind=…)", operator);
  const range = child<SyntaxNode>(operator, "RangeClause");
  if (range === null || kindOf(range) !== "MakeSeriesFromToStepClause")
    throw ctx.notSupported("make-series without from/to/step (in range)", operator);
  const fromNode = child<SyntaxNode>(child(range, "MakeSeriesFromClause"), "Expression");
  const toNode = child<SyntaxNode>(child(range, "MakeSeriesToClause"), "Expression");
  const stepNode = child<SyntaxNode>(child(range, "MakeSeriesStepClause"), "Expression") as SyntaxNode;
  const step = lowerer.lower(stepNode, none);
  if (step.kind !== "literal" || step.literal.type !== "timespan" || typeof step.literal.value !== "bigint")
    throw ctx.notSupported("a make-series step that is not a constant timespan", stepNode);

  // A computed data range reads the input twice (its bounds, then its rows): share it.
  const source: Rel =
    fromNode === null || toNode === null
      ? { kind: "shared", id: ctx.sharedId(), input, materialized: true, columns: input.columns }
      : input;
  const scope = scopeOf(source);
  const axisNode = child<SyntaxNode>(child(operator, "OnClause"), "Expression") as SyntaxNode;
  const axis = lowerer.lower(axisNode, scope);
  if (typeOf(axis) !== "datetime")
    throw ctx.notSupported("a make-series axis that is not a datetime", axisNode);

  const dataBin = (fn: "min" | "max"): Expr => {
    const bound: Rel = {
      kind: "aggregate",
      input: source,
      groups: [],
      aggregates: [{ name: "bound", fn, args: [axis], type: "datetime" }],
      columns: [{ name: "bound", type: "datetime" }],
    };
    const binned: Rel = {
      kind: "project",
      input: bound,
      items: [
        {
          name: "bound",
          expr: call("bin_datetime", "datetime", columnRef({ name: "bound", type: "datetime" }), step),
        },
      ],
      columns: bound.columns,
    };
    return { kind: "scalar-subquery", relation: binned, type: "datetime" };
  };
  const from = fromNode === null ? undefined : lowerer.lower(fromNode, none);
  const to = toNode === null ? undefined : lowerer.lower(toNode, none);
  for (const [bound, node] of [
    [from, fromNode],
    [to, toNode],
  ] as const)
    if (bound !== undefined && typeOf(bound) !== "datetime")
      throw ctx.notSupported("a make-series bound that is not a datetime", node as SyntaxNode);

  // Rows outside [from, to) take no part; without `from` the bins keep bin()'s alignment, with it they start there.
  let conditions: Expr | undefined;
  if (from !== undefined) conditions = call("ge", "bool", axis, from);
  if (to !== undefined) {
    const below = call("lt", "bool", axis, to);
    conditions = conditions === undefined ? below : call("and", "bool", conditions, below);
  }
  const rows: Rel =
    conditions === undefined
      ? source
      : { kind: "filter", input: source, condition: conditions, columns: source.columns };
  const bin =
    from === undefined
      ? call("bin_datetime", "datetime", axis, step)
      : call("bin_datetime_at", "datetime", axis, step, from);

  const byNodes = elementsOf<SyntaxNode>(child(child(operator, "ByClause"), "Expressions"));
  const aggregateNodes = elementsOf<SyntaxNode>(child(operator, "Aggregates"));
  if (columns.length !== byNodes.length + aggregateNodes.length + 1)
    throw ctx.notSupported("this make-series's output columns", operator);
  const groupColumns = columns.slice(0, byNodes.length);
  const seriesColumns = columns.slice(byNodes.length, byNodes.length + aggregateNodes.length);
  const axisColumn = columns[columns.length - 1] as Column;
  const groups = byNodes.map((node, i) => {
    const expression =
      kindOf(node) === "SimpleNamedExpression" ? (child<SyntaxNode>(node, "Expression") as SyntaxNode) : node;
    const expr = lowerer.lower(expression, scope);
    return { name: (groupColumns[i] as Column).name, expr, type: typeOf(expr) };
  });
  // Groups meet the grid through one text key, so that null group values match as Kusto groups them.
  const key = call("tostring", "string", call("pack_array", "dynamic", ...groups.map((g) => g.expr)));

  const aggregates: Aggregate[] = [];
  const defaults: Expr[] = [];
  aggregateNodes.forEach((node, i) => {
    const expression = child<SyntaxNode>(node, "Expression") as SyntaxNode;
    const aggregateNode =
      kindOf(expression) === "SimpleNamedExpression"
        ? (child<SyntaxNode>(expression, "Expression") as SyntaxNode)
        : expression;
    const spec = lowerAggregate(aggregateNode, scope, lowerer, source.columns, new Set());
    if (spec.kind !== "single") throw ctx.notSupported("this aggregation in make-series", aggregateNode);
    const name = `$series_${i}`;
    aggregates.push({
      name,
      fn: spec.fn,
      args: spec.args,
      type: spec.type,
      ...(spec.filter ? { filter: spec.filter } : {}),
      ...(spec.at ? { at: spec.at } : {}),
    });
    const defaultNode = child<SyntaxNode>(child(node, "DefaultExpression"), "Expression");
    const fallback =
      defaultNode === null ? lit({ type: "long", value: 0n }) : lowerer.lower(defaultNode, none);
    const conversion = conversions[spec.type];
    defaults.push(
      typeOf(fallback) === spec.type || conversion === undefined
        ? fallback
        : call(conversion, spec.type, fallback),
    );
  });

  const keyColumn: Column = { name: keyName, type: "string" };
  const binColumn: Column = { name: binName, type: "datetime" };
  const perBin: Rel = {
    kind: "aggregate",
    input: rows,
    groups: [
      { name: keyName, expr: key },
      ...groups.map((g) => ({ name: g.name, expr: g.expr })),
      { name: binName, expr: bin },
    ],
    aggregates,
    columns: [
      keyColumn,
      ...groups.map((g) => ({ name: g.name, type: g.type })),
      binColumn,
      ...aggregates.map((a) => ({ name: a.name, type: a.type })),
    ],
  };
  const oneColumn: Column = { name: oneName, type: "long" };
  const one = { name: oneName, expr: lit({ type: "long", value: 1n }) };
  const groupCols: Column[] = [keyColumn, ...groups.map((g) => ({ name: g.name, type: g.type }))];
  const distinctGroups: Rel = {
    kind: "distinct",
    input: {
      kind: "project",
      input: perBin,
      items: [...groupCols.map((c) => ({ name: c.name, expr: columnRef(c) })), one],
      columns: [...groupCols, oneColumn],
    },
    columns: [...groupCols, oneColumn],
  };
  const axisRange: Rel = {
    kind: "range",
    name: binName,
    from: from ?? dataBin("min"),
    // range's end is inclusive: the last bin is the one before `to`, or the data's last.
    to:
      to === undefined
        ? dataBin("max")
        : call("datetime_add", "datetime", to, lit({ type: "timespan", value: -10n })),
    step,
    columns: [binColumn],
  };
  const axisRows: Rel = {
    kind: "project",
    input: axisRange,
    items: [{ name: binName, expr: columnRef(binColumn) }, one],
    columns: [binColumn, oneColumn],
  };
  const grid: Rel = {
    kind: "join",
    joinKind: "inner",
    left: distinctGroups,
    right: axisRows,
    on: [[oneName, oneName]],
    output: [
      ...groupCols.map((c) => ({ side: "left" as const, from: c.name, name: c.name })),
      { side: "right", from: binName, name: binName },
    ],
    columns: [...groupCols, binColumn],
  };
  const valueColumns = aggregates.map((a) => ({ name: a.name, type: a.type }));
  const filled: Rel = {
    kind: "join",
    joinKind: "leftouter",
    left: grid,
    right: perBin,
    on: [
      [keyName, keyName],
      [binName, binName],
    ],
    output: [
      ...groupCols.map((c) => ({ side: "left" as const, from: c.name, name: c.name })),
      { side: "left", from: binName, name: binName },
      ...valueColumns.map((c) => ({ side: "right" as const, from: c.name, name: c.name })),
    ],
    columns: [...groupCols, binColumn, ...valueColumns],
  };
  const withDefaults: Rel = {
    kind: "project",
    input: filled,
    items: [
      ...groupCols.map((c) => ({ name: c.name, expr: columnRef(c) })),
      { name: binName, expr: columnRef(binColumn) },
      ...valueColumns.map((c, i) => ({
        name: c.name,
        expr: call("coalesce", c.type, columnRef(c), defaults[i] as Expr),
      })),
    ],
    columns: filled.columns,
  };
  const series: Rel = {
    kind: "aggregate",
    input: withDefaults,
    // The key stays a group so that null group values keep their own series.
    groups: groupCols.map((c) => ({ name: c.name, expr: columnRef(c) })),
    aggregates: [
      ...valueColumns.map((c, i) => ({
        name: (seriesColumns[i] as Column).name,
        fn: "series_list",
        args: [columnRef(c), columnRef(binColumn)],
        type: "dynamic" as const,
      })),
      {
        name: axisColumn.name,
        fn: "series_list",
        args: [columnRef(binColumn), columnRef(binColumn)],
        type: "dynamic",
      },
    ],
    columns: [keyColumn, ...columns],
  };
  return {
    kind: "project",
    input: series,
    items: columns.map((c) => ({ name: c.name, expr: columnRef(c) })),
    columns,
  };
}
