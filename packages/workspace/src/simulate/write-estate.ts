// Writes a simulated estate into a workspace, one table at a time and each table a slice of minutes at a
// time: rows are generated as the appender takes them, and each append holds about a million rows at most,
// so memory stays bounded however large the estate.

import type { DuckDBConnection } from "@duckdb/node-api";
import { storedTableNames, tables, type StoredTableName } from "@svcmap/model";
import { quoteIdent } from "../store/quote.js";
import { moveStagedConnections, stageConnections } from "../store/connection-rollup.js";
import { appendRecords } from "../store/table-appender.js";
import type { WorkspaceStore } from "../store/workspace-store.js";
import { buildEstate, type EstateOptions } from "./build-estate.js";
import type { Estate } from "./estate-model.js";
import { boundPortRows } from "./records/bound-port-records.js";
import { connectionRows } from "./records/connection-records.js";
import { computerRows, processRows } from "./records/inventory-records.js";
import { heartbeatRows, metricRows } from "./records/machine-health-records.js";
import type { MinuteRows } from "./records/minute-rows.js";
import { meteredTables, UsageMeter, type MeteredTable } from "./records/usage-meter.js";
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

type RowSource = (estate: Estate, usage: UsageMeter) => MinuteRows;

const rowSources: Readonly<Record<MeteredTable, RowSource>> = {
  VMComputer: computerRows,
  VMProcess: processRows,
  VMConnection: connectionRows,
  VMBoundPort: boundPortRows,
  InsightsMetrics: metricRows,
  Heartbeat: heartbeatRows,
};

/** Generous estimates of rows per machine and minute, to size the slices. */
const rowsPerMachineMinute: Readonly<Record<MeteredTable | "Usage", number>> = {
  VMComputer: 0.05,
  VMProcess: 0.3,
  VMConnection: 12,
  VMBoundPort: 6,
  InsightsMetrics: 30,
  Heartbeat: 1,
  Usage: 0.1,
};

const rowsPerAppend = 1_000_000;

/** Writes every table of the estate through `connection`; Usage comes last, as the bill for the others. */
export async function writeEstate(
  connection: DuckDBConnection,
  estate: Estate,
  onTable: (written: TableWritten) => void = () => {},
): Promise<TableWritten[]> {
  const usage = new UsageMeter(estate.window, estate.machines.length);
  const written: TableWritten[] = [];
  const machines = estate.machines.length;
  const minutes = estate.window.minutes;
  const record = (table: StoredTableName, rows: number, started: number): void => {
    const result = { table, rows, elapsedMs: performance.now() - started };
    written.push(result);
    onTable(result);
  };
  for (const table of meteredTables) {
    const started = performance.now();
    const rowsBetween = rowSources[table](estate, usage);
    const slice = Math.max(1, Math.floor(rowsPerAppend / (machines * rowsPerMachineMinute[table])));
    let rows = 0;
    for (let from = 0; from < minutes; from += slice) {
      const rolledUp = table === "VMConnection";
      rows += await appendRecords(
        connection,
        rolledUp ? await stageConnections(connection) : tables[table],
        rowsBetween(from, Math.min(minutes, from + slice)),
      );
      if (rolledUp) {
        // The rows and their rollup are committed together, so the rollup never misses stored rows.
        await connection.run("BEGIN TRANSACTION");
        await moveStagedConnections(connection);
        await connection.run("COMMIT");
      }
      await settle(connection);
    }
    record(table, rows, started);
  }
  const started = performance.now();
  const hoursPerAppend = Math.max(
    1,
    Math.floor(rowsPerAppend / (machines * rowsPerMachineMinute.Usage * 60)),
  );
  let rows = 0;
  for (let from = 0; from < usage.hours; from += hoursPerAppend) {
    rows += await appendRecords(connection, tables.Usage, usage.records(estate, from, from + hoursPerAppend));
    await settle(connection);
  }
  record("Usage", rows, started);
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

/**
 * DuckDB keeps freshly appended rows in memory, uncompressed, until a checkpoint writes them out; without
 * one between appends, a day of a thousand machines needs many times more memory than its rows take on disk.
 */
async function settle(connection: DuckDBConnection): Promise<void> {
  await connection.run("CHECKPOINT");
}

async function emptyTables(connection: DuckDBConnection): Promise<void> {
  for (const table of storedTableNames) await connection.run(`DELETE FROM ${quoteIdent(table)}`);
}
