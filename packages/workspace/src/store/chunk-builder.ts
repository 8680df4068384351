import type { TableSchema } from "@svcmap/model";
import { columnBufferFor, type ColumnBuffer, type ColumnData } from "./column-buffers.js";
import type { StoredValue } from "./table-appender.js";

/** DuckDB's vector size: the most rows one data chunk holds, and the unit its appender works in. */
export const rowsPerChunk = 2048;

/** Where rows go one cell at a time, by column index: a RowAppender, or a ChunkBuilder in a worker. */
export interface RowSink {
  /** Sets column `column` of the current row; undefined and null store the column's empty value. */
  set(column: number, value: StoredValue | undefined): void;
  endRow(): void;
}

/** A full (or final) chunk's columns, in table order, and how many rows they hold. */
export type ChunkHandler = (columns: ColumnData[], rows: number) => void;

/**
 * Lays rows out column by column into chunks of 2048 rows and hands each chunk on. Columns not set in a row
 * get their Kusto empty value: "" for strings, NULL otherwise. Pure JS: it runs in a worker as well.
 */
export class ChunkBuilder implements RowSink {
  private readonly buffers: ColumnBuffer[];
  private readonly emptyValues: (string | null)[];
  private readonly setInRow: Uint8Array;
  private row = 0;
  private count = 0;

  /**
   * With `detach`, each chunk's data owns its memory, to be transferred to another thread; without, it is
   * valid only until the handler returns.
   */
  constructor(
    readonly table: TableSchema,
    private readonly onChunk: ChunkHandler,
    private readonly detach: boolean,
  ) {
    this.buffers = table.columns.map((c) => columnBufferFor(c.type, rowsPerChunk));
    this.emptyValues = table.columns.map((c) => (c.type === "string" ? "" : null));
    this.setInRow = new Uint8Array(table.columns.length);
  }

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
    if (this.row === rowsPerChunk) this.flush();
  }

  /** Rows ended so far. */
  get rowCount(): number {
    return this.count;
  }

  /** Hands on the rows of a partly filled chunk, if any. */
  flush(): void {
    if (this.row === 0) return;
    const rows = this.row;
    const columns = this.buffers.map((b) => b.take(rows, this.detach));
    this.row = 0;
    this.onChunk(columns, rows);
  }
}
