// PUT /v1/agent/tables/{table}/batches/{batchId}: where agents send their records. A batch is one table's
// rows as NDJSON or a JSON array, usually gzip-compressed; PUT because sending the same batch again is
// harmless: the id is remembered with the rows, and a repeat stores nothing and answers as the first did.
// Rows are checked and stored by the same ingestBatch as `svcmap ingest`, so both accept exactly the same
// records. When more batches wait than the store can absorb, callers get 429 with Retry-After.

import type { FastifyPluginAsync } from "fastify";
import { maxBatchIdLength } from "../ingest/accepted-batches.js";
import { ingestBatch, type IngestResult } from "../ingest/ingest-batch.js";
import { IngestError } from "../ingest/ingest-error.js";
import { jsonTextRowSource } from "../ingest/row-sources.js";
import type { WorkspaceStore } from "../store/workspace-store.js";
import { badArgument, throttled } from "./api-error.js";
import { acceptJsonBodiesAsText } from "./request-decoding.js";
import type { Enrichment } from "../enrich/connection-enrichment.js";

export interface AgentIngestOptions {
  readonly store: WorkspaceStore;
  /** Batches stored or waiting at once before callers are told to come back later (default 16). */
  readonly maxPending?: number;
  /** What a throttled caller is told to wait, in seconds (default 5). */
  readonly retryAfterSeconds?: number;
  /** What the workspace adds to the agents' records (geolocation, threat intelligence). */
  readonly enrichment?: Enrichment;
}

/** What the agent endpoint answers for a stored (or repeated) batch. */
export interface AgentBatchReply {
  readonly batchId: string;
  readonly table: string;
  readonly rows: number;
  readonly duplicate: boolean;
}

export const agentBatchPath = "/v1/agent/tables/:table/batches/:batchId";

const batchIdPattern = /^[A-Za-z0-9._:-]+$/;

export function agentIngestRoutes(options: AgentIngestOptions): FastifyPluginAsync {
  const maxPending = options.maxPending ?? 16;
  const retryAfter = options.retryAfterSeconds ?? 5;
  let pending = 0;
  return async (app) => {
    acceptJsonBodiesAsText(app);
    app.put<{ Params: { table: string; batchId: string }; Body: string }>(
      agentBatchPath,
      { config: { permission: "ingest" } },
      async (request): Promise<AgentBatchReply> => {
        const { table, batchId } = request.params;
        if (batchId.length > maxBatchIdLength || !batchIdPattern.test(batchId)) {
          throw badArgument({
            code: "InvalidBatchId",
            message: `the batch id must be 1 to ${maxBatchIdLength} letters, digits or . _ : -`,
          });
        }
        if (typeof request.body !== "string") {
          throw badArgument({
            code: "InvalidRequest",
            message:
              "send the rows as NDJSON or a JSON array (Content-Type application/x-ndjson or application/json)",
          });
        }
        if (pending >= maxPending) {
          throw throttled(retryAfter, `${pending} batches are waiting to be stored; try again later`);
        }
        pending++;
        let result: IngestResult;
        try {
          result = await ingestBatch(
            options.store,
            table,
            [jsonTextRowSource(`batch ${batchId}`, request.body)],
            options.enrichment === undefined ? { batchId } : { batchId, enrichment: options.enrichment },
          );
        } catch (error) {
          if (error instanceof IngestError) {
            throw badArgument({ code: "InvalidRecord", message: error.message });
          }
          throw error;
        } finally {
          pending--;
        }
        return { batchId, table: result.table, rows: result.rows, duplicate: result.duplicate };
      },
    );
  };
}
