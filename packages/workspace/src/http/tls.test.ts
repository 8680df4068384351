// The server over TLS, driven by Microsoft's own Log Analytics clients: what they can parse is the contract.

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  LogsQueryClient as LegacyLogsQueryClient,
  LogsQueryResultStatus as LegacyStatus,
} from "@azure/monitor-query";
import { LogsQueryClient, LogsQueryResultStatus } from "@azure/monitor-query-logs";
import { isAggregateLogsUploadError, LogsIngestionClient } from "@azure/monitor-ingestion";
import { WorkspaceStore } from "../store/workspace-store.js";
import { QueryError } from "../kql/errors.js";
import type { QueryResult } from "../kql/result.js";
import { ApiKeyStore } from "./api-keys.js";
import { logsIngestionRoutes } from "./logs-ingestion-routes.js";
import { createServer, type WorkspaceServer } from "./server.js";
import type { QueryRunner } from "./query-routes.js";

const connections: QueryResult = {
  tables: [
    {
      name: "PrimaryResult",
      columns: [
        { name: "Computer", type: "string" },
        { name: "TimeGenerated", type: "datetime" },
        { name: "BytesSent", type: "long" },
        { name: "Tags", type: "dynamic" },
      ],
      rows: [["web-1", "2026-05-01T10:00:00Z", 1200, '{"tier":"web"}']],
    },
  ],
  visualization: { visualization: "timechart", properties: { title: "Traffic" } },
};

const engine: QueryRunner = {
  async run(query) {
    if (query.startsWith("bad")) {
      throw new QueryError("SyntaxError", "syntax error", [
        { code: "KS007", message: "Unexpected: bad", start: 0, length: 3, line: 1, column: 1 },
      ]);
    }
    if (query.startsWith("big")) return { ...connections, truncated: { reason: "bytes", limit: 67_108_864 } };
    return connections;
  },
};

let dir: string;
let store: WorkspaceStore;
let server: WorkspaceServer;
let url: string;
let ca: string;
let readerKey: string;
let agentKey: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "svcmap-tls-"));
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
    ],
    { stdio: "ignore" },
  );
  ca = readFileSync(join(dir, "cert.pem"), "utf8");
  store = await WorkspaceStore.open({ dataDir: join(dir, "data") });
  const keys = await ApiKeyStore.open(store);
  readerKey = (await keys.create("reader", "sdk")).key;
  agentKey = (await keys.create("agent", "collector")).key;
  server = await createServer({
    store,
    engine,
    keys,
    port: 0,
    tls: { cert: ca, key: readFileSync(join(dir, "key.pem")) },
    plugins: [logsIngestionRoutes({ store })],
  });
  url = await server.listen();
});

afterAll(async () => {
  await server.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A TokenCredential that hands out an svcmap API key as the bearer token. */
function keyCredential(key: string): { getToken(): Promise<{ token: string; expiresOnTimestamp: number }> } {
  return { getToken: async () => ({ token: key, expiresOnTimestamp: Date.now() + 3_600_000 }) };
}

/** Trusts the test's own certificate; no retries, so a refusal surfaces at once. */
function clientOptions(): { tlsOptions: { ca: string }; retryOptions: { maxRetries: number } } {
  return { tlsOptions: { ca }, retryOptions: { maxRetries: 0 } };
}

describe("TLS", () => {
  it("serves HTTPS with the given certificate", async () => {
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const status = await new Promise<number | undefined>((resolve, reject) => {
      request(`${url}/healthz`, { ca }, (res) => {
        res.resume();
        resolve(res.statusCode);
      })
        .on("error", reject)
        .end();
    });
    expect(status).toBe(200);
  });
});

describe("@azure/monitor-query-logs LogsQueryClient", () => {
  const client = (key = readerKey): LogsQueryClient =>
    new LogsQueryClient(keyCredential(key), { endpoint: `${url}/v1`, ...clientOptions() });

  it("reads a result, with render and statistics when asked", async () => {
    const result = await client().queryWorkspace(
      store.workspaceId,
      "VMConnection | take 3",
      { duration: "PT1H" },
      {
        includeVisualization: true,
        includeQueryStatistics: true,
      },
    );
    expect(result.status).toBe(LogsQueryResultStatus.Success);
    if (result.status !== LogsQueryResultStatus.Success) return;
    const table = result.tables[0];
    expect(table?.columnDescriptors.map((c) => c.name)).toEqual([
      "Computer",
      "TimeGenerated",
      "BytesSent",
      "Tags",
    ]);
    expect(table?.rows[0]).toEqual(["web-1", new Date("2026-05-01T10:00:00Z"), 1200, { tier: "web" }]);
    expect(result.visualization).toMatchObject({ visualization: "timechart", title: "Traffic" });
    expect(result.statistics).toHaveProperty("query.executionTime");
  });

  it("reads a truncated result as a partial failure", async () => {
    const result = await client().queryWorkspace("default", "big", { duration: "P1D" });
    expect(result.status).toBe(LogsQueryResultStatus.PartialFailure);
    if (result.status !== LogsQueryResultStatus.PartialFailure) return;
    expect(result.partialTables[0]?.rows).toHaveLength(1);
    expect(result.partialError.code).toBe("PartialError");
  });

  it("raises a query error with the status, code and nested details", async () => {
    const failure = await client()
      .queryWorkspace("default", "bad query", { duration: "P1D" })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toMatchObject({ statusCode: 400, code: "BadArgumentError" });
    const details = (failure as { details: { error: { innererror: { innererror: { message: string } } } } })
      .details;
    expect(details.error.innererror.innererror.message).toBe("Unexpected: bad");
  });

  it("runs a batch, each query answering on its own", async () => {
    const results = await client().queryBatch([
      { workspaceId: store.workspaceId, query: "VMConnection | take 3", timespan: { duration: "PT1H" } },
      { workspaceId: "default", query: "bad query", timespan: { duration: "PT1H" } },
    ]);
    expect(results.map((r) => r.status)).toEqual([
      LogsQueryResultStatus.Success,
      LogsQueryResultStatus.PartialFailure,
    ]);
    const failed = results[1];
    if (failed?.status === LogsQueryResultStatus.PartialFailure) {
      expect(failed.partialError.code).toBe("BadArgumentError");
    }
  });

  it("raises 403 for a key whose role cannot query", async () => {
    const failure = await client(agentKey)
      .queryWorkspace("default", "print 1", { duration: "P1D" })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toMatchObject({ statusCode: 403, code: "InsufficientAccessError" });
  });
});

describe("@azure/monitor-query LogsQueryClient (the earlier package)", () => {
  const client = (key = readerKey): LegacyLogsQueryClient =>
    new LegacyLogsQueryClient(keyCredential(key), { endpoint: url, ...clientOptions() });

  it("reads a result and a partial result", async () => {
    const ok = await client().queryWorkspace(store.workspaceId, "VMConnection | take 3", {
      duration: "PT1H",
    });
    expect(ok.status).toBe(LegacyStatus.Success);
    if (ok.status === LegacyStatus.Success) expect(ok.tables[0]?.rows[0]?.[0]).toBe("web-1");
    const partial = await client().queryWorkspace("default", "big", { duration: "PT1H" });
    expect(partial.status).toBe(LegacyStatus.PartialFailure);
  });

  it("runs a batch", async () => {
    const results = await client().queryBatch([
      { workspaceId: store.workspaceId, query: "VMConnection | take 3", timespan: { duration: "PT1H" } },
      { workspaceId: "default", query: "bad query", timespan: { duration: "PT1H" } },
    ]);
    expect(results.map((r) => r.status)).toEqual([LegacyStatus.Success, LegacyStatus.Failure]);
  });

  it("raises a query error and an invalid key as errors carrying the service's code", async () => {
    const bad = await client()
      .queryWorkspace("default", "bad query", { duration: "PT1H" })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(bad).toMatchObject({ statusCode: 400, code: "BadArgumentError" });
    const denied = await client("svcmap_wrong")
      .queryWorkspace("default", "print 1", { duration: "PT1H" })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(denied).toMatchObject({ statusCode: 403, code: "InvalidAuthenticationToken" });
  });
});

describe("@azure/monitor-ingestion LogsIngestionClient", () => {
  const client = (key = agentKey): LogsIngestionClient =>
    new LogsIngestionClient(url, keyCredential(key), clientOptions());
  const port = (n: number): Record<string, unknown> => ({
    TimeGenerated: "2026-05-01T10:00:00Z",
    Computer: "web-1",
    Machine: "m-6f1c1a52-1111-4222-8333-944455556666",
    Ip: "10.0.0.1",
    Port: 8000 + n,
    Protocol: "tcp",
  });

  async function storedPorts(): Promise<number[]> {
    const connection = await store.connect();
    try {
      const reader = await connection.runAndReadAll(`SELECT "Port" FROM "VMBoundPort" ORDER BY "Port"`);
      return reader.getRows().map((r) => Number(r[0]));
    } finally {
      connection.closeSync();
    }
  }

  it("uploads rows through a stream named after a table, gzip-compressed", async () => {
    const before = (await storedPorts()).length;
    await client().upload("dcr-any", "Custom-VMBoundPort", [port(1), port(2), port(3)]);
    await client().upload("dcr-any", "VMBoundPort", [port(4)]);
    expect(await storedPorts()).toHaveLength(before + 4);
    expect(await storedPorts()).toEqual(expect.arrayContaining([8001, 8002, 8003, 8004]));
  });

  it("refuses an upload with a bad row whole, naming the row and column, and keeps what was stored", async () => {
    const before = await storedPorts();
    const failure = await client()
      .upload("dcr-any", "Custom-VMBoundPort", [port(5), { ...port(6), Port: "not a port" }])
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(isAggregateLogsUploadError(failure)).toBe(true);
    const cause = (failure as { errors: { cause: { statusCode?: number; message: string } }[] }).errors[0]
      ?.cause;
    expect(cause?.statusCode).toBe(400);
    expect(cause?.message).toMatch(/Port/);
    expect(await storedPorts()).toEqual(before);
  });

  it("refuses an unknown stream and a key that may not ingest", async () => {
    const unknown = await client()
      .upload("dcr-any", "Custom-Nope_CL", [port(7)])
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect((unknown as { errors: { cause: { message: string } }[] }).errors[0]?.cause.message).toMatch(
      /Nope_CL/,
    );
    const denied = await client(readerKey)
      .upload("dcr-any", "Custom-VMBoundPort", [port(8)])
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect((denied as { errors: { cause: { statusCode?: number } }[] }).errors[0]?.cause.statusCode).toBe(
      403,
    );
  });
});
