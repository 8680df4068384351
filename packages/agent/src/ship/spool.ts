// The on-disk spool: every batch is written here before it is sent and removed once the workspace has
// stored it, so that a workspace outage (or an agent restart) loses nothing. The spool is bounded: past the
// bound the oldest batches are dropped, and the drops are counted so that they can be reported.

import { randomUUID } from "node:crypto";
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

export const defaultSpoolBytes = 512 * 1024 * 1024;

export interface SpooledBatch {
  /** The file name: sequence, table and batch id, so that the order survives a restart. */
  readonly file: string;
  readonly table: string;
  readonly batchId: string;
  readonly rows: number;
}

export interface SpoolDrops {
  readonly batches: number;
  readonly rows: number;
}

const namePattern = /^(\d{16})-([A-Za-z_]+)-([0-9a-f-]{36})-(\d+)\.ndjson\.gz$/;

export class Spool {
  private sequence: number;
  private droppedBatches = 0;
  private droppedRows = 0;

  constructor(
    private readonly dir: string,
    private readonly maxBytes = defaultSpoolBytes,
  ) {
    mkdirSync(dir, { recursive: true });
    const last = this.list().at(-1);
    this.sequence = last === undefined ? 0 : Number(last.file.slice(0, 16));
  }

  /** Writes a batch (atomically: a half-written file is never sent) and enforces the bound. */
  add(table: string, rows: readonly object[]): SpooledBatch | undefined {
    if (rows.length === 0) return undefined;
    const body = gzipSync(rows.map((row) => JSON.stringify(row)).join("\n") + "\n");
    const batchId = randomUUID();
    const file = `${String(++this.sequence).padStart(16, "0")}-${table}-${batchId}-${rows.length}.ndjson.gz`;
    const temporary = join(this.dir, `.${file}.tmp`);
    writeFileSync(temporary, body);
    renameSync(temporary, join(this.dir, file));
    this.enforceBound();
    return { file, table, batchId, rows: rows.length };
  }

  /** The spooled batches, oldest first. */
  list(): SpooledBatch[] {
    const batches: SpooledBatch[] = [];
    for (const file of readdirSync(this.dir).sort()) {
      const match = namePattern.exec(file);
      if (match === null) continue;
      batches.push({ file, table: match[2]!, batchId: match[3]!, rows: Number(match[4]) });
    }
    return batches;
  }

  read(batch: SpooledBatch): Buffer {
    return readFileSync(join(this.dir, batch.file));
  }

  remove(batch: SpooledBatch): void {
    try {
      unlinkSync(join(this.dir, batch.file));
    } catch {
      // Already gone (dropped by the bound while it was being sent).
    }
  }

  /** Batches and rows dropped for space since the agent started. */
  get drops(): SpoolDrops {
    return { batches: this.droppedBatches, rows: this.droppedRows };
  }

  sizeBytes(): number {
    return this.list().reduce((sum, b) => sum + this.fileSize(b), 0);
  }

  private enforceBound(): void {
    const batches = this.list();
    let total = batches.reduce((sum, b) => sum + this.fileSize(b), 0);
    for (const batch of batches) {
      if (total <= this.maxBytes) break;
      total -= this.fileSize(batch);
      this.remove(batch);
      this.droppedBatches++;
      this.droppedRows += batch.rows;
    }
  }

  private fileSize(batch: SpooledBatch): number {
    try {
      return statSync(join(this.dir, batch.file)).size;
    } catch {
      return 0;
    }
  }
}
