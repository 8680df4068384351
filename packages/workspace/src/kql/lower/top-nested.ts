// top-nested: level k aggregates by the first k `of` values and keeps, within each group of the level above,
// the N best; a level's groups meet the kept groups of the level above by an inner join on their values.

import type { SyntaxNode } from "../analyse/kusto-language.js";
import { child, elementsOf, kindOf, textOf } from "../analyse/syntax.js";
import { lowerAggregate } from "./aggregates.js";
import type { ExprLowerer, RowScope } from "./expressions.js";
import { columnRef, lit, typeOf, type Column, type Expr, type NamedExpr, type Rel } from "./ir.js";

const rankName = "$top_nested_rank";

export function lowerTopNested(
  lowerer: ExprLowerer,
  input: Rel,
  operator: SyntaxNode,
  columns: readonly Column[],
  scope: RowScope,
  constantCount: (node: SyntaxNode) => number,
): Rel {
  const ctx = lowerer.ctx;
  const clauses = elementsOf<SyntaxNode>(child(operator, "Clauses"));
  if (columns.length !== clauses.length * 2)
    throw ctx.notSupported("this top-nested's output columns", operator);
  const groups: NamedExpr[] = [];
  let result: Rel | undefined;
  clauses.forEach((clause, level) => {
    if (child(clause, "WithOthersClause") !== null)
      throw ctx.notSupported("top-nested … with others", clause);
    const countNode = child<SyntaxNode>(clause, "Expression");
    if (countNode === null) throw ctx.notSupported("top-nested without a count", clause);
    const count = constantCount(countNode);
    const ofColumn = columns[level * 2] as Column;
    const valueColumn = columns[level * 2 + 1] as Column;
    let ofNode = child<SyntaxNode>(clause, "OfExpression") as SyntaxNode;
    if (kindOf(ofNode) === "SimpleNamedExpression")
      ofNode = child<SyntaxNode>(ofNode, "Expression") as SyntaxNode;
    const of = lowerer.lower(ofNode, scope);
    // Levels meet by joins on these values, where SQL's = would lose null groups that Kusto keeps.
    if (clauses.length > 1 && typeOf(of) !== "string")
      throw ctx.notSupported("nested top-nested levels over values that are not strings", ofNode);
    groups.push({ name: ofColumn.name, expr: of });

    let byNode = child<SyntaxNode>(clause, "ByExpression") as SyntaxNode;
    let descending = true;
    if (kindOf(byNode) === "OrderedExpression") {
      const ordering = child<SyntaxNode>(byNode, "Ordering");
      if (ordering) descending = !/asc/i.test(textOf(ordering));
      byNode = child<SyntaxNode>(byNode, "Expression") as SyntaxNode;
    }
    if (kindOf(byNode) === "SimpleNamedExpression")
      byNode = child<SyntaxNode>(byNode, "Expression") as SyntaxNode;
    const spec = lowerAggregate(byNode, scope, lowerer, input.columns, new Set());
    if (spec.kind !== "single") throw ctx.notSupported("this aggregation in top-nested", byNode);

    const groupColumns: Column[] = groups.map((g) => ({ name: g.name, type: typeOf(g.expr) }));
    const aggregated: Rel = {
      kind: "aggregate",
      input,
      groups: [...groups],
      aggregates: [
        {
          name: valueColumn.name,
          fn: spec.fn,
          args: spec.args,
          type: spec.type,
          ...(spec.filter ? { filter: spec.filter } : {}),
          ...(spec.at ? { at: spec.at } : {}),
        },
      ],
      columns: [...groupColumns, { name: valueColumn.name, type: spec.type }],
    };
    const parents = groupColumns.slice(0, -1).map(columnRef);
    const rank: Expr = {
      kind: "call",
      fn: `window:row_number|p${parents.length}`,
      args: [
        ...parents,
        columnRef({ name: valueColumn.name, type: spec.type }),
        lit({ type: "bool", value: descending }),
        lit({ type: "bool", value: !descending }),
      ],
      type: "long",
    };
    const ranked: Rel = {
      kind: "project",
      input: aggregated,
      items: [
        ...aggregated.columns.map((c) => ({ name: c.name, expr: columnRef(c) })),
        { name: rankName, expr: rank },
      ],
      columns: [...aggregated.columns, { name: rankName, type: "long" }],
    };
    const kept: Rel = {
      kind: "filter",
      input: ranked,
      condition: {
        kind: "call",
        fn: "le",
        args: [columnRef({ name: rankName, type: "long" }), lit({ type: "long", value: BigInt(count) })],
        type: "bool",
      },
      columns: ranked.columns,
    };
    if (result === undefined) {
      result = kept;
      return;
    }
    const above: Rel = result;
    const aboveColumns = columns.slice(0, level * 2);
    result = {
      kind: "join",
      joinKind: "inner",
      left: above,
      right: kept,
      on: parents.map((p) => [(p as { name: string }).name, (p as { name: string }).name] as const),
      output: [
        ...aboveColumns.map((c) => ({ side: "left" as const, from: c.name, name: c.name })),
        { side: "right", from: ofColumn.name, name: ofColumn.name },
        { side: "right", from: valueColumn.name, name: valueColumn.name },
      ],
      columns: [...aboveColumns, ofColumn, valueColumn],
    };
  });
  const final = result as Rel;
  return {
    kind: "project",
    input: final,
    items: columns.map((c) => ({ name: c.name, expr: columnRef(c) })),
    columns,
  };
}
