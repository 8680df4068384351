/** Where in the query text something went wrong: 0-based offset and length, 1-based line and column. */
export interface QueryPosition {
  readonly start: number;
  readonly length: number;
  readonly line: number;
  readonly column: number;
}

export interface QueryDiagnostic extends QueryPosition {
  readonly code: string;
  readonly message: string;
}

export type QueryErrorCode =
  "SyntaxError" | "SemanticError" | "NotSupported" | "QueryTimeout" | "QueryCancelled" | "ExecutionError";

/**
 * The one error a query raises. `diagnostics` carries Kusto's own messages with their positions; the HTTP
 * layer turns it into the Log Analytics error body.
 */
export class QueryError extends Error {
  constructor(
    readonly code: QueryErrorCode,
    message: string,
    readonly diagnostics: readonly QueryDiagnostic[] = [],
  ) {
    super(message);
    this.name = "QueryError";
  }
}
