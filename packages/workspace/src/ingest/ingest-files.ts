import { tables } from "@svcmap/model";
import type { WorkspaceStore } from "../store/workspace-store.js";
import {
  arrivalTimeMs,
  ingestBatch,
  resolveTableName,
  runBatch,
  type IngestOptions,
  type IngestResult,
} from "./ingest-batch.js";
import { IngestError } from "./ingest-error.js";
import { fileRowSource } from "./row-sources.js";
import { appendFromParseWorker, parseWorkerAvailable } from "./worker-ingest.js";

/**
 * Ingests files (or "-" for NDJSON on stdin) into one table as a single batch: if any row of any file is
 * rejected, none is stored, so a corrected command can simply be run again.
 */
export async function ingestFiles(
  store: WorkspaceStore,
  table: string,
  paths: readonly string[],
  options: IngestOptions = {},
): Promise<IngestResult> {
  const tableName = resolveTableName(table);
  const sources = await Promise.all(
    paths.map((path) =>
      fileRowSource(path).catch((error: unknown) => {
        const reason = error instanceof Error && "code" in error ? String(error.code) : String(error);
        throw new IngestError({ source: path }, `cannot read the file (${reason})`);
      }),
    ),
  );
  // The worker cannot share the enrichment's databases, so enriched batches are parsed here.
  const enriched = options.enrichment?.forTable(
    tableName,
    new Map(tables[tableName].columns.map((c, i) => [c.name, i])),
  );
  if (
    options.parseInWorker === true &&
    enriched === undefined &&
    !paths.includes("-") &&
    parseWorkerAvailable()
  ) {
    return runBatch(store, tableName, (appender) =>
      appendFromParseWorker(appender, {
        table: tableName,
        workspaceId: store.workspaceId,
        arrivalTimeMs: arrivalTimeMs(options),
        paths,
      }),
    );
  }
  return ingestBatch(store, table, sources, options);
}
