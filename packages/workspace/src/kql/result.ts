import type { KustoType } from "@svcmap/model";

/** A cell as the Log Analytics Query API writes it: datetime, timespan, guid and dynamic travel as strings. */
export type ResultValue = string | number | boolean | null;

export interface ResultColumn {
  readonly name: string;
  readonly type: KustoType;
}

export interface ResultTable {
  readonly name: string;
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly (readonly ResultValue[])[];
}

/** What `render` asked for, returned beside the rows rather than drawn. */
export interface Visualization {
  readonly visualization: string;
  readonly properties: Readonly<Record<string, string | readonly string[]>>;
}

export interface QueryResult {
  readonly tables: readonly ResultTable[];
  readonly visualization?: Visualization;
  /** Set when a limit cut the result short; the rows are then a prefix of the full answer. */
  readonly truncated?: { readonly reason: "rows" | "bytes"; readonly limit: number };
}

export type QueryParameters = Readonly<Record<string, string>>;

export interface QueryOptions {
  /** The value of now() for the whole query (Kusto's query_now); defaults to the time the query starts. */
  readonly now?: Date;
  /** An ISO 8601 duration or start/end interval limiting TimeGenerated, as the Query API's timespan. */
  readonly timespan?: string;
  readonly timeoutMs?: number;
  /**
   * Values of the query's `declare query_parameters(...)`, each a literal of the declared type written as
   * Kusto clients send them (`"3"`, `"web-1"`, `"2026-01-01T00:00:00Z"`, `"1h"`).
   */
  readonly parameters?: QueryParameters;
  readonly maxRows?: number;
  readonly maxBytes?: number;
  /**
   * Cancels the query when it aborts (the client went away, or the server is shutting down): the engine
   * should interrupt DuckDB and throw QueryError("QueryCancelled"), since a native query still running
   * also keeps the process from exiting.
   */
  readonly signal?: AbortSignal;
}
