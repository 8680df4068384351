import type { KustoType } from "@svcmap/model";
import type { QueryPosition } from "../errors.js";
import type { SyntaxNode } from "../analyse/kusto-language.js";
import { kindOf } from "../analyse/syntax.js";
import type { ExprLowerer, RowScope } from "./expressions.js";
import { resultKustoType } from "./expressions.js";
import { argumentNodes, functionName } from "./functions.js";
import { call, lit, typeOf, type Aggregate, type Column, type Expr } from "./ir.js";

/** One aggregate of a summarize, before its output columns are named. */
export type AggregateSpec =
  | {
      readonly kind: "single";
      readonly fn: string;
      readonly args: readonly Expr[];
      readonly type: KustoType;
      readonly filter?: Expr;
      readonly distinct?: boolean;
      readonly at?: QueryPosition;
    }
  /** percentiles(x, p1, p2, …): one column per percentage. */
  | {
      readonly kind: "several";
      readonly parts: readonly Extract<AggregateSpec, { kind: "single" }>[];
    }
  /** arg_max / arg_min: the extreme value plus the values of other columns on the same row. */
  | {
      readonly kind: "arg";
      readonly fn: "arg_max" | "arg_min";
      readonly by: Expr;
      readonly byType: KustoType;
      readonly values: readonly { readonly expr: Expr; readonly type: KustoType }[];
    };

const conditional: Readonly<Record<string, string>> = {
  countif: "count",
  sumif: "sum",
  avgif: "avg",
  minif: "min",
  maxif: "max",
  dcountif: "dcount",
  make_set_if: "make_set",
  make_list_if: "make_list",
  make_bag_if: "make_bag",
  take_anyif: "take_any",
  anyif: "take_any",
};

const renamed: Readonly<Record<string, string>> = {
  makeset: "make_set",
  makelist: "make_list",
  any: "take_any",
  make_dictionary: "make_bag",
  count_distinct: "dcount",
  make_list_with_nulls: "make_list_with_nulls",
};

/**
 * Lowers one aggregate call. `by` lists the summarize's group names, which arg_max(…, *) leaves out; `input`
 * is the summarize's input, in order.
 */
export function lowerAggregate(
  node: SyntaxNode,
  scope: RowScope,
  lowerer: ExprLowerer,
  input: readonly Column[],
  groupNames: ReadonlySet<string>,
): AggregateSpec {
  const ctx = lowerer.ctx;
  if (kindOf(node) !== "FunctionCallExpression")
    throw ctx.notSupported("an aggregate that is not a function call", node);
  const rawName = functionName(node);
  const name = renamed[rawName] ?? rawName;
  const argNodes = argumentNodes(node);
  if (name === "arg_max" || name === "arg_min") {
    const byNode = argNodes[0] as SyntaxNode;
    const by = lowerer.lower(byNode, scope);
    const values: { expr: Expr; type: KustoType }[] = [];
    for (const arg of argNodes.slice(1)) {
      if (kindOf(arg) === "StarExpression") {
        const byColumn = by.kind === "column" ? by.name : undefined;
        for (const column of input) {
          if (groupNames.has(column.name) || column.name === byColumn) continue;
          values.push({ expr: scope.columns.get(column.name) as Expr, type: column.type });
        }
      } else {
        const expr = lowerer.lower(arg, scope);
        values.push({ expr, type: typeOf(expr) });
      }
    }
    return { kind: "arg", fn: name, by, byType: typeOf(by), values };
  }
  const at = ctx.positionOf(node);
  const args = argNodes.map((a) => lowerer.lower(a, scope));
  if (name === "percentiles" || name === "percentile") {
    // Kusto ranks to the nearest value (no interpolation): DuckDB's quantile_disc picks the same element.
    const [value, ...percentages] = args as [Expr, ...Expr[]];
    const parts = percentages.map((p) => ({
      kind: "single" as const,
      fn: "percentile",
      args: [value, p],
      type: typeOf(value),
      at,
    }));
    return parts.length === 1 ? (parts[0] as AggregateSpec) : { kind: "several", parts };
  }
  if (name === "percentiles_array") {
    const [value, ...percentages] = args as [Expr, ...Expr[]];
    return { kind: "single", fn: "percentiles_array", args: [value, ...percentages], type: "dynamic", at };
  }
  const type = resultKustoType(node, ctx);
  const base = conditional[name];
  if (base !== undefined) {
    // countif(predicate); the others take (expression, predicate [, size or accuracy]).
    const predicateIndex = name === "countif" ? 0 : 1;
    const predicate = args[predicateIndex] as Expr;
    const rest = args.filter((_, i) => i !== predicateIndex);
    return { kind: "single", fn: base, args: rest, type, filter: predicate, at };
  }
  if (name === "count" && args.length > 0) {
    return {
      kind: "single",
      fn: "count",
      args: [],
      type,
      filter: call("not", "bool", call("isnull", "bool", args[0] as Expr)),
      at,
    };
  }
  return { kind: "single", fn: name, args, type, at };
}

/** The IR aggregates of one spec, named with the output names the analyser gave. */
export function toAggregates(spec: AggregateSpec, names: readonly string[]): Aggregate[] {
  if (spec.kind === "several")
    return spec.parts.flatMap((part, i) => toAggregates(part, [names[i] as string]));
  if (spec.kind === "single") {
    const aggregate: Aggregate = {
      name: names[0] as string,
      fn: spec.fn,
      args: spec.args,
      type: spec.type,
      ...(spec.at ? { at: spec.at } : {}),
    };
    return [
      {
        ...aggregate,
        ...(spec.filter ? { filter: spec.filter } : {}),
        ...(spec.distinct ? { distinct: spec.distinct } : {}),
      },
    ];
  }
  // One aggregate picks the whole row: every value comes from the same row, as Kusto guarantees.
  const row = [spec.by, ...spec.values.map((v) => v.expr)];
  const types = [spec.byType, ...spec.values.map((v) => v.type)];
  return row.map((expr, i) => ({
    name: names[i] as string,
    fn: `${spec.fn}:${i}`,
    args: [spec.by, ...row],
    type: types[i] as KustoType,
  }));
}

export function outputCount(spec: AggregateSpec): number {
  if (spec.kind === "several") return spec.parts.length;
  return spec.kind === "single" ? 1 : 1 + spec.values.length;
}

export const trueLiteral = lit({ type: "bool", value: true });
