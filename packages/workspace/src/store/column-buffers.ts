// Column buffers fill one DuckDB data chunk column at a time from plain JS values. They exist because the
// per-cell appender calls and the generic `DuckDBVector.setItem` path cost a native call (or a BigInt) per
// value; here fixed-width columns are written into typed arrays, copied later into the vector with one call
// (column-writer.ts), and strings short enough to be stored inline are written straight into DuckDB's
// `duckdb_string_t` layout, which the C API documents: 4 bytes of length, then either the bytes inline
// (length <= 12) or a 4-byte prefix and a pointer into the vector's string heap.
//
// Nothing here touches DuckDB, so that rows can be parsed and laid out in a worker thread and the result
// handed over as plain, transferable data.

import type { KustoType } from "@svcmap/model";
import type { StoredValue } from "./table-appender.js";

/** One column of a filled chunk, laid out as DuckDB's vector holds it. Structured-cloneable. */
export interface ColumnData {
  /** Fixed-width values, or 16-byte string_t slots, for the chunk's rows. */
  readonly bytes?: Uint8Array<ArrayBuffer>;
  /** The validity mask (a set bit is a valid row), present only when some row is NULL. */
  readonly validity?: Uint32Array<ArrayBuffer>;
  /** Strings too long to inline: the row each goes to, and the text. */
  readonly heapRows?: readonly number[];
  readonly heapValues?: readonly string[];
  /** Rows that repeat the long string of another row, which gets assigned once. */
  readonly repeatRows?: readonly number[];
  readonly repeatOf?: readonly number[];
  /** Values the library converts itself (guid, decimal). */
  readonly values?: readonly (string | number | bigint | null)[];
}

export interface ColumnBuffer {
  /** Stores `value` (never undefined; null is NULL) as row `row` of the chunk being filled. */
  set(row: number, value: NonNullable<StoredValue> | null): void;
  /**
   * The first `rows` values, after which the buffer starts over empty. With `detach`, the data owns fresh
   * memory (to transfer to another thread); without, it views the buffer and is valid until the next set.
   */
  take(rows: number, detach: boolean): ColumnData;
}

/** The first `byteCount` bytes of a typed array's memory, as a copy or as a view. */
function fixedWidth(
  array: Int32Array<ArrayBuffer> | Float64Array<ArrayBuffer> | Uint8Array<ArrayBuffer>,
  byteCount: number,
  detach: boolean,
  validity: Uint32Array<ArrayBuffer> | undefined,
): ColumnData {
  const view = new Uint8Array(array.buffer, array.byteOffset, byteCount);
  return { bytes: detach ? view.slice() : view, validity };
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

  /** The mask for the first `rows` rows if any is NULL (always a copy: the mask is reset here). */
  take(rows: number): Uint32Array<ArrayBuffer> | undefined {
    if (!this.hasNull) return undefined;
    const words = this.words.slice(0, Math.ceil(rows / 64) * 2);
    this.words.fill(0xffffffff);
    this.hasNull = false;
    return words;
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
  /** Slots handed out as a view by `take`, to be zeroed before the next chunk is filled. */
  private clearOnNextSet = 0;

  constructor(
    capacity: number,
    private readonly toText: (value: NonNullable<StoredValue>) => string,
  ) {
    this.bytes = new Uint8Array(capacity * stringSlot);
    this.lengths = new Uint32Array(this.bytes.buffer);
    this.validity = new Validity(capacity);
  }

  set(row: number, value: NonNullable<StoredValue> | null): void {
    if (this.clearOnNextSet > 0) {
      this.bytes.fill(0, 0, this.clearOnNextSet);
      this.clearOnNextSet = 0;
    }
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

  take(rows: number, detach: boolean): ColumnData {
    const byteCount = rows * stringSlot;
    const data: ColumnData = {
      bytes: detach ? this.bytes.slice(0, byteCount) : this.bytes.subarray(0, byteCount),
      validity: this.validity.take(rows),
      heapRows: this.heapRows,
      heapValues: this.heapValues,
      repeatRows: this.repeatRows,
      repeatOf: this.repeatOf,
    };
    if (detach) this.bytes.fill(0, 0, byteCount);
    else this.clearOnNextSet = byteCount;
    this.heapRows = [];
    this.heapValues = [];
    this.repeatRows = [];
    this.repeatOf = [];
    this.lastHeapValue = undefined;
    this.lastHeapRow = -1;
    return data;
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

  take(rows: number, detach: boolean): ColumnData {
    return fixedWidth(this.values, rows * 4, detach, this.validity.take(rows));
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

  take(rows: number, detach: boolean): ColumnData {
    return fixedWidth(this.values, rows * 8, detach, this.validity.take(rows));
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

  take(rows: number, detach: boolean): ColumnData {
    return fixedWidth(this.values, rows, detach, this.validity.take(rows));
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

  take(rows: number, detach: boolean): ColumnData {
    return fixedWidth(this.halves, rows * 8, detach, this.validity.take(rows));
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

  take(rows: number): ColumnData {
    const values = this.values.slice(0, rows);
    this.values.fill(null);
    return { values };
  }
}
