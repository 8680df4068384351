// Writes a simulated estate into a workspace, one table at a time, streaming: no table's rows are ever
// held in memory, so the size of the estate is bounded by disk, not by the heap.

import type { DuckDBConnection } from "@duckdb/node-api";
import { storedTableNames, tables, type StoredTableName } from "@svcmap/model";
import { quoteIdent } from "../store/quote.js";
import { appendRecords, type StoredRecord } from "../store/table-appender.js";
import type { WorkspaceStore } from "../store/workspace-store.js";
import { buildEstate, type EstateOptions } from "./build-estate.js";
import type { Estate } from "./estate-model.js";
import { boundPortRecords } from "./records/bound-port-records.js";
import { connectionRecords } from "./records/connection-records.js";
import { computerRecords, processRecords } from "./records/inventory-records.js";
import { heartbeatRecords, metricRecords } from "./records/machine-health-records.js";
import { UsageMeter } from "./records/usage-meter.js";
import { minuteMs } from "./time-profile.js";

export interface SimulateOptions {
  readonly machines: number;
  readonly hours: number;
  readonly seed: number;
  readonly end: Date;
  /** Empty the seven tables first, instead of adding to what is there. */
  readonly replace?: boolean;
}

export interface TableWritten {
  readonly table: StoredTableName;
  readonly rows: number;
  readonly elapsedMs: number;
}

export interface SimulationSummary {
  readonly machines: number;
  readonly flows: number;
  readonly start: Date;
  readonly end: Date;
  readonly tables: readonly TableWritten[];
  readonly elapsedMs: number;
}

type RecordSource = (estate: Estate, usage: UsageMeter) => Iterable<StoredRecord>;

/** Usage comes last: it is the bill for the rows the other generators wrote. */
const tableSources: readonly (readonly [StoredTableName, RecordSource])[] = [
  ["VMComputer", computerRecords],
  ["VMProcess", processRecords],
  ["VMConnection", connectionRecords],
  ["VMBoundPort", boundPortRecords],
  ["InsightsMetrics", metricRecords],
  ["Heartbeat", heartbeatRecords],
  ["Usage", (estate, usage) => usage.records(estate)],
];

/** Builds the estate and writes every table of it through `connection`. */
export async function writeEstate(
  connection: DuckDBConnection,
  estate: Estate,
  onTable: (written: TableWritten) => void = () => {},
): Promise<TableWritten[]> {
  const usage = new UsageMeter(estate.window, estate.machines.length);
  const written: TableWritten[] = [];
  for (const [table, source] of tableSources) {
    const started = performance.now();
    const rows = await appendRecords(connection, tables[table], source(estate, usage));
    const result = { table, rows, elapsedMs: performance.now() - started };
    written.push(result);
    onTable(result);
  }
  return written;
}

/** Simulates an estate into a workspace store; its workspace id becomes the rows' TenantId. */
export async function simulateIntoStore(
  store: WorkspaceStore,
  options: SimulateOptions,
  onTable?: (written: TableWritten) => void,
): Promise<SimulationSummary> {
  const started = performance.now();
  const estateOptions: EstateOptions = { ...options, tenantId: store.workspaceId };
  const estate = buildEstate(estateOptions);
  const written = await store.withConnection(async (connection) => {
    if (options.replace === true) await emptyTables(connection);
    return writeEstate(connection, estate, onTable);
  });
  return {
    machines: estate.machines.length,
    flows: estate.flows.length,
    start: new Date(estate.window.startMs),
    end: new Date(estate.window.startMs + estate.window.minutes * minuteMs),
    tables: written,
    elapsedMs: performance.now() - started,
  };
}

/** How many rows the workspace's tables hold already. */
export async function countStoredRows(connection: DuckDBConnection): Promise<number> {
  let total = 0;
  for (const table of storedTableNames) {
    const reader = await connection.runAndReadAll(`SELECT count(*) FROM ${quoteIdent(table)}`);
    total += Number(reader.getRowsJS()[0]?.[0] ?? 0);
  }
  return total;
}

async function emptyTables(connection: DuckDBConnection): Promise<void> {
  for (const table of storedTableNames) await connection.run(`DELETE FROM ${quoteIdent(table)}`);
}
