import type { KustoType } from "@svcmap/model";
import type { Literal } from "../lower/ir.js";

/** A rendered argument: its SQL, its Kusto type, and its value when it is a literal. */
export interface SqlArg {
  readonly sql: string;
  readonly type: KustoType;
  readonly literal?: Literal;
}

/**
 * Everything one SQL engine spells its own way. The generator knows relations and Kusto types; a dialect
 * turns named operations into that engine's SQL. Returning undefined means "this engine cannot do it",
 * which the generator reports as "not supported".
 */
export interface Dialect {
  readonly name: string;
  quoteIdent(name: string): string;
  literal(literal: Literal): string;
  call(fn: string, args: readonly SqlArg[], type: KustoType): string | undefined;
  aggregate(
    fn: string,
    args: readonly SqlArg[],
    type: KustoType,
    filter: string | undefined,
  ): string | undefined;
  /**
   * An aggregate that keeps a whole row (the struct of `row`) where `by` is largest (arg_max) or smallest;
   * rows where `by` is null do not count.
   */
  argExtreme(fn: "arg_max" | "arg_min", by: SqlArg, row: readonly SqlArg[]): string;
  /** Field `index` of an argExtreme of a row of `width` values. */
  structField(struct: string, index: number, width: number): string;
  /**
   * One row per partition of `source` (ties broken arbitrarily): the first in `order`. For arg_max/arg_min
   * as the only aggregate, where it is much cheaper than carrying every kept column through a hash aggregate.
   */
  firstRowPerGroup(source: string, partition: readonly string[], order: string): string;
  /** One arbitrary row per distinct key (join kind=innerunique keeps one left row per key). */
  oneRowPerKey(source: string, keys: readonly string[]): string;
  /** The elements of a dynamic value, one row each (mv-expand): a select-list expression. */
  unnestDynamic(value: string): string;
  /** A dynamic element converted to a Kusto type (mv-expand … to typeof(T)). */
  fromDynamic(value: string, type: KustoType): string;
  range(name: string, from: SqlArg, to: SqlArg, step: SqlArg): string;
  cte(name: string, body: string, materialized: boolean): string;
  typedNull(type: KustoType): string;
  emptyRelation(columns: readonly { name: string; type: KustoType }[]): string;
  /** Statements to run on the connection before `sql` (helper definitions it relies on), often none. */
  setupFor(sql: string): readonly string[];
}
