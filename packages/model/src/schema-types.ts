/** The scalar types of Kusto, as a table schema names them. */
export const kustoTypes = [
  "string",
  "int",
  "long",
  "real",
  "bool",
  "datetime",
  "timespan",
  "dynamic",
  "guid",
  "decimal",
] as const;
export type KustoType = (typeof kustoTypes)[number];

export interface ColumnSchema {
  readonly name: string;
  readonly type: KustoType;
  readonly description?: string;
}

export interface TableSchema {
  readonly name: string;
  readonly columns: readonly ColumnSchema[];
}

/** How a column of a legacy view is derived from its base table: a column, converted if needed, or a constant. */
export type ViewColumnSource = { readonly column: string } | { readonly constant: string };

export interface ViewColumnSchema extends ColumnSchema {
  readonly source: ViewColumnSource;
}

export interface ViewSchema {
  readonly name: string;
  readonly base: string;
  readonly columns: readonly ViewColumnSchema[];
}
