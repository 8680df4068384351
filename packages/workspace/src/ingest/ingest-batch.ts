import { isStoredTableName, storedTableNames, tables, type StoredTableName } from "@svcmap/model";
import { moveStagedConnections, stageConnections } from "../store/connection-rollup.js";
import type { Enrichment } from "../enrich/connection-enrichment.js";
import { RowAppender } from "../store/table-appender.js";
import type { WorkspaceStore } from "../store/workspace-store.js";
import { IngestError } from "./ingest-error.js";
import { RowChecker } from "./row-checker.js";
import type { RowSource } from "./row-sources.js";
import { recordAccepted, wasAccepted } from "./accepted-batches.js";
import { recordUsage } from "./usage-accounting.js";
import type { UsageTally } from "./usage-tally.js";

export interface IngestResult {
  readonly table: StoredTableName;
  readonly rows: number;
  /** Sum of the rows' _BilledSize, as Usage counts it. */
  readonly billedBytes: number;
  readonly elapsedMs: number;
  /** True when the batch id had been accepted before: nothing was stored this time. */
  readonly duplicate: boolean;
}

export interface IngestOptions {
  /** TimeGenerated for rows without one; defaults to now. */
  readonly arrivalTime?: Date;
  /**
   * Read, parse and check files in a worker thread while this thread feeds DuckDB (default false). Only
   * files are parsed in a worker; standard input and text in memory always are here. It pays only where a
   * second core is free: on the shared 2-core machine of BENCHMARKS.md it was slower (see there).
   */
  readonly parseInWorker?: boolean;
  /** What the workspace adds to records at ingestion (geolocation, threat intelligence). */
  readonly enrichment?: Enrichment;
  /**
   * Makes a retried batch harmless: the id is stored in the batch's own transaction, and a batch whose id
   * was accepted before (even before a restart) stores nothing and reports itself as a duplicate.
   */
  readonly batchId?: string;
}

/** The one table name check, so that every entry point words it the same way. */
export function resolveTableName(name: string): StoredTableName {
  if (isStoredTableName(name)) return name;
  throw new IngestError(
    { source: "--table" },
    `unknown table "${name}"; the tables are ${storedTableNames.join(", ")}`,
  );
}

/** What filling a batch's appender produced: its rows and their billed bytes by hour. */
export interface BatchFill {
  readonly rows: number;
  readonly tally: UsageTally;
}

/**
 * Ingests every row of `sources` into `table` as one batch: one transaction, so that either every row is
 * stored (and Usage updated) or, on the first bad row, nothing is and the tables are exactly as before.
 * Batches against one store run one after another.
 */
export async function ingestBatch(
  store: WorkspaceStore,
  tableName: string,
  sources: readonly RowSource[],
  options: IngestOptions = {},
): Promise<IngestResult> {
  const table = resolveTableName(tableName);
  return runBatch(
    store,
    table,
    async (appender) => {
      const checker = new RowChecker(table, store.workspaceId, arrivalTimeMs(options), options.enrichment);
      const checkHeader = checker.checkColumnNames.bind(checker);
      for (const source of sources) {
        for await (const rows of source.rows(checkHeader)) {
          for (const row of rows) checker.write(row, source.name, source.encoding, appender);
        }
      }
      return { rows: checker.rows, tally: checker.tally };
    },
    options.batchId,
  );
}

export function arrivalTimeMs(options: IngestOptions): number {
  return (options.arrivalTime ?? new Date()).getTime();
}

/**
 * The transaction around one batch: `fill` appends the rows, then Usage is updated and all is committed;
 * if anything fails, everything is rolled back.
 */
export async function runBatch(
  store: WorkspaceStore,
  table: StoredTableName,
  fill: (appender: RowAppender) => Promise<BatchFill>,
  batchId?: string,
): Promise<IngestResult> {
  return serialized(store, async () => {
    const started = performance.now();
    const connection = await store.connect();
    try {
      await connection.run("BEGIN TRANSACTION");
      let appender: RowAppender | undefined;
      try {
        if (batchId !== undefined && (await wasAccepted(connection, batchId))) {
          await connection.run("ROLLBACK");
          return { table, rows: 0, billedBytes: 0, elapsedMs: performance.now() - started, duplicate: true };
        }
        const rolledUp = table === "VMConnection";
        // VMConnection's batch is staged first so that the hourly rollup sums exactly this batch's rows.
        appender = await RowAppender.open(
          connection,
          rolledUp ? await stageConnections(connection) : tables[table],
        );
        const { rows, tally } = await fill(appender);
        appender.close();
        if (rolledUp) await moveStagedConnections(connection);
        await recordUsage(connection, store.workspaceId, table, tally);
        if (batchId !== undefined) await recordAccepted(connection, batchId, table, rows);
        await connection.run("COMMIT");
        return {
          table,
          rows,
          billedBytes: tally.totalBytes,
          elapsedMs: performance.now() - started,
          duplicate: false,
        };
      } catch (error) {
        appender?.abort();
        // A failed COMMIT has already ended the transaction; the original error is the one to report.
        await connection.run("ROLLBACK").catch(() => undefined);
        throw error;
      }
    } finally {
      connection.closeSync();
    }
  });
}

const queues = new WeakMap<WorkspaceStore, Promise<unknown>>();

/**
 * Runs `work` after every batch already queued for `store`, whether those succeed or fail. Two batches at
 * once would race to update the same Usage row, and DuckDB would fail one of them with a write conflict.
 */
function serialized<T>(store: WorkspaceStore, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(store) ?? Promise.resolve();
  const next = previous.then(work);
  queues.set(
    store,
    next.catch(() => undefined),
  );
  return next;
}
