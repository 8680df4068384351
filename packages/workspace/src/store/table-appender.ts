import {
  DuckDBDataChunk,
  type DuckDBAppender,
  type DuckDBConnection,
  type DuckDBType,
} from "@duckdb/node-api";
import type { TableSchema } from "@svcmap/model";
import { columnBufferFor, type ColumnBuffer } from "./column-buffers.js";

/**
 * A value as it is stored: strings, numbers (bigint for long values beyond 2^53), booleans, Date (or epoch
 * milliseconds) for datetime, bigint ticks for timespan, and any JSON value for dynamic. null stores NULL.
 */
export type StoredValue = string | number | bigint | boolean | Date | null | readonly unknown[] | object;
export type StoredRecord = Readonly<Record<string, StoredValue | undefined>>;

/** DuckDB's vector size: the most rows one data chunk holds, and the unit its appender works in. */
const rowsPerChunk = 2048;

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
export class RowAppender {
  /** Each column's index by name, for callers that meet columns by name. */
  readonly columnIndex: ReadonlyMap<string, number>;
  private readonly buffers: ColumnBuffer[];
  private readonly emptyValues: (string | null)[];
  private readonly setInRow: Uint8Array;
  private row = 0;
  private count = 0;
  private closed = false;

  private constructor(
    private readonly appender: DuckDBAppender,
    private readonly types: DuckDBType[],
    readonly table: TableSchema,
  ) {
    this.columnIndex = new Map(table.columns.map((c, i) => [c.name, i]));
    this.buffers = table.columns.map((c) => columnBufferFor(c.type, rowsPerChunk));
    this.emptyValues = table.columns.map((c) => (c.type === "string" ? "" : null));
    this.setInRow = new Uint8Array(table.columns.length);
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

  /** Sets column `column` of the current row; undefined and null store the column's empty value. */
  set(column: number, value: StoredValue | undefined): void {
    const buffer = this.buffers[column];
    if (buffer === undefined) throw new RangeError(`table ${this.table.name} has no column ${column}`);
    buffer.set(this.row, value === undefined || value === null ? (this.emptyValues[column] ?? null) : value);
    this.setInRow[column] = 1;
  }

  endRow(): void {
    const setInRow = this.setInRow;
    for (let c = 0; c < setInRow.length; c++) {
      if (setInRow[c] === 0) (this.buffers[c] as ColumnBuffer).set(this.row, this.emptyValues[c] ?? null);
      else setInRow[c] = 0;
    }
    this.row++;
    this.count++;
    if (this.row === rowsPerChunk) this.appendChunk();
  }

  /** Rows ended so far, appended or still buffered. */
  get rowCount(): number {
    return this.count;
  }

  /** Hands every buffered row to DuckDB and closes the appender; returns how many rows it took. */
  close(): number {
    this.appendChunk();
    this.appender.flushSync();
    this.closed = true;
    this.appender.closeSync();
    return this.count;
  }

  /** Drops buffered rows and closes; closing alone would flush them. Safe to call after `close`. */
  abort(): void {
    if (this.closed) return;
    this.closed = true;
    this.appender.clear();
    this.appender.closeSync();
  }

  private appendChunk(): void {
    if (this.row === 0) return;
    const chunk = DuckDBDataChunk.create(this.types, this.row);
    for (let c = 0; c < this.buffers.length; c++)
      (this.buffers[c] as ColumnBuffer).flushInto(chunk, c, this.row);
    this.appender.appendDataChunk(chunk);
    this.row = 0;
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
