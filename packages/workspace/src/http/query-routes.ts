// POST and GET /v1/workspaces/{id}/query: the Log Analytics Query API over this workspace.

import { promisify } from "node:util";
import { gzip } from "node:zlib";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { QueryError } from "../kql/errors.js";
import type { QueryOptions, QueryResult } from "../kql/result.js";
import {
  ApiError,
  type ErrorResponseBody,
  badArgument,
  gatewayTimeout,
  serviceUnavailable,
  throttled,
  workspaceNotFound,
} from "./api-error.js";
import { appliedPreferences, parsePreferHeader } from "./prefer-header.js";
import { GateAbortedError, QueueFullError, type QueryGate } from "./query-gate.js";
import { queryErrorToApiError, queryResponseBody, type QueryResponseBody } from "./response-body.js";

/** Anything that runs KQL: the KqlEngine, or a stand-in in tests. */
export interface QueryRunner {
  run(query: string, options?: QueryOptions): Promise<QueryResult>;
}

export interface QueryLimits {
  /** The time limit of a query that does not ask for another with `Prefer: wait=N`. */
  readonly timeoutMs: number;
  /** The most a caller may ask for with `Prefer: wait=N` (Log Analytics allows 10 minutes). */
  readonly maxTimeoutMs: number;
  readonly maxRows: number;
  readonly maxBytes: number;
}

/** Log Analytics' own result limits: 500,000 records and 64 MB. */
export const defaultQueryLimits: QueryLimits = {
  timeoutMs: 60_000,
  maxTimeoutMs: 600_000,
  maxRows: 500_000,
  maxBytes: 64 * 1024 * 1024,
};

export interface QueryRouteContext {
  readonly workspaceId: string;
  readonly engine: QueryRunner;
  readonly gate: QueryGate;
  readonly limits: QueryLimits;
  /** Aborts when the server shuts down, cancelling what is queued or running. */
  readonly closing: AbortSignal;
}

interface QueryRequest {
  readonly workspace: string;
  readonly query: unknown;
  readonly timespan: unknown;
  readonly workspaces: unknown;
}

/** Seconds a throttled client is told to wait before it tries again. */
const retryAfterSeconds = 2;
/** Smaller answers are not worth the CPU time of compressing. */
const compressAbove = 8 * 1024;
const gzipAsync = promisify(gzip);

export function registerQueryRoutes(app: FastifyInstance, context: QueryRouteContext): void {
  app.post<{ Params: { id: string }; Body: unknown }>(
    "/v1/workspaces/:id/query",
    { config: { permission: "query" } },
    async (request, reply) => {
      const fields = bodyFields(request.body, "the request body must be a JSON object: {query, timespan?}");
      return answer(context, request, reply, {
        workspace: request.params.id,
        query: fields["query"],
        timespan: fields["timespan"],
        workspaces: fields["workspaces"],
      });
    },
  );
  app.get<{ Params: { id: string }; Querystring: Record<string, unknown> }>(
    "/v1/workspaces/:id/query",
    { config: { permission: "query" } },
    async (request, reply) =>
      answer(context, request, reply, {
        workspace: request.params.id,
        query: request.query["query"],
        timespan: request.query["timespan"],
        workspaces: request.query["workspaces"],
      }),
  );
  app.post<{ Body: unknown }>("/v1/$batch", { config: { permission: "query" } }, async (request, reply) =>
    sendJson(request, reply, await answerBatch(context, request.body, abandonSignal(reply))),
  );
}

async function answer(
  context: QueryRouteContext,
  request: FastifyRequest,
  reply: FastifyReply,
  input: QueryRequest,
): Promise<FastifyReply> {
  const { body, applied } = await executeQuery(context, input, request.headers.prefer, abandonSignal(reply));
  if (applied !== "") reply.header("preference-applied", applied);
  return sendJson(request, reply, body);
}

/** One query request, validated, governed and answered; failures are thrown as ApiError. */
async function executeQuery(
  context: QueryRouteContext,
  input: QueryRequest,
  prefer: string | readonly string[] | undefined,
  signal: AbortSignal,
): Promise<{ body: QueryResponseBody; applied: string }> {
  if (!sameWorkspace(input.workspace, context.workspaceId)) throw workspaceNotFound(input.workspace);
  checkAdditionalWorkspaces(input.workspaces, context.workspaceId);
  if (typeof input.query !== "string" || input.query.trim() === "") {
    throw badArgument({
      code: "QueryValidationError",
      message: "'query' is required and must be a non-empty string",
    });
  }
  if (input.timespan !== undefined && input.timespan !== null && typeof input.timespan !== "string") {
    throw badArgument({
      code: "QueryValidationError",
      message: "'timespan' must be an ISO 8601 duration or interval",
    });
  }
  const query = input.query;
  const timespan =
    typeof input.timespan === "string" && input.timespan.trim() !== "" ? input.timespan.trim() : undefined;
  const preferences = parsePreferHeader(prefer);
  const waitMs =
    preferences.waitSeconds === undefined
      ? context.limits.timeoutMs
      : Math.min(preferences.waitSeconds * 1000, context.limits.maxTimeoutMs);

  const cancel = AbortSignal.any([signal, context.closing]);
  const started = performance.now();
  const result = await runGoverned(context, query, cancel, {
    ...(timespan === undefined ? {} : { timespan }),
    timeoutMs: waitMs,
    maxRows: context.limits.maxRows,
    maxBytes: context.limits.maxBytes,
    signal: cancel,
  });
  const body = queryResponseBody(result, { ...preferences, executionMs: performance.now() - started });
  const applied = appliedPreferences(
    preferences,
    preferences.waitSeconds === undefined ? undefined : waitMs / 1000,
  );
  return { body, applied };
}

/** The most queries one $batch request may carry. */
const maxBatchSize = 32;

interface BatchResponse {
  readonly id: string;
  readonly status: number;
  readonly body: QueryResponseBody | ErrorResponseBody;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * POST /v1/$batch, the Query API's batch form (which LogsQueryClient.queryBatch uses): each query runs as
 * its own request would, through the same gate, and answers with its own status and body.
 */
async function answerBatch(
  context: QueryRouteContext,
  rawBody: unknown,
  signal: AbortSignal,
): Promise<{ responses: BatchResponse[] }> {
  const requests = bodyFields(rawBody, "the request body must be a JSON object: {requests: [...]}")[
    "requests"
  ];
  if (!Array.isArray(requests) || requests.length === 0 || requests.length > maxBatchSize) {
    throw badArgument({
      code: "InvalidBatch",
      message: `'requests' must be an array of 1 to ${maxBatchSize} queries`,
    });
  }
  const responses = await Promise.all(
    requests.map(async (entry: unknown, index): Promise<BatchResponse> => {
      const item = typeof entry === "object" && entry !== null ? (entry as Record<string, unknown>) : {};
      const id = typeof item["id"] === "string" ? item["id"] : String(index);
      try {
        const path = item["path"] ?? "/query";
        if (path !== "/query")
          throw badArgument({ code: "InvalidPath", message: `unknown path '${String(path)}'` });
        const fields = bodyFields(item["body"] ?? {}, "each request's body must be a JSON object");
        const headers = item["headers"];
        const prefer =
          typeof headers === "object" && headers !== null
            ? Object.entries(headers).find(([name]) => name.toLowerCase() === "prefer")?.[1]
            : undefined;
        const { body, applied } = await executeQuery(
          context,
          {
            workspace: typeof item["workspace"] === "string" ? item["workspace"] : "",
            query: fields["query"],
            timespan: fields["timespan"],
            workspaces: fields["workspaces"],
          },
          typeof prefer === "string" ? prefer : undefined,
          signal,
        );
        return {
          id,
          status: 200,
          body,
          ...(applied === "" ? {} : { headers: { "preference-applied": applied } }),
        };
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        return { id, status: error.status, body: { error: error.info } };
      }
    }),
  );
  return { responses };
}

function bodyFields(body: unknown, complaint: string): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw badArgument({ code: "InvalidBody", message: complaint });
  }
  return body as Record<string, unknown>;
}

/** Aborts when the client goes away before its answer is written, so queued work is dropped. */
export function abandonSignal(reply: FastifyReply): AbortSignal {
  const abandoned = new AbortController();
  const onClose = (): void => {
    if (!reply.raw.writableFinished) abandoned.abort();
  };
  reply.raw.once("close", onClose);
  return abandoned.signal;
}

/**
 * Runs the query under the server's concurrency gate and its time limit. The engine enforces the limit
 * itself; the deadline here only makes sure the client hears back even if it does not, and the query keeps
 * its slot until it really ends, so a runaway query still counts against the concurrency limit.
 */
export async function runGoverned(
  context: QueryRouteContext,
  query: string,
  signal: AbortSignal,
  options: QueryOptions & { readonly timeoutMs: number },
): Promise<QueryResult> {
  let deadline: NodeJS.Timeout | undefined;
  let settled = false;
  let started!: () => void;
  const startedRunning = new Promise<void>((resolve) => (started = resolve));
  const graceMs = Math.min(5_000, Math.ceil(options.timeoutMs / 4));
  try {
    const running = context.gate.run(() => {
      started();
      return context.engine.run(query, options);
    }, signal);
    running.catch(() => {});
    const timedOut = startedRunning.then(
      () =>
        new Promise<never>((_, reject) => {
          if (settled) return;
          deadline = setTimeout(
            () =>
              reject(
                gatewayTimeout({
                  code: "QueryTimeout",
                  message: `the query did not finish within its time limit of ${options.timeoutMs / 1000} s`,
                }),
              ),
            options.timeoutMs + graceMs,
          );
        }),
    );
    timedOut.catch(() => {});
    return await Promise.race([running, timedOut]);
  } catch (error) {
    if (error instanceof QueryError) throw queryErrorToApiError(error, query);
    if (error instanceof QueueFullError) {
      throw throttled(
        retryAfterSeconds,
        `Too many queries are running or waiting; retry in ${retryAfterSeconds} s`,
      );
    }
    if (error instanceof GateAbortedError) {
      throw serviceUnavailable(
        context.closing.aborted ? "the server is shutting down; retry shortly" : error.message,
      );
    }
    throw error;
  } finally {
    settled = true;
    clearTimeout(deadline);
  }
}

export async function sendJson(
  request: FastifyRequest,
  reply: FastifyReply,
  body: unknown,
): Promise<FastifyReply> {
  const text = JSON.stringify(body);
  reply.type("application/json; charset=utf-8");
  const accepts = String(request.headers["accept-encoding"] ?? "");
  if (text.length > compressAbove && /\bgzip\b/i.test(accepts)) {
    reply.header("content-encoding", "gzip").header("vary", "Accept-Encoding");
    return reply.send(await gzipAsync(text));
  }
  return reply.send(text);
}

export function sameWorkspace(requested: string, workspaceId: string): boolean {
  const id = requested.trim().toLowerCase();
  return id === "default" || id === workspaceId.toLowerCase();
}

// One svcmap server is one workspace; a cross-workspace query naming another one cannot be answered
// correctly, so it is refused rather than silently answered from this workspace alone.
function checkAdditionalWorkspaces(workspaces: unknown, workspaceId: string): void {
  if (workspaces === undefined || workspaces === null || workspaces === "") return;
  const list = Array.isArray(workspaces) ? workspaces : String(workspaces).split(",");
  for (const entry of list) {
    if (typeof entry !== "string" || !sameWorkspace(entry, workspaceId)) {
      throw new ApiError(404, {
        code: "WorkspaceNotFoundError",
        message: `The workspace could not be found: '${String(entry)}' (this server holds one workspace, ${workspaceId})`,
      });
    }
  }
}
