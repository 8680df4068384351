// Log Analytics and the Logs Ingestion API accept compressed request bodies (Content-Encoding: gzip), and
// agents send their batches that way. The body is inflated before parsing; Fastify then applies its body
// limit to the inflated size, which is what keeps a small "zip bomb" from growing without bound.

import type { Transform } from "node:stream";
import { createGunzip, createInflate } from "node:zlib";
import type { FastifyInstance, FastifyReply, FastifyRequest, RequestPayload } from "fastify";
import { ApiError } from "./api-error.js";

type DecodedPayload = Transform & { receivedEncodedLength: number };

export async function decodeRequestBody(
  request: FastifyRequest,
  _reply: FastifyReply,
  payload: RequestPayload,
): Promise<RequestPayload> {
  const encoding = String(request.headers["content-encoding"] ?? "")
    .trim()
    .toLowerCase();
  if (encoding === "" || encoding === "identity") return payload;
  const decoder =
    encoding === "gzip" || encoding === "x-gzip"
      ? createGunzip()
      : encoding === "deflate"
        ? createInflate()
        : null;
  if (decoder === null) {
    throw new ApiError(415, {
      code: "UnsupportedMediaTypeError",
      message: `Content-Encoding '${encoding}' is not supported; send gzip, deflate or an uncompressed body`,
    });
  }
  // Fastify compares this with Content-Length, which counts the compressed bytes.
  const decoded: DecodedPayload = Object.assign(decoder, { receivedEncodedLength: 0 });
  payload.on("data", (chunk: Buffer | string) => {
    decoded.receivedEncodedLength += chunk.length;
  });
  payload.on("error", (error) => decoded.destroy(error));
  decoded.on("error", (error: Error & { statusCode?: number }) => {
    // A corrupt stream is the client's mistake, not the server's.
    error.statusCode ??= 400;
  });
  payload.pipe(decoded);
  return decoded;
}

/**
 * Keeps JSON and NDJSON bodies as text within one plugin's routes: ingestion parses the rows itself, so that
 * a bad row is reported with its line, and never holds a parsed copy of the whole body beside its own.
 */
export function acceptJsonBodiesAsText(app: FastifyInstance): void {
  app.removeContentTypeParser(["application/json"]);
  app.addContentTypeParser(
    ["application/json", "application/x-ndjson", "text/plain"],
    { parseAs: "string" },
    (_request, body, done) => done(null, body),
  );
}
