import {
  DuckDBTimestampValue,
  type DuckDBAppender,
  type DuckDBConnection,
} from "@duckdb/node-api";
import type { ColumnSchema, KustoType, TableSchema } from "@svcmap/model";

/**
 * A value as it is stored: strings, numbers (bigint for long values beyond 2^53), booleans, Date for
 * datetime, bigint ticks for timespan, and any JSON value for dynamic. null stores NULL.
 */
export type StoredValue = string | number | bigint | boolean | Date | null | readonly unknown[] | object;
export type StoredRecord = Readonly<Record<string, StoredValue | undefined>>;

/**
 * Appends records to a table through DuckDB's appender, in the table's column order. Values must already
 * have been checked against the schema (see ingest/); a column missing from a record is stored as its
 * Kusto empty value: "" for strings, NULL otherwise.
 */
export async function appendRecords(
  connection: DuckDBConnection,
  table: TableSchema,
  records: Iterable<StoredRecord>,
): Promise<number> {
  const appender = await connection.createAppender(table.name);
  const writers = table.columns.map((column) => writerFor(column));
  let count = 0;
  try {
    for (const record of records) {
      for (let i = 0; i < writers.length; i++) {
        const column = table.columns[i] as ColumnSchema;
        (writers[i] as CellWriter)(appender, record[column.name]);
      }
      appender.endRow();
      count++;
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  return count;
}

type CellWriter = (appender: DuckDBAppender, value: StoredValue | undefined) => void;

function writerFor(column: ColumnSchema): CellWriter {
  const write = typedWriter(column.type);
  const empty = column.type === "string" ? "" : null;
  return (appender, value) => {
    const v = value === undefined || value === null ? empty : value;
    if (v === null) appender.appendNull();
    else write(appender, v);
  };
}

function typedWriter(type: KustoType): (appender: DuckDBAppender, value: NonNullable<StoredValue>) => void {
  switch (type) {
    case "string":
    case "guid":
      return (a, v) => a.appendVarchar(String(v));
    case "int":
      return (a, v) => a.appendInteger(Number(v));
    case "long":
    case "timespan":
      return (a, v) => a.appendBigInt(typeof v === "bigint" ? v : BigInt(Math.trunc(Number(v))));
    case "real":
      return (a, v) => a.appendDouble(Number(v));
    case "bool":
      return (a, v) => a.appendBoolean(Boolean(v));
    case "datetime":
      return (a, v) => a.appendTimestamp(new DuckDBTimestampValue(BigInt((v as Date).getTime()) * 1000n));
    case "dynamic":
      return (a, v) => a.appendVarchar(JSON.stringify(v));
    case "decimal":
      return (a, v) => a.appendDouble(Number(v));
  }
}
