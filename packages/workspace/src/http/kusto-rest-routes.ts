// The Kusto (Azure Data Explorer) REST API over this workspace: POST /v1/rest/query (v1 tables),
// /v2/rest/query (v2 frames), /v1/rest/mgmt (management commands) and GET /v1/rest/auth/metadata. Kusto
// clients — the Kusto SDKs, Kusto.Explorer, Grafana's Azure Data Explorer data source, Power BI — connect to
// the server's URL as a cluster, with the workspace as the database and an API key as the bearer token.
// Queries run through the same gate, limits and engine as the Log Analytics Query API.

import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { StoredFunctionSource } from "../kql/analyse/stored-functions.js";
import type { QueryResult } from "../kql/result.js";
import { ApiError, badArgument, type ErrorInfo } from "./api-error.js";
import { databaseNames, isManagementCommand, runManagementCommand } from "./kusto-management.js";
import { effectiveLimits, readRequestOptions } from "./kusto-request-options.js";
import {
  kustoCommandResponseV1,
  kustoErrorBody,
  kustoFramesV2,
  kustoResponseV1,
  responseContext,
  type ResponseContext,
} from "./kusto-response.js";
import { abandonSignal, runGoverned, sendJson, type QueryRouteContext } from "./query-routes.js";

export interface KustoRestContext extends QueryRouteContext {
  readonly functions?: StoredFunctionSource;
  readonly version: string;
  readonly startedAt: Date;
}

interface KustoRequest {
  readonly db: string;
  readonly csl: string;
  readonly properties: unknown;
}

/** The name `.show databases` gives the workspace's database beside its GUID. */
const prettyName = "svcmap";

export function registerKustoRestRoutes(app: FastifyInstance, context: KustoRestContext): void {
  // Clients ask this before they authenticate, to learn which identity provider to use. There is none:
  // keys are bearer tokens, so the answer names no Azure AD and the clients fall back to a token given them.
  app.get("/v1/rest/auth/metadata", async () => ({ AzureAD: null, dSTS: null }));

  app.post<{ Body: unknown }>("/v2/rest/query", { config: { permission: "query" } }, async (request, reply) =>
    respond(context, request, reply, "v2"),
  );
  app.post<{ Body: unknown }>("/v1/rest/query", { config: { permission: "query" } }, async (request, reply) =>
    respond(context, request, reply, "v1"),
  );
  app.post<{ Body: unknown }>("/v1/rest/mgmt", { config: { permission: "query" } }, async (request, reply) =>
    respond(context, request, reply, "mgmt"),
  );
}

async function respond(
  context: KustoRestContext,
  request: FastifyRequest<{ Body: unknown }>,
  reply: FastifyReply,
  form: "v1" | "v2" | "mgmt",
): Promise<FastifyReply> {
  const clientRequestId = request.headers["x-ms-client-request-id"];
  const answerContext = responseContext(typeof clientRequestId === "string" ? clientRequestId : undefined);
  reply.header("x-ms-client-request-id", answerContext.clientRequestId);
  reply.header("x-ms-activity-id", answerContext.activityId);
  try {
    const input = kustoRequest(request.body);
    checkDatabase(context, input.db);
    if (isManagementCommand(input.csl)) {
      const table = runManagementCommand(input.csl, {
        databaseName: context.workspaceId,
        prettyName,
        version: context.version,
        startedAt: context.startedAt,
        functions: context.functions?.current() ?? [],
      });
      const result: QueryResult = { tables: [table] };
      return sendJson(
        request,
        reply,
        form === "v2" ? kustoFramesV2(result, answerContext) : kustoCommandResponseV1(table),
      );
    }
    if (form === "mgmt") {
      throw badArgument({
        code: "NotAManagementCommand",
        message:
          "the management endpoint takes commands that start with a dot; send queries to /v2/rest/query",
      });
    }
    const result = await runQuery(context, input, abandonSignal(reply));
    return sendJson(
      request,
      reply,
      form === "v2" ? kustoFramesV2(result, answerContext) : kustoResponseV1(result, answerContext),
    );
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return sendKustoError(reply, error, answerContext);
  }
}

async function runQuery(
  context: KustoRestContext,
  input: KustoRequest,
  signal: AbortSignal,
): Promise<QueryResult> {
  const options = readRequestOptions(input.properties, input.csl);
  const limits = effectiveLimits(context.limits, options);
  const cancel = AbortSignal.any([signal, context.closing]);
  return runGoverned(context, input.csl, cancel, {
    ...limits,
    ...(options.now === undefined ? {} : { now: options.now }),
    parameters: options.parameters,
    signal: cancel,
  });
}

function kustoRequest(body: unknown): KustoRequest {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw badArgument({
      code: "InvalidBody",
      message: "the request body must be a JSON object: {db, csl, properties?}",
    });
  const fields = body as Record<string, unknown>;
  const csl = fields["csl"];
  if (typeof csl !== "string" || csl.trim() === "")
    throw badArgument({
      code: "QueryValidationError",
      message: "'csl' is required and must be a non-empty string",
    });
  const db = fields["db"];
  if (db !== undefined && db !== null && typeof db !== "string")
    throw badArgument({ code: "InvalidBody", message: "'db' must be the database's name" });
  return { db: typeof db === "string" ? db : "", csl, properties: fields["properties"] };
}

function checkDatabase(context: KustoRestContext, db: string): void {
  if (db.trim() === "") return;
  if (!databaseNames({ databaseName: context.workspaceId, prettyName }).includes(db.trim().toLowerCase())) {
    const info: ErrorInfo = {
      code: "EntityNotFound",
      message: `database '${db}' was not found: this server holds one database, ${context.workspaceId} ('${prettyName}')`,
    };
    throw new ApiError(404, info);
  }
}

function sendKustoError(reply: FastifyReply, error: ApiError, context: ResponseContext): FastifyReply {
  return reply
    .status(error.status)
    .headers(error.headers)
    .type("application/json; charset=utf-8")
    .send(kustoErrorBody(error, context));
}
