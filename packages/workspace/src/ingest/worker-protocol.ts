// Messages between ingestion's parse worker and the thread that owns the DuckDB connection.

import type { StoredTableName } from "@svcmap/model";
import type { ColumnData } from "../store/column-buffers.js";
import type { RowLocation } from "./ingest-error.js";

export interface ParseWorkerRequest {
  readonly table: StoredTableName;
  readonly workspaceId: string;
  readonly arrivalTimeMs: number;
  readonly paths: readonly string[];
}

/** Chunks the worker may have sent and not yet seen appended: bounds the memory between the two threads. */
export const chunksInFlight = 8;

export type FromParseWorker =
  | { readonly type: "chunk"; readonly columns: ColumnData[]; readonly rows: number }
  | { readonly type: "done"; readonly rows: number; readonly billedBytesByHour: [number, number][] }
  | { readonly type: "rejected"; readonly location: RowLocation; readonly detail: string }
  | { readonly type: "failed"; readonly message: string };

/** The worker may send one more chunk. */
export interface ToParseWorker {
  readonly type: "appended";
}

/** The buffers a chunk's columns own, to transfer rather than copy. */
export function chunkTransferList(columns: readonly ColumnData[]): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [];
  for (const column of columns) {
    if (column.bytes !== undefined) buffers.push(column.bytes.buffer);
    if (column.validity !== undefined) buffers.push(column.validity.buffer);
  }
  return buffers;
}
