import {
  DuckDBDataChunk,
  type DuckDBAppender,
  type DuckDBConnection,
  type DuckDBType,
} from "@duckdb/node-api";
import type { TableSchema } from "@svcmap/model";
import { ChunkBuilder, type RowSink } from "./chunk-builder.js";
import type { ColumnData } from "./column-buffers.js";
import { writeColumn } from "./column-writer.js";

/**
 * A value as it is stored: strings, numbers (bigint for long values beyond 2^53), booleans, Date (or epoch
 * milliseconds) for datetime, bigint ticks for timespan, and any JSON value for dynamic. null stores NULL.
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
  const appender = await RowAppender.open(connection, table);
  try {
    const copyRecord = recordCopierFor(table);
    for (const record of records) {
      copyRecord(record, appender);
      appender.endRow();
    }
    return appender.close();
  } catch (error) {
    appender.abort();
    throw error;
  }
}

/**
 * Appends rows one cell at a time, by column index, into data chunks of 2048 rows that go to DuckDB's
 * appender whole: one native call per chunk column instead of one per cell. Columns not set in a row get
 * their Kusto empty value. Nothing reaches the table before `close`, and `abort` discards what is buffered.
 */
export class RowAppender implements RowSink {
  /** Each column's index by name, for callers that meet columns by name. */
  readonly columnIndex: ReadonlyMap<string, number>;
  private readonly builder: ChunkBuilder;
  private appended = 0;
  private closed = false;

  private constructor(
    private readonly appender: DuckDBAppender,
    private readonly types: DuckDBType[],
    readonly table: TableSchema,
  ) {
    this.columnIndex = new Map(table.columns.map((c, i) => [c.name, i]));
    this.builder = new ChunkBuilder(table, (columns, rows) => this.appendChunk(columns, rows), false);
  }

  static async open(connection: DuckDBConnection, table: TableSchema): Promise<RowAppender> {
    const appender = await connection.createAppender(table.name);
    const types: DuckDBType[] = [];
    for (let i = 0; i < appender.columnCount; i++) types.push(appender.columnType(i));
    if (types.length !== table.columns.length) {
      appender.closeSync();
      throw new Error(
        `table ${table.name} has ${types.length} columns in the store but ${table.columns.length} in the schema`,
      );
    }
    return new RowAppender(appender, types, table);
  }

  set(column: number, value: StoredValue | undefined): void {
    this.builder.set(column, value);
  }

  endRow(): void {
    this.builder.endRow();
  }

  /** Appends a chunk laid out elsewhere, e.g. by a ChunkBuilder in a worker thread. */
  appendChunk(columns: readonly ColumnData[], rows: number): void {
    if (columns.length !== this.types.length) {
      throw new Error(
        `a chunk for ${this.table.name} needs ${this.types.length} columns, not ${columns.length}`,
      );
    }
    const chunk = DuckDBDataChunk.create(this.types, rows);
    for (let c = 0; c < columns.length; c++) writeColumn(chunk, c, columns[c] as ColumnData, rows);
    this.appender.appendDataChunk(chunk);
    this.appended += rows;
  }

  /** Hands every buffered row to DuckDB and closes the appender; returns how many rows it took. */
  close(): number {
    this.builder.flush();
    this.appender.flushSync();
    this.closed = true;
    this.appender.closeSync();
    return this.appended;
  }

  /** Drops buffered rows and closes; closing alone would flush them. Safe to call after `close`. */
  abort(): void {
    if (this.closed) return;
    this.closed = true;
    this.appender.clear();
    this.appender.closeSync();
  }
}

type RecordCopier = (record: StoredRecord, appender: RowAppender) => void;
const copiers = new WeakMap<TableSchema, RecordCopier>();

/**
 * Reading a record's columns by a name held in a variable makes V8 fall back to a slow generic lookup once
 * more than a few names pass through the same site. A function with one literal property read per column
 * keeps every read on the fast path; the names are JSON-quoted, so no text from the schema is ever code.
 */
function recordCopierFor(table: TableSchema): RecordCopier {
  let copier = copiers.get(table);
  if (copier === undefined) {
    const lines = table.columns.map((c, i) => `appender.set(${i}, record[${JSON.stringify(c.name)}]);`);
    copier = new Function("record", "appender", lines.join("\n")) as RecordCopier;
    copiers.set(table, copier);
  }
  return copier;
}
