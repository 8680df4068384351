// Usage rows: one per table per hour of TimeGenerated, as Log Analytics reports them. Each batch merges its
// bytes into the hour's row inside the batch's own transaction (an UPDATE, or a new row through the
// appender when the hour has none yet), so `Usage | summarize sum(Quantity) by DataType` counts every
// ingested byte exactly once and the table keeps one row per table and hour. Batches of one workspace are
// run one at a time (see ingest-batch.ts), so two of them never race for the same row.

import type { DuckDBConnection } from "@duckdb/node-api";
import { tables, type StoredTableName } from "@svcmap/model";
import { quoteBoolean, quoteIdent, quoteNumber, quoteString } from "../store/quote.js";
import { appendRecords, type StoredRecord } from "../store/table-appender.js";
import { recordBytes } from "./billed-size.js";
import { msPerHour, type UsageTally } from "./usage-tally.js";
import {
  defaultSourceSystem,
  isBillableTable,
  usageSolution,
  workspaceResourceUri,
} from "./record-defaults.js";

/** Azure bills per GB of 10^9 bytes, so its MB is 10^6 bytes. */
export const bytesPerMegabyte = 1_000_000;

/** Adds a batch's tally to the Usage table on `connection`, inside the caller's transaction. */
export async function recordUsage(
  connection: DuckDBConnection,
  workspaceId: string,
  dataType: StoredTableName,
  tally: UsageTally,
): Promise<void> {
  const isBillable = isBillableTable(dataType);
  const solution = usageSolution[dataType];
  const fresh: StoredRecord[] = [];
  for (const [hourMs, bytes] of tally.hours) {
    const quantity = bytes / bytesPerMegabyte;
    const startTime = `make_timestamp(${quoteNumber(BigInt(hourMs) * 1000n)})`;
    const result = await connection.run(
      `UPDATE ${quoteIdent("Usage")} SET ${quoteIdent("Quantity")} = ${quoteIdent("Quantity")} + ${quoteNumber(quantity)}` +
        ` WHERE ${quoteIdent("DataType")} = ${quoteString(dataType)}` +
        ` AND ${quoteIdent("StartTime")} = ${startTime}` +
        ` AND ${quoteIdent("IsBillable")} = ${quoteBoolean(isBillable)}` +
        ` AND ${quoteIdent("Solution")} = ${quoteString(solution)}` +
        ` AND ${quoteIdent("TenantId")} = ${quoteString(workspaceId)}`,
    );
    if (Number(result.rowsChanged) > 0) continue;
    const record: Record<string, StoredRecord[string]> = {
      TenantId: workspaceId,
      TimeGenerated: hourMs,
      StartTime: hourMs,
      EndTime: hourMs + msPerHour,
      DataType: dataType,
      Quantity: quantity,
      QuantityUnit: "MBytes",
      IsBillable: isBillable,
      Solution: solution,
      ResourceUri: workspaceResourceUri(workspaceId),
      SourceSystem: defaultSourceSystem.Usage,
      Type: "Usage",
      _IsBillable: String(isBillableTable("Usage")),
    };
    record["_BilledSize"] = recordBytes(tables.Usage.columns, record);
    fresh.push(record);
  }
  if (fresh.length > 0) await appendRecords(connection, tables.Usage, fresh);
}
