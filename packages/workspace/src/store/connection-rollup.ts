// An hourly rollup of VMConnection, kept by the workspace as each batch is stored, like a Kusto materialized
// view: per hour of TimeGenerated and the map's keys, the counters summed. A day of VMConnection is millions
// of rows; the same day rolled up is a few hundred thousand, so long map ranges read the rollup for their
// whole hours and the raw table only for the partial hours at the edges. Rows are only ever appended (one
// aggregate per batch and key), never merged: a sum over them is the raw table's sum, whatever order and
// however late rows arrive. Queries read it as `materialized_view("SvcmapVMConnectionHourly")`.

import type { DuckDBConnection } from "@duckdb/node-api";
import { tables, type TableSchema } from "@svcmap/model";
import { quoteIdent } from "./quote.js";
import { createTableSql } from "./schema-ddl.js";

/** Prefixed so that it can never collide with a table Azure adds. */
export const connectionRollupName = "SvcmapVMConnectionHourly";

const keys = ["Machine", "Direction", "Process", "RemoteIp", "DestinationPort", "Protocol"] as const;
const sums = [
  "LinksEstablished",
  "LinksFailed",
  "BytesSent",
  "BytesReceived",
  "Responses",
  "ResponseTimeSum",
] as const;

export const connectionRollup: TableSchema = {
  name: connectionRollupName,
  columns: [
    { name: "TimeGenerated", type: "datetime", description: "The start of the hour." },
    { name: "Machine", type: "string" },
    { name: "Direction", type: "string" },
    { name: "Process", type: "string" },
    { name: "RemoteIp", type: "string" },
    { name: "DestinationPort", type: "int" },
    { name: "Protocol", type: "string" },
    ...sums.map((name) => ({ name, type: "long" as const })),
    { name: "Records", type: "long", description: "How many VMConnection rows were summed." },
  ],
};

export function createConnectionRollupSql(): string {
  return createTableSql(connectionRollup);
}

/** Adds the rows of `source` (VMConnection's columns) to the rollup. */
export function rollUpConnectionsSql(source: string, where = ""): string {
  const time = quoteIdent("TimeGenerated");
  const keyList = keys.map(quoteIdent).join(", ");
  const sumList = sums.map((c) => `coalesce(sum(${quoteIdent(c)}), 0)`).join(", ");
  return (
    `INSERT INTO ${quoteIdent(connectionRollupName)} ` +
    `SELECT date_trunc('hour', ${time}), ${keyList}, ${sumList}, count(*) FROM ${quoteIdent(source)} ` +
    `${where === "" ? "" : `WHERE ${where} `}GROUP BY ALL`
  );
}

const stagingName = "svcmap_staged_VMConnection";

/**
 * Creates an empty temporary table shaped like VMConnection and returns its schema, for an appender: rows
 * are staged there so that the rollup sums exactly them. Call `moveStagedConnections` in the same
 * transaction once they are appended.
 */
export async function stageConnections(connection: DuckDBConnection): Promise<TableSchema> {
  const staged = { ...tables.VMConnection, name: stagingName };
  await connection.run(`DROP TABLE IF EXISTS ${quoteIdent(stagingName)}`);
  await connection.run(createTableSql(staged).replace(/^CREATE TABLE IF NOT EXISTS/, "CREATE TEMP TABLE"));
  return staged;
}

/** Moves the staged rows into VMConnection and adds them to the rollup. */
export async function moveStagedConnections(connection: DuckDBConnection): Promise<void> {
  await connection.run(`INSERT INTO ${quoteIdent("VMConnection")} SELECT * FROM ${quoteIdent(stagingName)}`);
  await connection.run(rollUpConnectionsSql(stagingName));
  await connection.run(`DROP TABLE ${quoteIdent(stagingName)}`);
}
