// The ids of batches already stored. Agents retry a batch whenever they cannot tell whether it arrived
// (a timeout, a dropped connection, a restart of either side); remembering the id in the workspace file,
// in the same transaction as the rows, is what makes those retries store every row exactly once.

import type { DuckDBConnection } from "@duckdb/node-api";
import { quoteIdent, quoteNumber, quoteString } from "../store/quote.js";
import { acceptedBatchesTable } from "../store/migrations.js";

/** The longest batch id accepted: a UUID or a hash fits with room to spare. */
export const maxBatchIdLength = 128;

export async function wasAccepted(connection: DuckDBConnection, batchId: string): Promise<boolean> {
  const reader = await connection.runAndReadAll(
    `SELECT 1 FROM ${quoteIdent(acceptedBatchesTable)} WHERE batch_id = ${quoteString(batchId)}`,
  );
  return reader.currentRowCount > 0;
}

export async function recordAccepted(
  connection: DuckDBConnection,
  batchId: string,
  table: string,
  rows: number,
): Promise<void> {
  await connection.run(
    `INSERT INTO ${quoteIdent(acceptedBatchesTable)} (batch_id, table_name, row_count, accepted_at) VALUES ` +
      `(${quoteString(batchId)}, ${quoteString(table)}, ${quoteNumber(rows)}, make_timestamp(${quoteNumber(BigInt(Date.now()) * 1000n)}))`,
  );
}
