// The native half of column-buffers.ts: puts a column's laid-out data into a DuckDB data chunk's vector,
// with one copy for the fixed-width part and one C API call per long string.

import duckdb from "@duckdb/node-bindings";
import { DuckDBDecimalType, JSToDuckDBValueConverter, type DuckDBDataChunk } from "@duckdb/node-api";
import type { ColumnData } from "./column-buffers.js";

const stringSlot = 16;

export function writeColumn(chunk: DuckDBDataChunk, column: number, data: ColumnData, rows: number): void {
  if (data.values !== undefined) return writeConvertedColumn(chunk, column, data.values);
  const vector = duckdb.data_chunk_get_vector(chunk.chunk, column);
  const bytes = data.bytes;
  if (bytes !== undefined && bytes.byteLength > 0) {
    duckdb.copy_data_to_vector(vector, 0, bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  const heapRows = data.heapRows ?? [];
  const heapValues = data.heapValues ?? [];
  for (let i = 0; i < heapRows.length; i++) {
    duckdb.vector_assign_string_element(vector, heapRows[i] as number, heapValues[i] as string);
  }
  const repeatRows = data.repeatRows ?? [];
  if (repeatRows.length > 0) {
    // The repeated rows point at the heap string of their first occurrence; the appender copies the
    // bytes when it takes the chunk, so sharing within one vector is safe.
    const repeatOf = data.repeatOf ?? [];
    const byteCount = rows * stringSlot;
    const slots = duckdb.vector_get_data(vector, byteCount);
    for (let i = 0; i < repeatRows.length; i++) {
      const from = (repeatOf[i] as number) * stringSlot;
      slots.copyWithin((repeatRows[i] as number) * stringSlot, from, from + stringSlot);
    }
    duckdb.copy_data_to_vector(vector, 0, slots.buffer as ArrayBuffer, slots.byteOffset, byteCount);
  }
  if (data.validity !== undefined) {
    duckdb.vector_ensure_validity_writable(vector);
    const validity = data.validity;
    duckdb.copy_data_to_vector_validity(vector, 0, validity.buffer, validity.byteOffset, validity.byteLength);
  }
}

/** GUID and decimal columns are rare, so they take the library's own value conversion (128-bit layouts). */
function writeConvertedColumn(
  chunk: DuckDBDataChunk,
  column: number,
  values: readonly (string | number | bigint | null)[],
): void {
  const type = chunk.getColumnVector(column).type;
  chunk.setColumnValuesConverted(
    column,
    type instanceof DuckDBDecimalType
      ? values.map((v) => (v === null ? null : scaledDecimal(v, type.scale)))
      : values,
    JSToDuckDBValueConverter,
  );
}

/**
 * The library takes a bigint as the decimal's unscaled integer and a number through a double; decimal text
 * is scaled exactly here so that no digit is lost.
 */
function scaledDecimal(value: string | number | bigint, scale: number): number | bigint {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return value * 10n ** BigInt(scale);
  const text = value.trim();
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (match === null || (match[2] === "" && (match[3] ?? "") === ""))
    throw new RangeError(`not a decimal: ${text}`);
  const fraction = (match[3] ?? "").slice(0, scale).padEnd(scale, "0");
  const scaled = BigInt(`${match[2] || "0"}${fraction}`);
  return match[1] === "-" ? -scaled : scaled;
}
