// POST /dataCollectionRules/{ruleId}/streams/{stream}: Azure Monitor's Logs Ingestion API, so that
// Microsoft's LogsIngestionClient and scripts written for a Log Analytics workspace can send rows here. A
// stream names one of the workspace's tables (`Custom-VMConnection`, `Microsoft-VMConnection` or plain
// `VMConnection`); the rule id is accepted as any name, since this workspace has no data collection rules:
// the tables' own schema is what every row is checked against, exactly as `svcmap ingest` checks it.

import { isStoredTableName, storedTableNames } from "@svcmap/model";
import type { FastifyPluginAsync } from "fastify";
import type { Enrichment } from "../enrich/connection-enrichment.js";
import { ingestBatch } from "../ingest/ingest-batch.js";
import { IngestError } from "../ingest/ingest-error.js";
import { jsonTextRowSource } from "../ingest/row-sources.js";
import type { WorkspaceStore } from "../store/workspace-store.js";
import { ApiError, throttled } from "./api-error.js";
import { acceptJsonBodiesAsText } from "./request-decoding.js";

export interface LogsIngestionOptions {
  readonly store: WorkspaceStore;
  /** Uploads stored or waiting at once before callers are told to come back later (default 16). */
  readonly maxPending?: number;
  readonly retryAfterSeconds?: number;
  readonly enrichment?: Enrichment;
}

export const logsIngestionPath = "/dataCollectionRules/:ruleId/streams/:stream";

/** The stream prefixes of Azure's data collection rules: custom tables' and Microsoft's own. */
const streamPrefix = /^(?:Custom|Microsoft)-/i;

export function logsIngestionRoutes(options: LogsIngestionOptions): FastifyPluginAsync {
  const maxPending = options.maxPending ?? 16;
  const retryAfter = options.retryAfterSeconds ?? 5;
  let pending = 0;
  return async (app) => {
    acceptJsonBodiesAsText(app);
    app.post<{ Params: { ruleId: string; stream: string }; Body: string }>(
      logsIngestionPath,
      { config: { permission: "ingest" } },
      async (request, reply) => {
        const { stream } = request.params;
        const table = stream.replace(streamPrefix, "");
        if (!isStoredTableName(table)) {
          throw new ApiError(404, {
            code: "InvalidStream",
            message: `stream '${stream}' names no table of this workspace; streams are Custom-TABLE for the tables ${storedTableNames.join(", ")}`,
          });
        }
        if (typeof request.body !== "string" || !request.body.trimStart().startsWith("[")) {
          throw invalidContent("the body must be a JSON array of records (Content-Type: application/json)");
        }
        if (pending >= maxPending) {
          throw throttled(retryAfter, `${pending} uploads are waiting to be stored; try again later`);
        }
        pending++;
        try {
          await ingestBatch(
            options.store,
            table,
            [jsonTextRowSource(`stream ${stream}`, request.body)],
            options.enrichment === undefined ? {} : { enrichment: options.enrichment },
          );
        } catch (error) {
          if (error instanceof IngestError) throw invalidContent(error.message);
          throw error;
        } finally {
          pending--;
        }
        return reply.status(204).send();
      },
    );
  };
}

/** The Logs Ingestion API's error for rows it cannot take; none of the upload was stored. */
function invalidContent(message: string): ApiError {
  return new ApiError(400, { code: "InvalidContent", message });
}
