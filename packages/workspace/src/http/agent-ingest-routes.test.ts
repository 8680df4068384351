import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ConnectionEnrichment } from "../enrich/connection-enrichment.js";
import { GeoLocator, shippedGeoDatabase } from "../enrich/geo-locator.js";
import { ThreatFeedFile } from "../enrich/threat-feed-file.js";
import { KqlEngine } from "../kql/engine.js";
import { WorkspaceStore } from "../store/workspace-store.js";
import { agentIngestRoutes, type AgentIngestOptions } from "./agent-ingest-routes.js";
import { ApiKeyStore } from "./api-keys.js";
import { createServer, type WorkspaceServer } from "./server.js";

let dataDir: string;
let store: WorkspaceStore;
let engine: KqlEngine;
const servers: WorkspaceServer[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "svcmap-agent-ingest-"));
  store = await WorkspaceStore.open({ dataDir, memoryLimit: "256MB", threads: 1 });
  engine = new KqlEngine(store);
});
afterAll(() => {
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
});
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  await store.withConnection((c) => c.run("DELETE FROM svcmap_keys"));
});

async function start(options: Partial<AgentIngestOptions> = {}): Promise<{ url: string; keys: ApiKeyStore }> {
  const keys = await ApiKeyStore.open(store);
  const server = await createServer({
    store,
    engine,
    keys,
    port: 0,
    plugins: [agentIngestRoutes({ store, ...options })],
  });
  servers.push(server);
  return { url: await server.listen(), keys };
}

function put(
  url: string,
  table: string,
  batchId: string,
  rows: readonly object[],
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${url}/v1/agent/tables/${table}/batches/${batchId}`, {
    method: "PUT",
    headers: { "content-type": "application/x-ndjson", "content-encoding": "gzip", ...headers },
    body: gzipSync(rows.map((r) => JSON.stringify(r)).join("\n")),
  });
}

async function count(query: string): Promise<unknown> {
  const result = await engine.run(query);
  return result.tables[0]?.rows[0]?.[0];
}

const heartbeat = (computer: string): object => ({
  TimeGenerated: "2026-01-01T00:00:00Z",
  Computer: computer,
  Category: "Direct Agent",
});

describe("agent ingestion endpoint", () => {
  it("stores a gzip batch once, however often it is sent, also after the store is reopened", async () => {
    const { url } = await start();
    const rows = [heartbeat("once-a"), heartbeat("once-b")];
    const first = await put(url, "Heartbeat", "batch-1", rows);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ batchId: "batch-1", table: "Heartbeat", rows: 2, duplicate: false });
    const again = await put(url, "Heartbeat", "batch-1", rows);
    expect(await again.json()).toMatchObject({ rows: 0, duplicate: true });
    expect(await count(`Heartbeat | where Computer startswith "once-" | count`)).toBe(2);

    for (const server of servers.splice(0)) await server.close();
    store.close();
    store = await WorkspaceStore.open({ dataDir, memoryLimit: "256MB", threads: 1 });
    engine = new KqlEngine(store);
    const restarted = await start();
    expect(await (await put(restarted.url, "Heartbeat", "batch-1", rows)).json()).toMatchObject({
      duplicate: true,
    });
    expect(await count(`Heartbeat | where Computer startswith "once-" | count`)).toBe(2);
  });

  it("rejects a bad row as svcmap ingest does, naming the line, and stores nothing of the batch", async () => {
    const { url } = await start();
    const answer = await put(url, "VMConnection", "bad-1", [
      { Computer: "bad-row", DestinationPort: 80 },
      { Computer: "bad-row", DestinationPort: "http" },
    ]);
    expect(answer.status).toBe(400);
    const body = (await answer.json()) as { error: { innererror: { code: string; message: string } } };
    expect(body.error.innererror.code).toBe("InvalidRecord");
    expect(body.error.innererror.message).toMatch(/batch bad-1:2: column DestinationPort: expected int/);
    expect(await count(`VMConnection | where Computer == "bad-row" | count`)).toBe(0);
    // The id of a rejected batch is not remembered: the corrected batch may use it.
    const fixed = await put(url, "VMConnection", "bad-1", [{ Computer: "bad-row", DestinationPort: 80 }]);
    expect(await fixed.json()).toMatchObject({ rows: 1, duplicate: false });
    expect((await put(url, "NoSuchTable", "x-1", [])).status).toBe(400);
    expect((await put(url, "Heartbeat", "bad%20id", [])).status).toBe(400);
  });

  it("needs a key that may ingest once keys exist: agent yes, reader no", async () => {
    const { url, keys } = await start();
    const agent = await keys.create("agent");
    const reader = await keys.create("reader");
    expect((await put(url, "Heartbeat", "k-1", [heartbeat("keyed")])).status).toBe(401);
    const asReader = await put(url, "Heartbeat", "k-1", [heartbeat("keyed")], { "x-api-key": reader.key });
    expect(asReader.status).toBe(403);
    const asAgent = await put(url, "Heartbeat", "k-1", [heartbeat("keyed")], {
      authorization: `Bearer ${agent.key}`,
    });
    expect(asAgent.status).toBe(200);
  });

  it("enriches the agents' connections with geolocation and the threat feed as they arrive", async () => {
    const feed = join(dataDir, "feed.csv");
    writeFileSync(feed, "ip,threat_type,Description\n198.51.100.23,C2,known C2 server\n");
    const enrichment = new ConnectionEnrichment({
      geo: new GeoLocator(shippedGeoDatabase()),
      threats: new ThreatFeedFile(feed),
    });
    const { url } = await start({ enrichment });
    const connection = (remote: string): object => ({
      TimeGenerated: "2026-01-01T00:00:00Z",
      Computer: "enriched",
      Direction: "outbound",
      RemoteIp: remote,
      DestinationIp: remote,
    });
    const answer = await put(url, "VMConnection", "geo-1", [
      connection("8.8.8.8"),
      connection("198.51.100.23"),
    ]);
    expect(answer.status).toBe(200);
    const result = await engine.run(
      `VMConnection | where Computer == "enriched" | project RemoteIp, RemoteCountry, MaliciousIp, IndicatorThreatType | order by RemoteIp asc`,
    );
    expect(result.tables[0]?.rows).toEqual([
      ["198.51.100.23", "", "198.51.100.23", "C2"],
      ["8.8.8.8", "United States", "", ""],
    ]);
  });

  it("answers 429 with Retry-After while more batches wait than it takes", async () => {
    const { url } = await start({ maxPending: 1, retryAfterSeconds: 7 });
    const rows = Array.from({ length: 20_000 }, (_, i) => heartbeat(`load-${i}`));
    const answers = await Promise.all([1, 2, 3, 4].map((i) => put(url, "Heartbeat", `load-${i}`, rows)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses[0]).toBe(200);
    expect(statuses).toContain(429);
    const throttledAnswer = answers.find((a) => a.status === 429);
    expect(throttledAnswer?.headers.get("retry-after")).toBe("7");
  });
});
