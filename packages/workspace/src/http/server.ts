// The workspace's one HTTP server: the Query API, health, and whatever route plugins the caller adds (ingestion,
// the map), all behind the same authentication, error bodies and logging.

import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from "fastify";
import type { StoredFunctionSource } from "../kql/analyse/stored-functions.js";
import type { WorkspaceStore } from "../store/workspace-store.js";
import { QueryError } from "../kql/errors.js";
import {
  ApiError,
  badArgument,
  internalError,
  pathNotFound,
  serviceUnavailable,
  throttled,
} from "./api-error.js";
import type { ApiKeyStore } from "./api-keys.js";
import { Authenticator } from "./auth.js";
import { registerHealthRoute } from "./health-route.js";
import { isLoopbackHost } from "./loopback.js";
import { GateAbortedError, QueryGate, QueueFullError } from "./query-gate.js";
import {
  defaultQueryLimits,
  registerQueryRoutes,
  type QueryLimits,
  type QueryRunner,
} from "./query-routes.js";
import { registerKustoRestRoutes } from "./kusto-rest-routes.js";
import { registerMetadataRoute } from "./metadata-route.js";
import { decodeRequestBody } from "./request-decoding.js";
import { queryErrorToApiError } from "./response-body.js";

export const defaultHost = "127.0.0.1";
export const defaultPort = 7150;

export interface TlsFiles {
  /** PEM certificate chain. */
  readonly cert: string | Buffer;
  /** PEM private key. */
  readonly key: string | Buffer;
}

export interface ServerOptions {
  readonly store: WorkspaceStore;
  readonly engine: QueryRunner;
  readonly keys: ApiKeyStore;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly tls?: TlsFiles;
  readonly limits?: Partial<QueryLimits>;
  /** Queries running at once (default twice the cores) and waiting beyond that (default 64). */
  readonly concurrency?: { readonly running?: number; readonly queued?: number };
  /** Fastify's pino logger: false (the default) for none, true or pino options for logs. */
  readonly logger?: FastifyServerOptions["logger"];
  /** Largest request body after decompression, in bytes (default 16 MiB). */
  readonly bodyLimit?: number;
  /** More routes (ingestion, the map); declare `config: { permission }` on a route to require a key for it. */
  readonly plugins?: readonly FastifyPluginAsync[];
  readonly version?: string;
  /** The stored functions, listed to Kusto clients by `.show functions` and the database schema. */
  readonly functions?: StoredFunctionSource;
}

export interface WorkspaceServer {
  readonly app: FastifyInstance;
  /** Starts listening and resolves with the base URL, e.g. https://127.0.0.1:7150. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** Thrown before listening when the configuration would expose the workspace without protection. */
export class ServerStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ServerStartError";
  }
}

export const workspaceVersion: string = readPackageVersion();

export async function createServer(options: ServerOptions): Promise<WorkspaceServer> {
  const host = options.host ?? defaultHost;
  const port = options.port ?? defaultPort;
  const loopback = isLoopbackHost(host);
  if (!loopback && !(await options.keys.hasActiveKeys())) {
    throw new ServerStartError(
      `refusing to listen on ${host}: other machines can reach that address and this workspace has no API ` +
        `keys. Create one first (svcmap keys create --role reader), or listen on 127.0.0.1.`,
    );
  }

  const common = {
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 16 * 1024 * 1024,
    genReqId: () => randomUUID(),
    return503OnClosing: true,
  } satisfies FastifyServerOptions;
  // Fastify types an HTTPS instance apart from an HTTP one; the routes use neither server's specifics.
  const app = (options.tls === undefined
    ? fastify(common)
    : fastify({
        ...common,
        https: { cert: options.tls.cert, key: options.tls.key },
      })) as unknown as FastifyInstance;

  const authenticator = new Authenticator(options.keys, loopback);
  app.addHook("onRequest", authenticator.hook());
  app.addHook("preParsing", decodeRequestBody);
  app.setErrorHandler((error, request, reply) => sendError(toApiError(error, request), request, reply));
  app.setNotFoundHandler((request, reply) => sendError(pathNotFound(), request, reply));

  const closing = new AbortController();
  const cores = availableParallelism();
  const gate = new QueryGate(options.concurrency?.running ?? 2 * cores, options.concurrency?.queued ?? 64);
  const version = options.version ?? workspaceVersion;
  registerHealthRoute(app, options.store, version);
  const queryContext = {
    workspaceId: options.store.workspaceId,
    engine: options.engine,
    gate,
    limits: { ...defaultQueryLimits, ...options.limits },
    closing: closing.signal,
  };
  registerQueryRoutes(app, queryContext);
  registerMetadataRoute(app, options.store.workspaceId, options.functions);
  registerKustoRestRoutes(app, {
    ...queryContext,
    version,
    startedAt: new Date(),
    ...(options.functions === undefined ? {} : { functions: options.functions }),
  });
  app.decorate("queryGate", gate);
  for (const plugin of options.plugins ?? []) await app.register(plugin);

  return {
    app,
    async listen() {
      await app.listen({ host, port });
      const address = app.server.address();
      const boundPort = typeof address === "object" && address !== null ? address.port : port;
      const shownHost = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
      return `${options.tls === undefined ? "http" : "https"}://${shownHost}:${boundPort}`;
    },
    async close() {
      // Queries are read-only and clients retry a 503, so shutting down cancels them rather than
      // waiting up to their full time limit.
      closing.abort();
      await app.close();
    },
  };
}

function toApiError(error: unknown, request: FastifyRequest): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof QueryError) return queryErrorToApiError(error, "");
  if (error instanceof QueueFullError) return throttled(2, error.message);
  if (error instanceof GateAbortedError) return serviceUnavailable(error.message);
  const { statusCode, message } = error as Partial<FastifyError>;
  const status = typeof statusCode === "number" ? statusCode : 500;
  const text = typeof message === "string" ? message : String(error);
  if (status === 413) return new ApiError(413, { code: "PayloadTooLargeError", message: text });
  if (status === 415) return new ApiError(415, { code: "UnsupportedMediaTypeError", message: text });
  if (status >= 400 && status < 500) return badArgument({ code: "InvalidRequest", message: text });
  request.log.error({ err: error }, "request failed");
  return internalError();
}

function sendError(error: ApiError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { code, message, ...rest } = error.info;
  return reply
    .status(error.status)
    .headers(error.headers)
    .type("application/json; charset=utf-8")
    .send({ error: { code, message, correlationId: request.id, ...rest } });
}

function readPackageVersion(): string {
  try {
    const text = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
    const version: unknown = JSON.parse(text).version;
    return typeof version === "string" ? version : "unknown";
  } catch {
    return "unknown";
  }
}
