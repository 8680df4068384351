// The file ingestion endpoint over real HTTP: streamed bodies in each format, and every way an upload can be
// refused without changing what is stored.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KqlEngine } from "../kql/engine.js";
import { WorkspaceStore } from "../store/workspace-store.js";
import { ApiKeyStore } from "./api-keys.js";
import { fileIngestRoutes } from "./file-ingest-routes.js";
import { createServer, type WorkspaceServer } from "./server.js";

let dir: string;
let store: WorkspaceStore;
let server: WorkspaceServer;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "svcmap-file-ingest-"));
  store = await WorkspaceStore.open({ dataDir: dir, memoryLimit: "256MB", threads: 1 });
  server = await createServer({
    store,
    engine: new KqlEngine(store),
    keys: await ApiKeyStore.open(store),
    port: 0,
    plugins: [fileIngestRoutes({ store, maxBytes: 64 * 1024 })],
  });
  url = await server.listen();
});

afterAll(async () => {
  await server.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const row = (port: number): string =>
  JSON.stringify({ TimeGenerated: "2026-05-01T10:00:00Z", Computer: "web-01", Machine: "m-1", Port: port });

async function upload(
  body: string | Buffer,
  type: string,
  extra: Record<string, string> = {},
  table = "VMBoundPort",
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}/v1/ingest/tables/${table}?source=ports.x`, {
    method: "POST",
    headers: { "content-type": type, ...extra },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function stored(): Promise<number> {
  return store.withConnection(async (c) => {
    const reader = await c.runAndReadAll(`SELECT count(*) FROM "VMBoundPort"`);
    return Number(reader.getRowsJS()[0]?.[0]);
  });
}

describe("POST /v1/ingest/tables/{table}", () => {
  it("stores NDJSON (gzip), a JSON array and CSV, and says how many rows", async () => {
    const ndjson = await upload(gzipSync(`${row(80)}\n${row(443)}\n`), "application/x-ndjson", {
      "content-encoding": "gzip",
    });
    expect(ndjson).toMatchObject({ status: 200, body: { table: "VMBoundPort", rows: 2, source: "ports.x" } });
    expect((await upload(`[${row(22)}]`, "application/json")).body).toMatchObject({ rows: 1 });
    const csv = await upload("TimeGenerated,Computer,Port\n2026-05-01T10:00:00Z,db-01,5432\n", "text/csv");
    expect(csv.body).toMatchObject({ rows: 1 });
    expect(await stored()).toBe(4);
  });

  it("refuses a bad row whole, naming the source, line and column", async () => {
    const bad = await upload(`${row(1)}\n{"Port": "one"}\n`, "application/x-ndjson");
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('ports.x:2: column Port: expected int, got \\"one\\"');
    expect(await stored()).toBe(4);
  });

  it("refuses an unknown table, an unknown format, an oversized and a corrupt upload, storing nothing", async () => {
    expect((await upload(row(1), "application/x-ndjson", {}, "Ports")).status).toBe(400);
    expect((await upload(row(1), "text/plain")).status).toBe(415);
    const big = Array.from({ length: 2000 }, (_, i) => row(i)).join("\n");
    const oversized = await upload(big, "application/x-ndjson");
    expect(oversized.status).toBe(400);
    expect(JSON.stringify(oversized.body)).toContain("larger than the server's limit");
    const corrupt = await upload(
      Buffer.concat([gzipSync(big).subarray(0, 200), Buffer.from("junk")]),
      "application/x-ndjson",
      {
        "content-encoding": "gzip",
      },
    );
    expect(corrupt.status).toBe(400);
    expect(await stored()).toBe(4);
  });
});
