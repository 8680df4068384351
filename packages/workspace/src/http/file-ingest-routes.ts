// POST /v1/ingest/tables/{table}: one file's rows, streamed, for `svcmap ingest --url` while a server holds
// the data directory. The body is NDJSON, a JSON array or CSV (by Content-Type), usually gzip-compressed,
// and goes through the same ingestBatch as `svcmap ingest --data`: the same checks, errors naming the file
// (`?source=`), its line and column, and the same all-or-nothing batch.

import type { Readable } from "node:stream";
import { Transform } from "node:stream";
import type { FastifyPluginAsync } from "fastify";
import type { Enrichment } from "../enrich/connection-enrichment.js";
import { ingestBatch, resolveTableName, type IngestResult } from "../ingest/ingest-batch.js";
import { IngestError } from "../ingest/ingest-error.js";
import { streamRowSource, type RowFormat } from "../ingest/row-sources.js";
import type { WorkspaceStore } from "../store/workspace-store.js";
import { ApiError, badArgument } from "./api-error.js";

export interface FileIngestOptions {
  readonly store: WorkspaceStore;
  readonly enrichment?: Enrichment;
  /** The most one upload may carry once decompressed (default 4 GiB). */
  readonly maxBytes?: number;
}

/** What the endpoint answers for a stored file. */
export interface FileIngestReply {
  readonly table: IngestResult["table"];
  readonly source: string;
  readonly rows: number;
  readonly billedBytes: number;
  readonly elapsedMs: number;
}

export const fileIngestPath = "/v1/ingest/tables/:table";

const formatsByType: Readonly<Record<string, RowFormat>> = {
  "application/x-ndjson": "ndjson",
  "application/jsonl": "ndjson",
  "application/json": "json-array",
  "text/csv": "csv",
};

export function fileIngestRoutes(options: FileIngestOptions): FastifyPluginAsync {
  const maxBytes = options.maxBytes ?? 4 * 1024 ** 3;
  return async (app) => {
    // The rows are read from the stream as they arrive rather than collected first: a file may be far larger
    // than any request body the server would hold in memory.
    app.removeContentTypeParser(["application/json"]);
    app.addContentTypeParser(Object.keys(formatsByType), (_request, payload, done) => done(null, payload));
    app.post<{ Params: { table: string }; Querystring: { source?: string }; Body: Readable }>(
      fileIngestPath,
      { config: { permission: "ingest" } },
      async (request): Promise<FileIngestReply> => {
        const mediaType = String(request.headers["content-type"] ?? "")
          .split(";")[0]
          ?.trim()
          .toLowerCase();
        const format = formatsByType[mediaType ?? ""];
        if (format === undefined) {
          throw new ApiError(415, {
            code: "UnsupportedMediaTypeError",
            message: `send the rows as ${Object.keys(formatsByType).join(", ")}`,
          });
        }
        const source = request.query.source?.trim() || "request body";
        let result: IngestResult;
        try {
          resolveTableName(request.params.table);
          const limited = byteLimit(maxBytes, source);
          // A broken upload (a corrupt gzip stream, a dropped connection) fails the batch like a bad row.
          request.body.once("error", (error) =>
            limited.destroy(new IngestError({ source }, `the upload broke off: ${error.message}`)),
          );
          // The row source reads the error from the stream; this listener only keeps an error that arrives
          // while nothing reads (the batch still waits its turn) from being reported as unhandled.
          limited.on("error", () => {});
          const rows = streamRowSource(source, format, request.body.pipe(limited));
          result = await ingestBatch(
            options.store,
            request.params.table,
            [rows],
            options.enrichment === undefined ? {} : { enrichment: options.enrichment },
          );
        } catch (error) {
          // The rest of the body is not wanted: stop reading it rather than wait for a large file to finish.
          request.body.unpipe();
          request.body.resume();
          if (error instanceof IngestError)
            throw badArgument({ code: "InvalidRecord", message: error.message });
          throw error;
        }
        return {
          table: result.table,
          source,
          rows: result.rows,
          billedBytes: result.billedBytes,
          elapsedMs: Math.round(result.elapsedMs),
        };
      },
    );
  };
}

/** Fails the upload, naming the limit, once more than `maxBytes` have arrived. */
function byteLimit(maxBytes: number, source: string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > maxBytes) {
        callback(
          new IngestError({ source }, `the upload is larger than the server's limit of ${maxBytes} bytes`),
        );
        return;
      }
      callback(null, chunk);
    },
  });
}
