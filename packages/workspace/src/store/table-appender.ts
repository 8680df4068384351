import { DuckDBDataChunk, type DuckDBConnection, type DuckDBType } from "@duckdb/node-api";
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
 *
 * Records are gathered column by column into data chunks of 2048 rows, each handed to the appender whole:
 * one native call per chunk column instead of one per cell.
 */
export async function appendRecords(
  connection: DuckDBConnection,
  table: TableSchema,
  records: Iterable<StoredRecord>,
): Promise<number> {
  const appender = await connection.createAppender(table.name);
  try {
    const types: DuckDBType[] = [];
    for (let i = 0; i < appender.columnCount; i++) types.push(appender.columnType(i));
    if (types.length !== table.columns.length) {
      throw new Error(
        `table ${table.name} has ${types.length} columns in the store but ${table.columns.length} in the schema`,
      );
    }
    const names = table.columns.map((c) => c.name);
    const emptyValues: (string | null)[] = table.columns.map((c) => (c.type === "string" ? "" : null));
    const buffers: ColumnBuffer[] = table.columns.map((c) => columnBufferFor(c.type, rowsPerChunk));
    const columnCount = names.length;
    let row = 0;
    let count = 0;
    const flush = (): void => {
      if (row === 0) return;
      const chunk = DuckDBDataChunk.create(types, row);
      for (let c = 0; c < columnCount; c++) (buffers[c] as ColumnBuffer).flushInto(chunk, c, row);
      appender.appendDataChunk(chunk);
      row = 0;
    };
    for (const record of records) {
      for (let c = 0; c < columnCount; c++) {
        const value = record[names[c] as string];
        (buffers[c] as ColumnBuffer).set(row, value === undefined || value === null ? (emptyValues[c] ?? null) : value);
      }
      row++;
      count++;
      if (row === rowsPerChunk) flush();
    }
    flush();
    appender.flushSync();
    return count;
  } catch (error) {
    // Closing flushes whatever is buffered; a failed call must not leave half its records behind.
    appender.clear();
    throw error;
  } finally {
    appender.closeSync();
  }
}
