// Column buffers fill one DuckDB data chunk column at a time from plain JS values. They exist because the
// per-cell appender calls and the generic `DuckDBVector.setItem` path cost a native call (or a BigInt) per
// value; here fixed-width columns are written into typed arrays and copied into the vector with one call,
// and strings short enough to be stored inline are written straight into DuckDB's `duckdb_string_t`
// layout, which the C API documents: 4 bytes of length, then either the bytes inline (length <= 12) or a
// 4-byte prefix and a pointer into the vector's string heap.

import duckdb from "@duckdb/node-bindings";
import { DuckDBDecimalType, JSToDuckDBValueConverter, type DuckDBDataChunk } from "@duckdb/node-api";
import type { KustoType } from "@svcmap/model";
import type { StoredValue } from "./table-appender.js";

export interface ColumnBuffer {
  /** Stores `value` (never undefined; null is NULL) as row `row` of the chunk being filled. */
  set(row: number, value: NonNullable<StoredValue> | null): void;
  /** Moves the first `rows` values into column `column` of `chunk`, then starts over empty. */
  flushInto(chunk: DuckDBDataChunk, column: number, rows: number): void;
}

export function columnBufferFor(type: KustoType, capacity: number): ColumnBuffer {
  switch (type) {
    case "string":
      return new StringColumnBuffer(capacity, (v) => (typeof v === "string" ? v : String(v)));
    case "dynamic":
      return new StringColumnBuffer(capacity, (v) => JSON.stringify(v));
    case "int":
      return new IntColumnBuffer(capacity);
    case "long":
    case "timespan":
      return new Int64ColumnBuffer(capacity, toInt64Parts);
    case "datetime":
      return new Int64ColumnBuffer(capacity, toMicrosParts);
    case "real":
      return new RealColumnBuffer(capacity);
    case "bool":
      return new BoolColumnBuffer(capacity);
    case "guid":
      return new ConvertedColumnBuffer(capacity, (v) => String(v).toLowerCase());
    case "decimal":
      return new ConvertedColumnBuffer(capacity, (v) => v);
  }
}

/** One bit per row, all valid until a NULL is set; copied into the vector only when a NULL was seen. */
class Validity {
  private readonly words: Uint32Array<ArrayBuffer>;
  private hasNull = false;

  constructor(capacity: number) {
    this.words = new Uint32Array(Math.ceil(capacity / 64) * 2).fill(0xffffffff);
  }

  setNull(row: number): void {
    this.hasNull = true;
    const word = row >>> 5;
    this.words[word] = (this.words[word] as number) & ~(1 << (row & 31));
  }

  flushInto(vector: duckdb.Vector, rows: number): void {
    if (!this.hasNull) return;
    duckdb.vector_ensure_validity_writable(vector);
    const bytes = Math.ceil(rows / 64) * 8;
    duckdb.copy_data_to_vector_validity(vector, 0, this.words.buffer, this.words.byteOffset, bytes);
    this.words.fill(0xffffffff);
    this.hasNull = false;
  }
}

const stringSlot = 16;
const inlineLimit = 12;

class StringColumnBuffer implements ColumnBuffer {
  private readonly bytes: Uint8Array<ArrayBuffer>;
  private readonly lengths: Uint32Array<ArrayBuffer>;
  private readonly validity: Validity;
  private readonly encoder = new TextEncoder();
  /**
   * Strings too long to inline are assigned through the C API, one native call each. Records arrive grouped
   * by machine and process, so a value often repeats the previous row's: such a run is assigned once and
   * its other rows get a copy of the first row's string_t. (A Map over all values in the chunk costs more
   * than it saves on columns such as ConnectionId, where nearly every value is new.)
   */
  private heapRows: number[] = [];
  private heapValues: string[] = [];
  private repeatRows: number[] = [];
  private repeatOf: number[] = [];
  private lastHeapValue: string | undefined = undefined;
  private lastHeapRow = -1;

  constructor(
    capacity: number,
    private readonly toText: (value: NonNullable<StoredValue>) => string,
  ) {
    this.bytes = new Uint8Array(capacity * stringSlot);
    this.lengths = new Uint32Array(this.bytes.buffer);
    this.validity = new Validity(capacity);
  }

  set(row: number, value: NonNullable<StoredValue> | null): void {
    if (value === null) {
      this.validity.setNull(row);
      return;
    }
    const text = this.toText(value);
    if (text.length <= inlineLimit && this.tryInline(row, text)) return;
    if (text === this.lastHeapValue && this.lastHeapRow === row - 1) {
      this.repeatRows.push(row);
      this.repeatOf.push(this.heapRows[this.heapRows.length - 1] as number);
    } else {
      this.heapRows.push(row);
      this.heapValues.push(text);
      this.lastHeapValue = text;
    }
    this.lastHeapRow = row;
  }

  private tryInline(row: number, text: string): boolean {
    const base = row * stringSlot;
    const bytes = this.bytes;
    const n = text.length;
    let i = 0;
    for (; i < n; i++) {
      const code = text.charCodeAt(i);
      if (code > 0x7f) break;
      bytes[base + 4 + i] = code;
    }
    if (i === n) {
      this.lengths[row * 4] = n;
      return true;
    }
    const { read, written } = this.encoder.encodeInto(text, bytes.subarray(base + 4, base + stringSlot));
    if (read !== n) {
      bytes.fill(0, base, base + stringSlot);
      return false;
    }
    this.lengths[row * 4] = written;
    return true;
  }

  flushInto(chunk: DuckDBDataChunk, column: number, rows: number): void {
    const vector = duckdb.data_chunk_get_vector(chunk.chunk, column);
    const byteCount = rows * stringSlot;
    duckdb.copy_data_to_vector(vector, 0, this.bytes.buffer, this.bytes.byteOffset, byteCount);
    for (let i = 0; i < this.heapRows.length; i++) {
      duckdb.vector_assign_string_element(vector, this.heapRows[i] as number, this.heapValues[i] as string);
    }
    if (this.repeatRows.length > 0) {
      // The repeated rows point at the heap string of their first occurrence; the appender copies the
      // bytes when it takes the chunk, so sharing within one vector is safe.
      const slots = duckdb.vector_get_data(vector, byteCount);
      for (let i = 0; i < this.repeatRows.length; i++) {
        const from = (this.repeatOf[i] as number) * stringSlot;
        slots.copyWithin((this.repeatRows[i] as number) * stringSlot, from, from + stringSlot);
      }
      duckdb.copy_data_to_vector(vector, 0, slots.buffer as ArrayBuffer, slots.byteOffset, byteCount);
    }
    this.validity.flushInto(vector, rows);
    this.bytes.fill(0, 0, byteCount);
    this.heapRows = [];
    this.heapValues = [];
    this.repeatRows = [];
    this.repeatOf = [];
    this.lastHeapValue = undefined;
    this.lastHeapRow = -1;
  }
}

class IntColumnBuffer implements ColumnBuffer {
  private readonly values: Int32Array<ArrayBuffer>;
  private readonly validity: Validity;

  constructor(capacity: number) {
    this.values = new Int32Array(capacity);
    this.validity = new Validity(capacity);
  }

  set(row: number, value: NonNullable<StoredValue> | null): void {
    if (value === null) return this.validity.setNull(row);
    const n = Number(value);
    if (!Number.isInteger(n) || n < -2147483648 || n > 2147483647) {
      throw new RangeError(`not a 32-bit integer: ${String(value)}`);
    }
    this.values[row] = n;
  }

  flushInto(chunk: DuckDBDataChunk, column: number, rows: number): void {
    const vector = duckdb.data_chunk_get_vector(chunk.chunk, column);
    duckdb.copy_data_to_vector(vector, 0, this.values.buffer, this.values.byteOffset, rows * 4);
    this.validity.flushInto(vector, rows);
  }
}

class RealColumnBuffer implements ColumnBuffer {
  private readonly values: Float64Array<ArrayBuffer>;
  private readonly validity: Validity;

  constructor(capacity: number) {
    this.values = new Float64Array(capacity);
    this.validity = new Validity(capacity);
  }

  set(row: number, value: NonNullable<StoredValue> | null): void {
    if (value === null) return this.validity.setNull(row);
    this.values[row] = Number(value);
  }

  flushInto(chunk: DuckDBDataChunk, column: number, rows: number): void {
    const vector = duckdb.data_chunk_get_vector(chunk.chunk, column);
    duckdb.copy_data_to_vector(vector, 0, this.values.buffer, this.values.byteOffset, rows * 8);
    this.validity.flushInto(vector, rows);
  }
}

class BoolColumnBuffer implements ColumnBuffer {
  private readonly values: Uint8Array<ArrayBuffer>;
  private readonly validity: Validity;

  constructor(capacity: number) {
    this.values = new Uint8Array(capacity);
    this.validity = new Validity(capacity);
  }

  set(row: number, value: NonNullable<StoredValue> | null): void {
    if (value === null) return this.validity.setNull(row);
    this.values[row] =
      value === true || value === "true"
        ? 1
        : value === false || value === "false"
          ? 0
          : Number(Boolean(value));
  }

  flushInto(chunk: DuckDBDataChunk, column: number, rows: number): void {
    const vector = duckdb.data_chunk_get_vector(chunk.chunk, column);
    duckdb.copy_data_to_vector(vector, 0, this.values.buffer, this.values.byteOffset, rows);
    this.validity.flushInto(vector, rows);
  }
}

/**
 * A 64-bit value as two 32-bit halves, so that numbers (the common case) never become BigInts. `high` is
 * the signed upper half, `low` the unsigned lower half.
 */
interface Int64Parts {
  high: number;
  low: number;
}
type Int64Splitter = (value: NonNullable<StoredValue>, out: Int64Parts) => void;

const twoTo32 = 4294967296;

function splitSafeInteger(n: number, out: Int64Parts): void {
  const high = Math.floor(n / twoTo32);
  out.high = high;
  out.low = n - high * twoTo32;
}

function splitBigInt(n: bigint, out: Int64Parts): void {
  if (BigInt.asIntN(64, n) !== n) throw new RangeError(`not a 64-bit integer: ${n}`);
  out.high = Number(n >> 32n);
  out.low = Number(BigInt.asUintN(32, n));
}

function toInt64Parts(value: NonNullable<StoredValue>, out: Int64Parts): void {
  if (typeof value === "bigint") return splitBigInt(value, out);
  const n = typeof value === "number" ? Math.trunc(value) : Number(value);
  if (Number.isSafeInteger(n)) return splitSafeInteger(n, out);
  if (typeof value === "string" && /^-?\d+$/.test(value.trim()))
    return splitBigInt(BigInt(value.trim()), out);
  if (Number.isInteger(n)) return splitBigInt(BigInt(n), out);
  throw new RangeError(`not an integer: ${String(value)}`);
}

/** TIMESTAMP is microseconds since the epoch; Date and epoch milliseconds both carry milliseconds. */
function toMicrosParts(value: NonNullable<StoredValue>, out: Int64Parts): void {
  const ms = value instanceof Date ? value.getTime() : typeof value === "number" ? value : Number.NaN;
  if (!Number.isFinite(ms)) throw new RangeError(`not a valid datetime: ${String(value)}`);
  const micros = Math.round(ms * 1000);
  if (Number.isSafeInteger(micros)) return splitSafeInteger(micros, out);
  splitBigInt(BigInt(Math.round(ms)) * 1000n, out);
}

class Int64ColumnBuffer implements ColumnBuffer {
  private readonly halves: Int32Array<ArrayBuffer>;
  private readonly validity: Validity;
  private readonly parts: Int64Parts = { high: 0, low: 0 };

  constructor(
    capacity: number,
    private readonly split: Int64Splitter,
  ) {
    this.halves = new Int32Array(capacity * 2);
    this.validity = new Validity(capacity);
  }

  set(row: number, value: NonNullable<StoredValue> | null): void {
    if (value === null) return this.validity.setNull(row);
    this.split(value, this.parts);
    // DuckDB's integers are little-endian on every platform it ships binaries for.
    this.halves[row * 2] = this.parts.low | 0;
    this.halves[row * 2 + 1] = this.parts.high | 0;
  }

  flushInto(chunk: DuckDBDataChunk, column: number, rows: number): void {
    const vector = duckdb.data_chunk_get_vector(chunk.chunk, column);
    duckdb.copy_data_to_vector(vector, 0, this.halves.buffer, this.halves.byteOffset, rows * 8);
    this.validity.flushInto(vector, rows);
  }
}

/**
 * GUID and decimal columns are rare in the tables, so they take the library's own value conversion
 * (128-bit layouts) rather than a hand-written one.
 */
class ConvertedColumnBuffer implements ColumnBuffer {
  private values: (string | number | bigint | null)[] = [];

  constructor(
    capacity: number,
    private readonly prepare: (value: NonNullable<StoredValue>) => unknown,
  ) {
    this.values = new Array<string | number | bigint | null>(capacity).fill(null);
  }

  set(row: number, value: NonNullable<StoredValue> | null): void {
    this.values[row] = value === null ? null : (this.prepare(value) as string | number | bigint);
  }

  flushInto(chunk: DuckDBDataChunk, column: number, rows: number): void {
    const type = chunk.getColumnVector(column).type;
    const values = this.values.slice(0, rows);
    chunk.setColumnValuesConverted(
      column,
      type instanceof DuckDBDecimalType
        ? values.map((v) => (v === null ? null : scaledDecimal(v, type.scale)))
        : values,
      JSToDuckDBValueConverter,
    );
    this.values.fill(null);
  }
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
