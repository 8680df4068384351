import type { KustoType } from "@svcmap/model";
import { QueryError, type QueryPosition } from "../errors.js";
import { positionOf } from "../analyse/analyse.js";
import type { SyntaxNode } from "../analyse/kusto-language.js";
import type { QueryParameters } from "../result.js";
import type { Expr, Rel } from "./ir.js";

/** What a `let` name stands for. */
export type Binding =
  { readonly kind: "scalar"; readonly expr: Expr } | { readonly kind: "tabular"; readonly rel: Rel };

/** State shared by the whole lowering of one query. */
export class LoweringContext {
  private nextSharedId = 0;
  /** let bindings, keyed by the analyser's symbol object so that shadowing resolves as Kusto resolves it. */
  readonly bindings = new Map<object, Binding>();
  /**
   * Names bound while expanding a user function (its parameters and local lets), innermost last. The
   * analyser's expansion of a call refers to them by name, with symbols of its own.
   */
  readonly frames: Map<string, Binding>[] = [new Map()];

  bind(symbol: object, name: string, binding: Binding): void {
    this.bindings.set(symbol, binding);
    (this.frames[this.frames.length - 1] as Map<string, Binding>).set(name, binding);
  }

  lookup(symbol: object | null | undefined, name: string): Binding | undefined {
    const bySymbol = symbol ? this.bindings.get(symbol) : undefined;
    if (bySymbol !== undefined) return bySymbol;
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const binding = this.frames[i]?.get(name);
      if (binding !== undefined) return binding;
    }
    return undefined;
  }

  /** Whether lowering read now(): only then does the lowered query depend on when it runs. */
  private nowRead = false;

  constructor(
    readonly text: string,
    private readonly now: bigint,
    /** The values of `declare query_parameters`, as the request gave them. */
    readonly parameters: QueryParameters = {},
  ) {}

  /** now() for the whole query, in microseconds since the epoch. */
  get nowMicros(): bigint {
    this.nowRead = true;
    return this.now;
  }

  get usesNow(): boolean {
    return this.nowRead;
  }

  sharedId(): number {
    return this.nextSharedId++;
  }

  positionOf(node: SyntaxNode): QueryPosition {
    return positionOf(this.text, node.TextStart, node.Width);
  }

  /** A query parameter declared without a default and not given by the request. */
  missingParameter(name: string, node: SyntaxNode): QueryError {
    const where = this.positionOf(node);
    const message = `the query parameter '${name}' has no value: the request gives none and its declaration no default`;
    return new QueryError("SemanticError", message, [{ code: "MissingQueryParameter", message, ...where }]);
  }

  /** A request's value for a query parameter that is not a literal of the declared type. */
  badParameter(name: string, type: KustoType, value: string, node: SyntaxNode): QueryError {
    const where = this.positionOf(node);
    const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value;
    const message = `the value of query parameter '${name}' is not a ${type}: '${shown}'`;
    return new QueryError("SemanticError", message, [{ code: "InvalidQueryParameter", message, ...where }]);
  }

  notSupported(what: string, node?: SyntaxNode): QueryError {
    const where = node ? positionOf(this.text, node.TextStart, node.Width) : undefined;
    const suffix = where ? ` (line ${where.line}, column ${where.column})` : "";
    return new QueryError(
      "NotSupported",
      `not supported: ${what}${suffix}`,
      where ? [{ code: "NotSupported", message: `not supported: ${what}`, ...where }] : [],
    );
  }
}

const kustoTypeNames: Readonly<Record<string, KustoType>> = {
  string: "string",
  int: "int",
  long: "long",
  real: "real",
  double: "real",
  bool: "bool",
  boolean: "bool",
  datetime: "datetime",
  date: "datetime",
  timespan: "timespan",
  time: "timespan",
  dynamic: "dynamic",
  guid: "guid",
  uniqueid: "guid",
  decimal: "decimal",
};

export function toKustoType(name: string | null | undefined): KustoType | undefined {
  return name === null || name === undefined ? undefined : kustoTypeNames[name];
}
