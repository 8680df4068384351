// The small relational IR between Kusto's typed syntax tree and SQL. It knows Kusto's types and nothing
// of any SQL dialect: every operation that a dialect spells differently is a named `call`.

import type { KustoType } from "@svcmap/model";
import type { QueryPosition } from "../errors.js";

export interface Column {
  readonly name: string;
  readonly type: KustoType;
}

export type Literal =
  | { readonly type: "string" | "guid"; readonly value: string | null }
  | { readonly type: "int" | "long" | "real" | "decimal"; readonly value: number | bigint | null }
  | { readonly type: "bool"; readonly value: boolean | null }
  /**
   * datetime as microseconds since the Unix epoch (DuckDB's precision). `sinceNow` marks a value computed
   * from now() (now(), ago(…)): the value is now() plus that many microseconds, so the same compiled query
   * can be moved to another run's now() (see `atNow` in compile.ts).
   */
  | { readonly type: "datetime"; readonly value: bigint | null; readonly sinceNow?: bigint }
  /** timespan as 100-ns ticks. */
  | { readonly type: "timespan"; readonly value: bigint | null }
  /** dynamic as JSON text. */
  | { readonly type: "dynamic"; readonly value: string | null };

export type Expr =
  | { readonly kind: "column"; readonly name: string; readonly type: KustoType }
  | { readonly kind: "literal"; readonly literal: Literal }
  | {
      readonly kind: "call";
      readonly fn: string;
      readonly args: readonly Expr[];
      readonly type: KustoType;
      readonly at?: QueryPosition;
    }
  | {
      readonly kind: "case";
      readonly whens: readonly { readonly when: Expr; readonly then: Expr }[];
      readonly otherwise: Expr;
      readonly type: KustoType;
    }
  /** toscalar(): the first column of the relation's first row. */
  | { readonly kind: "scalar-subquery"; readonly relation: Rel; readonly type: KustoType }
  /** `x in (table)`: membership in the relation's first column. */
  | {
      readonly kind: "in-relation";
      readonly value: Expr;
      readonly relation: Rel;
      readonly negated: boolean;
      readonly type: "bool";
    };

export interface NamedExpr {
  readonly name: string;
  readonly expr: Expr;
}

export interface Aggregate {
  readonly name: string;
  /** An aggregate function of the dialect, e.g. count, sum, arg_max. */
  readonly fn: string;
  readonly args: readonly Expr[];
  readonly type: KustoType;
  /** Only rows where this holds are aggregated (countif, sumif, …). */
  readonly filter?: Expr;
  readonly distinct?: boolean;
  /** Where the aggregate stands in the query, for errors. */
  readonly at?: QueryPosition;
}

export interface SortKey {
  readonly expr: Expr;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

export type JoinKind =
  | "inner"
  | "innerunique"
  | "leftouter"
  | "rightouter"
  | "fullouter"
  | "leftsemi"
  | "rightsemi"
  | "leftanti"
  | "rightanti";

export type Rel =
  | { readonly kind: "table"; readonly table: string; readonly columns: readonly Column[] }
  | {
      readonly kind: "values";
      readonly columns: readonly Column[];
      readonly rows: readonly (readonly Literal[])[];
    }
  | {
      readonly kind: "project";
      readonly input: Rel;
      readonly items: readonly NamedExpr[];
      readonly columns: readonly Column[];
    }
  | {
      readonly kind: "filter";
      readonly input: Rel;
      readonly condition: Expr;
      readonly columns: readonly Column[];
    }
  | {
      readonly kind: "aggregate";
      readonly input: Rel;
      readonly groups: readonly NamedExpr[];
      readonly aggregates: readonly Aggregate[];
      readonly columns: readonly Column[];
    }
  | {
      readonly kind: "sort";
      readonly input: Rel;
      readonly keys: readonly SortKey[];
      readonly columns: readonly Column[];
    }
  | {
      readonly kind: "limit";
      readonly input: Rel;
      readonly count: number;
      readonly columns: readonly Column[];
    }
  | { readonly kind: "distinct"; readonly input: Rel; readonly columns: readonly Column[] }
  | {
      readonly kind: "join";
      readonly joinKind: JoinKind;
      readonly left: Rel;
      readonly right: Rel;
      /** Pairs of (left column, right column) that must be equal. */
      readonly on: readonly (readonly [string, string])[];
      /** Output: for each column, which side and which input column it comes from. */
      readonly output: readonly {
        readonly side: "left" | "right";
        readonly from: string;
        readonly name: string;
      }[];
      readonly columns: readonly Column[];
    }
  | { readonly kind: "union"; readonly inputs: readonly Rel[]; readonly columns: readonly Column[] }
  /** One row per element of a dynamic array column (mv-expand); other columns repeat. */
  | {
      readonly kind: "expand";
      readonly input: Rel;
      readonly expansions: readonly {
        readonly name: string;
        readonly expr: Expr;
        readonly type: KustoType;
      }[];
      readonly limit?: number;
      readonly columns: readonly Column[];
    }
  /** range: one column of values from `from` to `to` by `step`. */
  | {
      readonly kind: "range";
      readonly name: string;
      readonly from: Expr;
      readonly to: Expr;
      readonly step: Expr;
      readonly columns: readonly Column[];
    }
  /** An operator that runs in TypeScript over its materialised input (evaluate autocluster, …). */
  | {
      readonly kind: "plugin";
      readonly plugin: string;
      readonly args: readonly Expr[];
      readonly input: Rel;
      readonly columns: readonly Column[];
    }
  /** A relation shared by several uses (let of a table, materialize): generated once as a CTE. */
  | {
      readonly kind: "shared";
      readonly id: number;
      readonly input: Rel;
      readonly materialized: boolean;
      readonly columns: readonly Column[];
    };

export const columnRef = (column: Column): Expr => ({ kind: "column", name: column.name, type: column.type });

export function lit(literal: Literal): Expr {
  return { kind: "literal", literal };
}

export function call(fn: string, type: KustoType, ...args: Expr[]): Expr {
  return { kind: "call", fn, args, type };
}

export function typeOf(expr: Expr): KustoType {
  switch (expr.kind) {
    case "literal":
      return expr.literal.type;
    default:
      return expr.type;
  }
}

/** The relations a relation reads from (not those inside its expressions). */
export function childrenOf(rel: Rel): Rel[] {
  switch (rel.kind) {
    case "table":
    case "values":
    case "range":
      return [];
    case "join":
      return [rel.left, rel.right];
    case "union":
      return [...rel.inputs];
    default:
      return [rel.input];
  }
}

/** The same relation with each input replaced by `map` of it. */
export function mapChildren(rel: Rel, map: (r: Rel) => Rel): Rel {
  switch (rel.kind) {
    case "table":
    case "values":
    case "range":
      return rel;
    case "join":
      return { ...rel, left: map(rel.left), right: map(rel.right) };
    case "union":
      return { ...rel, inputs: rel.inputs.map(map) };
    default:
      return { ...rel, input: map(rel.input) } as Rel;
  }
}

/** The names of the columns an expression reads from its row (not those inside its subqueries). */
export function columnsIn(expr: Expr, into: Set<string> = new Set()): Set<string> {
  switch (expr.kind) {
    case "column":
      into.add(expr.name);
      break;
    case "literal":
    case "scalar-subquery":
      break;
    case "call":
      for (const arg of expr.args) columnsIn(arg, into);
      break;
    case "case":
      for (const w of expr.whens) {
        columnsIn(w.when, into);
        columnsIn(w.then, into);
      }
      columnsIn(expr.otherwise, into);
      break;
    case "in-relation":
      columnsIn(expr.value, into);
      break;
  }
  return into;
}

/** The same expression reading each column under the name `rename` gives it. */
export function renameColumns(expr: Expr, rename: (name: string) => string): Expr {
  switch (expr.kind) {
    case "column":
      return { ...expr, name: rename(expr.name) };
    case "literal":
    case "scalar-subquery":
      return expr;
    case "call":
      return { ...expr, args: expr.args.map((arg) => renameColumns(arg, rename)) };
    case "case":
      return {
        ...expr,
        whens: expr.whens.map((w) => ({
          when: renameColumns(w.when, rename),
          then: renameColumns(w.then, rename),
        })),
        otherwise: renameColumns(expr.otherwise, rename),
      };
    case "in-relation":
      return { ...expr, value: renameColumns(expr.value, rename) };
  }
}
