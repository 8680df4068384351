import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { FastifyPluginAsync } from "fastify";
import { tables } from "@svcmap/model";
import { WorkspaceStore } from "../store/workspace-store.js";
import { appendRecords } from "../store/table-appender.js";
import { KqlEngine } from "../kql/engine.js";
import { QueryError } from "../kql/errors.js";
import type { QueryOptions, QueryResult } from "../kql/result.js";
import { ApiKeyStore, type ApiKeyRole } from "./api-keys.js";
import { createServer, ServerStartError, type ServerOptions, type WorkspaceServer } from "./server.js";
import type { QueryRunner } from "./query-routes.js";

const onePrint: QueryResult = {
  tables: [{ name: "PrimaryResult", columns: [{ name: "x", type: "long" }], rows: [[1]] }],
};

/** An engine stand-in that records what it was asked and answers as told. */
class ScriptedEngine implements QueryRunner {
  readonly calls: { query: string; options: QueryOptions | undefined }[] = [];
  constructor(private answer: (query: string) => Promise<QueryResult> = async () => onePrint) {}
  respond(answer: (query: string) => Promise<QueryResult>): void {
    this.answer = answer;
  }
  async run(query: string, options?: QueryOptions): Promise<QueryResult> {
    this.calls.push({ query, options });
    return this.answer(query);
  }
}

let dataDir: string;
let store: WorkspaceStore;
const servers: WorkspaceServer[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "svcmap-http-"));
  store = await WorkspaceStore.open({ dataDir });
});
afterAll(() => {
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
});
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  await store.withConnection((c) => c.run("DELETE FROM svcmap_keys"));
});

async function start(
  overrides: Partial<ServerOptions> = {},
): Promise<{ url: string; engine: ScriptedEngine; keys: ApiKeyStore }> {
  const engine = new ScriptedEngine();
  const keys = await ApiKeyStore.open(store);
  const server = await createServer({ store, engine, keys, host: "127.0.0.1", port: 0, ...overrides });
  servers.push(server);
  return { url: await server.listen(), engine, keys };
}

interface Answer {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
}

async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, init);
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === "" ? undefined : JSON.parse(text),
  };
}

function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  return call(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

describe("query API routes", () => {
  it("answers POST on the workspace id, its upper-case spelling and 'default', passing the limits", async () => {
    const { url, engine } = await start();
    for (const id of [store.workspaceId, store.workspaceId.toUpperCase(), "default"]) {
      const answer = await post(`${url}/v1/workspaces/${id}/query`, { query: "print x=1", timespan: "PT1H" });
      expect(answer.status).toBe(200);
      expect(answer.headers.get("content-type")).toBe("application/json; charset=utf-8");
      expect(answer.body).toEqual({
        tables: [{ name: "PrimaryResult", columns: [{ name: "x", type: "long" }], rows: [[1]] }],
      });
    }
    expect(engine.calls[0]).toEqual({
      query: "print x=1",
      options: {
        timespan: "PT1H",
        timeoutMs: 60_000,
        maxRows: 500_000,
        maxBytes: 64 * 1024 * 1024,
        signal: expect.any(AbortSignal),
      },
    });
  });

  it("answers GET with the query and timespan in the URL; an empty timespan means none", async () => {
    const { url, engine } = await start();
    const q = new URLSearchParams({ query: "VMConnection | take 3", timespan: "P1D" });
    expect((await call(`${url}/v1/workspaces/default/query?${q}`)).status).toBe(200);
    expect(engine.calls[0]?.options?.timespan).toBe("P1D");
    await post(`${url}/v1/workspaces/default/query`, { query: "print 1", timespan: "" });
    expect(engine.calls[1]?.options).not.toHaveProperty("timespan");
  });

  it("answers 404 WorkspaceNotFoundError for another workspace and PathNotFoundError for other paths", async () => {
    const { url } = await start();
    const other = await post(`${url}/v1/workspaces/00000000-0000-0000-0000-000000000000/query`, {
      query: "print 1",
    });
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe("WorkspaceNotFoundError");
    const crossWorkspace = await post(`${url}/v1/workspaces/default/query`, {
      query: "print 1",
      workspaces: ["11111111-1111-1111-1111-111111111111"],
    });
    expect(crossWorkspace.status).toBe(404);
    const path = await call(`${url}/v1/nowhere`);
    expect(path.status).toBe(404);
    expect(path.body.error).toMatchObject({
      code: "PathNotFoundError",
      message: "The requested path does not exist",
    });
  });

  it("answers 400 BadArgumentError for a missing query or a body that is not an object", async () => {
    const { url } = await start();
    for (const body of [{}, { query: "  " }, [1, 2], { query: 5 }]) {
      const answer = await post(`${url}/v1/workspaces/default/query`, body);
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe("BadArgumentError");
      expect(answer.body.error.message).toBe("The request had some invalid properties");
    }
    const broken = await call(`${url}/v1/workspaces/default/query`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe("BadArgumentError");
  });
});

describe("query errors", () => {
  it("turns a syntax error into the Log Analytics error body, with line, 0-based pos and token", async () => {
    const { url, engine } = await start();
    const query = "VMConnection\n| wher x";
    engine.respond(async () => {
      throw new QueryError("SyntaxError", "syntax error", [
        { code: "KS007", message: "Expected: |", start: 15, length: 4, line: 2, column: 3 },
      ]);
    });
    const answer = await post(`${url}/v1/workspaces/default/query`, { query });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      error: {
        code: "BadArgumentError",
        message: "The request had some invalid properties",
        correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        innererror: {
          code: "SyntaxError",
          message: "A recognition error occurred in the query.",
          innererror: { code: "KS007", message: "Expected: |", line: 2, pos: 2, token: "wher" },
        },
      },
    });
  });

  it("maps semantic errors to 400, timeouts to 504 GatewayTimeout and cancellations to 503", async () => {
    const { url, engine } = await start();
    const cases: [QueryError, number, string, string][] = [
      [
        new QueryError("SemanticError", "Failed to resolve table 'Nope'"),
        400,
        "BadArgumentError",
        "SemanticError",
      ],
      [
        new QueryError("NotSupported", "not supported: evaluate basket"),
        400,
        "BadArgumentError",
        "NotSupported",
      ],
      [new QueryError("QueryTimeout", "ran past 60 s"), 504, "GatewayTimeout", "QueryTimeout"],
      [
        new QueryError("QueryCancelled", "server shutting down"),
        503,
        "ServiceUnavailableError",
        "QueryCancelled",
      ],
    ];
    for (const [error, status, code, inner] of cases) {
      engine.respond(async () => {
        throw error;
      });
      const answer = await post(`${url}/v1/workspaces/default/query`, { query: "Nope" });
      expect(answer.status).toBe(status);
      expect(answer.body.error.code).toBe(code);
      let innermost = answer.body.error;
      while (innermost.innererror) innermost = innermost.innererror;
      expect(innermost.message).toBe(error.message);
      if (status !== 503) expect(answer.body.error.innererror.code).toBe(inner);
    }
  });

  it("answers 504 itself when the engine overruns its time limit, and 500 without details for a crash", async () => {
    const { url, engine } = await start({ limits: { timeoutMs: 200 } });
    engine.respond(() => new Promise(() => {}));
    const started = Date.now();
    const late = await post(`${url}/v1/workspaces/default/query`, { query: "print 1" });
    expect(late.status).toBe(504);
    expect(late.body.error.innererror.code).toBe("QueryTimeout");
    expect(Date.now() - started).toBeLessThan(2_000);
    engine.respond(async () => {
      throw new TypeError("cannot read properties of undefined");
    });
    const crash = await post(`${url}/v1/workspaces/default/query`, { query: "print 1" });
    expect(crash.status).toBe(500);
    expect(crash.body.error.code).toBe("InternalServerError");
    expect(JSON.stringify(crash.body)).not.toContain("undefined");
  });

  it("passes the real engine's own message through to the client", async () => {
    const keys = await ApiKeyStore.open(store);
    const engine = new KqlEngine(store);
    const server = await createServer({ store, engine, keys, port: 0 });
    servers.push(server);
    const url = await server.listen();
    const query = "VMConnection | where NoSuchColumn == 1";
    const direct = await engine.run(query).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(direct).toBeInstanceOf(QueryError);
    const answer = await post(`${url}/v1/workspaces/default/query`, { query });
    expect(answer.status).toBe(400);
    let innermost = answer.body.error;
    while (innermost.innererror) innermost = innermost.innererror;
    const expected = (direct as QueryError).diagnostics[0]?.message ?? (direct as QueryError).message;
    expect(innermost.message).toBe(expected);
  });
});

describe("Prefer header, partial results and compression", () => {
  const charted: QueryResult = {
    ...onePrint,
    visualization: { visualization: "timechart", properties: { title: "Bytes", yColumns: ["BytesSent"] } },
  };

  it("adds render and statistics only when asked, and says which preferences it applied", async () => {
    const { url, engine } = await start();
    engine.respond(async () => charted);
    const plain = await post(`${url}/v1/workspaces/default/query`, { query: "print x=1" });
    expect(Object.keys(plain.body)).toEqual(["tables"]);
    const rich = await post(
      `${url}/v1/workspaces/default/query`,
      { query: "print x=1" },
      { prefer: "include-render=true, include-statistics=true" },
    );
    expect(rich.body.render).toEqual({ visualization: "timechart", title: "Bytes", yColumns: ["BytesSent"] });
    expect(rich.body.statistics.query.executionTime).toBeGreaterThanOrEqual(0);
    expect(rich.body.statistics.query.datasetStatistics).toEqual([{ tableRowCount: 1, tableSize: 5 }]);
    expect(rich.headers.get("preference-applied")).toBe("include-render=true,include-statistics=true");
  });

  it("takes the time limit from Prefer: wait=N, up to ten minutes", async () => {
    const { url, engine } = await start();
    await post(`${url}/v1/workspaces/default/query`, { query: "print 1" }, { prefer: "wait=5" });
    await post(`${url}/v1/workspaces/default/query`, { query: "print 1" }, { prefer: "wait=3600" });
    expect(engine.calls.map((c) => c.options?.timeoutMs)).toEqual([5_000, 600_000]);
  });

  it("reports a truncated result as tables plus a PartialError", async () => {
    const { url, engine } = await start();
    engine.respond(async () => ({ ...onePrint, truncated: { reason: "rows", limit: 500_000 } }));
    const answer = await post(`${url}/v1/workspaces/default/query`, { query: "VMConnection" });
    expect(answer.status).toBe(200);
    expect(answer.body.tables).toEqual(onePrint.tables);
    expect(answer.body.error).toEqual({
      code: "PartialError",
      message: "There were some errors when processing your query.",
      details: [
        {
          code: "EngineError",
          message: "Something went wrong processing your query on the server.",
          innererror: {
            code: "-2133196797",
            message:
              "Query result set has exceeded the internal record count limit 500000 (E_QUERY_RESULT_SET_TOO_LARGE).",
            severity: 2,
            severityName: "Error",
          },
        },
      ],
    });
  });

  it("accepts gzip request bodies and refuses corrupt ones and unknown encodings", async () => {
    const { url } = await start();
    const target = `${url}/v1/workspaces/default/query`;
    const zipped = await call(target, {
      method: "POST",
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
      body: gzipSync(JSON.stringify({ query: "print x=1" })),
    });
    expect(zipped.status).toBe(200);
    const corrupt = await call(target, {
      method: "POST",
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
      body: Buffer.from("certainly not gzip"),
    });
    expect(corrupt.status).toBe(400);
    expect(corrupt.body.error.code).toBe("BadArgumentError");
    const brotli = await call(target, {
      method: "POST",
      headers: { "content-type": "application/json", "content-encoding": "br" },
      body: "{}",
    });
    expect(brotli.status).toBe(415);
  });

  it("compresses a large answer for a client that accepts gzip", async () => {
    const { url, engine } = await start();
    const rows = Array.from({ length: 2_000 }, (_, i) => [`host-${i}`]);
    engine.respond(async () => ({
      tables: [{ name: "PrimaryResult", columns: [{ name: "Computer", type: "string" }], rows }],
    }));
    const { request } = await import("node:http");
    const raw = await new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
      const req = request(
        `${url}/v1/workspaces/default/query`,
        { method: "POST", headers: { "content-type": "application/json", "accept-encoding": "gzip" } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({ encoding: res.headers["content-encoding"], body: Buffer.concat(chunks) }),
          );
        },
      );
      req.on("error", reject);
      req.end(JSON.stringify({ query: "VMComputer" }));
    });
    expect(raw.encoding).toBe("gzip");
    expect(JSON.parse(gunzipSync(raw.body).toString()).tables[0].rows).toHaveLength(2_000);
  });
});

describe("governance", () => {
  it("cancels a query whose client goes away, and every query when the server closes", async () => {
    const { url, engine } = await start({ concurrency: { running: 1, queued: 4 } });
    const signals: AbortSignal[] = [];
    engine.respond(async () => {
      const signal = engine.calls[engine.calls.length - 1]?.options?.signal as AbortSignal;
      signals.push(signal);
      await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
      throw new QueryError("QueryCancelled", "cancelled");
    });
    const target = `${url}/v1/workspaces/default/query`;
    const client = new AbortController();
    const gone = fetch(target, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "print 1" }),
      signal: client.signal,
    }).catch(() => "aborted");
    await waitFor(() => signals.length === 1);
    client.abort();
    expect(await gone).toBe("aborted");
    await waitFor(() => signals[0]?.aborted === true);

    const running = post(target, { query: "print 2" });
    await waitFor(() => signals.length === 2);
    const queued = post(target, { query: "print 3" });
    await new Promise((r) => setTimeout(r, 50));
    await servers.pop()?.close();
    expect((await running).status).toBe(503);
    expect((await queued).status).toBe(503);
    expect(engine.calls).toHaveLength(2);
  });

  it("queues queries beyond the running limit and answers 429 with Retry-After when the queue is full", async () => {
    const { url, engine } = await start({ concurrency: { running: 1, queued: 1 } });
    const releases: (() => void)[] = [];
    engine.respond(
      () =>
        new Promise<QueryResult>((resolve) => {
          releases.push(() => resolve(onePrint));
        }),
    );
    const target = `${url}/v1/workspaces/default/query`;
    const first = post(target, { query: "print 1" });
    await waitFor(() => engine.calls.length === 1);
    const second = post(target, { query: "print 2" });
    await new Promise((r) => setTimeout(r, 100));
    const third = await post(target, { query: "print 3" });
    expect(third.status).toBe(429);
    expect(third.headers.get("retry-after")).toBe("2");
    expect(third.body.error.code).toBe("ThrottledError");
    expect(engine.calls).toHaveLength(1);
    releases[0]?.();
    await waitFor(() => engine.calls.length === 2);
    releases[1]?.();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
  });
});

describe("with the KQL engine", () => {
  async function startReal(overrides: Partial<ServerOptions> = {}): Promise<string> {
    const keys = await ApiKeyStore.open(store);
    const server = await createServer({ store, engine: new KqlEngine(store), keys, port: 0, ...overrides });
    servers.push(server);
    return server.listen();
  }

  it("answers print x=1 and applies the request's timespan to TimeGenerated", async () => {
    const url = await startReal();
    const target = `${url}/v1/workspaces/default/query`;
    expect((await post(target, { query: "print x=1" })).body).toEqual({
      tables: [{ name: "PrimaryResult", columns: [{ name: "x", type: "long" }], rows: [[1]] }],
    });
    const now = Date.now();
    await store.withConnection((c) =>
      appendRecords(c, tables.VMConnection, [
        { Computer: "recent", TimeGenerated: new Date(now - 30 * 60_000) },
        { Computer: "older", TimeGenerated: new Date(now - 3 * 3_600_000) },
      ]),
    );
    try {
      const query = "VMConnection | project Computer | order by Computer asc";
      expect((await post(target, { query })).body.tables[0].rows).toEqual([["older"], ["recent"]]);
      expect((await post(target, { query, timespan: "PT1H" })).body.tables[0].rows).toEqual([["recent"]]);
    } finally {
      await store.withConnection((c) => c.run(`DELETE FROM "VMConnection"`));
    }
  });

  it("hands the server's result and time limits to the engine", async () => {
    const url = await startReal({ limits: { maxRows: 5, timeoutMs: 200 } });
    const target = `${url}/v1/workspaces/default/query`;
    const cut = await post(target, { query: "range x from 1 to 10 step 1" });
    expect(cut.status).toBe(200);
    expect(cut.body.tables[0].rows).toHaveLength(5);
    expect(cut.body.error.details[0].innererror.message).toContain("record count limit 5 ");
    const slow = await post(target, { query: "range x from 1 to 100000000000 step 1 | summarize count()" });
    expect(slow.status).toBe(504);
    expect(slow.body.error.innererror.code).toBe("QueryTimeout");
  });

  it("returns render from the query's render operator when asked", async () => {
    const url = await startReal();
    const answer = await post(
      `${url}/v1/workspaces/default/query`,
      { query: "range x from 1 to 3 step 1 | render timechart with (title='Links')" },
      { prefer: "include-render=true" },
    );
    expect(answer.body.render).toMatchObject({ visualization: "timechart", title: "Links" });
  });
});

describe("$batch", () => {
  it("refuses a batch without requests or with too many", async () => {
    const { url } = await start();
    for (const requests of [[], Array.from({ length: 33 }, () => ({ body: { query: "print 1" } })), "x"]) {
      const answer = await post(`${url}/v1/$batch`, { requests });
      expect(answer.status).toBe(400);
    }
    const mixed = await post(`${url}/v1/$batch`, {
      requests: [
        { id: "a", workspace: "default", path: "/query", method: "POST", body: { query: "print 1" } },
        { id: "b", workspace: "elsewhere", path: "/query", method: "POST", body: { query: "print 1" } },
      ],
    });
    expect(mixed.status).toBe(200);
    expect(mixed.body.responses.map((r: { id: string; status: number }) => [r.id, r.status])).toEqual([
      ["a", 200],
      ["b", 404],
    ]);
  });
});

describe("health", () => {
  it("reports readiness with the workspace id and version, without a key", async () => {
    const { url, keys } = await start();
    await keys.create("reader");
    const answer = await call(`${url}/healthz`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: "ok", workspaceId: store.workspaceId, version: "0.1.0" });
  });
});

describe("authentication and roles", () => {
  const ingestRoute: FastifyPluginAsync = async (app) => {
    app.post("/test/ingest", { config: { permission: "ingest" } }, async () => ({ accepted: true }));
  };

  it("lets local callers in without a key while no key exists", async () => {
    const { url } = await start();
    expect((await post(`${url}/v1/workspaces/default/query`, { query: "print 1" })).status).toBe(200);
    expect((await post(`${url}/test/ingest`, {})).status).toBe(404);
  });

  it("applies the role matrix once keys exist, on loopback too", async () => {
    const { url, keys } = await start({ plugins: [ingestRoute] });
    const issued = new Map<ApiKeyRole, string>();
    for (const role of ["reader", "contributor", "agent"] as const)
      issued.set(role, (await keys.create(role)).key);
    const expected: Record<ApiKeyRole, { query: number; ingest: number }> = {
      reader: { query: 200, ingest: 403 },
      contributor: { query: 200, ingest: 200 },
      agent: { query: 403, ingest: 200 },
    };
    for (const [role, key] of issued) {
      const bearer = { authorization: `Bearer ${key}` };
      const query = await post(`${url}/v1/workspaces/default/query`, { query: "print 1" }, bearer);
      const ingest = await post(`${url}/test/ingest`, {}, { "x-api-key": key });
      expect({ role, query: query.status, ingest: ingest.status }).toEqual({ role, ...expected[role] });
      if (query.status === 403) expect(query.body.error.code).toBe("InsufficientAccessError");
    }

    const none = await post(`${url}/v1/workspaces/default/query`, { query: "print 1" });
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    expect(none.body.error.code).toBe("AuthenticationFailed");
    const bad = await post(
      `${url}/v1/workspaces/default/query`,
      { query: "print 1" },
      { authorization: "Bearer nope" },
    );
    expect(bad.status).toBe(403);
    expect(bad.body.error.code).toBe("InvalidAuthenticationToken");
    const basic = await post(`${url}/test/ingest`, {}, { authorization: "Basic dXNlcjpwYXNz" });
    expect(basic.status).toBe(401);
  });

  it("refuses a revoked key, and answers 401 before it reveals whether a workspace exists", async () => {
    const { url, keys } = await start();
    const reader = await keys.create("reader", "grafana");
    await keys.create("reader", "other");
    const target = `${url}/v1/workspaces/default/query`;
    expect((await post(target, { query: "print 1" }, { authorization: `Bearer ${reader.key}` })).status).toBe(
      200,
    );
    await keys.revoke(reader.id);
    expect((await post(target, { query: "print 1" }, { authorization: `Bearer ${reader.key}` })).status).toBe(
      403,
    );
    expect((await post(`${url}/v1/workspaces/unknown/query`, { query: "print 1" })).status).toBe(401);
  });

  it("refuses to start off loopback without a key, before listening, and starts once one exists", async () => {
    const engine = new ScriptedEngine();
    const keys = await ApiKeyStore.open(store);
    for (const host of ["0.0.0.0", "::", "192.0.2.10", "svcmap.example"]) {
      await expect(createServer({ store, engine, keys, host, port: 0 })).rejects.toThrow(ServerStartError);
    }
    await expect(createServer({ store, engine, keys, host: "0.0.0.0", port: 0 })).rejects.toThrow(
      /no API keys.*svcmap keys create/,
    );
    await keys.create("reader");
    const server = await createServer({ store, engine, keys, host: "0.0.0.0", port: 0 });
    expect(server.app.server.listening).toBe(false);
    await server.close();
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}
