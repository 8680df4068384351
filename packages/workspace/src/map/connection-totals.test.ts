// The hourly rollup must give exactly what VMConnection gives: the map's connection totals (rollup for whole
// hours, raw rows at the edges) are compared with the same sums over VMConnection alone, on ingested batches
// that include rows arriving late for an old hour and a re-sent batch.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestBatch } from "../ingest/ingest-batch.js";
import { jsonTextRowSource } from "../ingest/row-sources.js";
import { KqlEngine } from "../kql/engine.js";
import { WorkspaceStore } from "../store/workspace-store.js";
import { connectionTotalsLet, windowLets, type MapWindow } from "./map-query.js";

let dir: string;
let store: WorkspaceStore;
let engine: KqlEngine;

const t0 = Date.parse("2026-11-20T00:00:00Z");

function connections(count: number, offsetMs: number, stepMs: number, seed: number): string {
  const rows = [];
  for (let i = 0; i < count; i++) {
    rows.push({
      TimeGenerated: new Date(t0 + offsetMs + i * stepMs).toISOString(),
      Computer: `host${i % 3}`,
      Machine: `m-${i % 3}`,
      Process: `p-${(i + seed) % 4}`,
      Direction: i % 2 === 0 ? "outbound" : "inbound",
      SourceIp: "10.0.0.1",
      DestinationIp: "10.0.0.2",
      RemoteIp: `10.0.1.${i % 5}`,
      DestinationPort: 80 + (i % 2),
      Protocol: "tcp",
      LinksEstablished: (i * 7 + seed) % 11,
      LinksFailed: (i + seed) % 3,
      LinksLive: 1,
      LinksTerminated: 0,
      BytesSent: i * 101 + seed,
      BytesReceived: i * 13,
      Responses: i % 9,
      ResponseTimeSum: i * 3,
    });
  }
  return rows.map((r) => JSON.stringify(r)).join("\n");
}

async function ingest(text: string, batchId: string): Promise<boolean> {
  const result = await ingestBatch(store, "VMConnection", [jsonTextRowSource("test", text)], { batchId });
  return result.duplicate;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "svcmap-rollup-"));
  store = await WorkspaceStore.open({ dataDir: dir, memoryLimit: "256MB", threads: 1 });
  engine = new KqlEngine(store);
  // Six hours of rows every 97 s.
  expect(await ingest(connections(220, 0, 97_000, 1), "batch-1")).toBe(false);
  // Late rows for the first hours, stored after later hours were rolled up.
  expect(await ingest(connections(40, 60_000, 271_000, 2), "batch-late")).toBe(false);
  // The same batch sent again stores nothing.
  expect(await ingest(connections(40, 60_000, 271_000, 2), "batch-late")).toBe(true);
}, 60_000);

afterAll(() => {
  store?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

async function rows(kql: string): Promise<unknown[]> {
  const result = await engine.run(kql);
  const table = result.tables[0];
  if (table === undefined) throw new Error("no table");
  return table.rows;
}

const order = "| order by Machine asc, Direction asc, Process asc, RemoteIp asc, DestinationPort asc";

async function compare(window: MapWindow): Promise<number> {
  const viaRollup = await rows(
    windowLets(window) + connectionTotalsLet(window) + "connectionTotals\n" + order,
  );
  const raw = await rows(
    windowLets(window) +
      `VMConnection
| where TimeGenerated >= start and TimeGenerated < end
| summarize Links = sum(LinksEstablished), FailedLinks = sum(LinksFailed), BytesSent = sum(BytesSent), BytesReceived = sum(BytesReceived), Responses = sum(Responses), ResponseTimeSum = sum(ResponseTimeSum) by Machine, Direction, Process, RemoteIp, DestinationPort, Protocol
${order}`,
  );
  expect(viaRollup).toEqual(raw);
  return raw.length;
}

const at = (ms: number): Date => new Date(t0 + ms);
const hour = 3_600_000;

describe("connection totals over the hourly rollup", () => {
  it("equal VMConnection's sums for ranges aligned to hours", async () => {
    expect(await compare({ start: at(0), end: at(6 * hour) })).toBeGreaterThan(0);
    expect(await compare({ start: at(hour), end: at(3 * hour) })).toBeGreaterThan(0);
  });

  it("equal VMConnection's sums for ranges not aligned to hours", async () => {
    expect(await compare({ start: at(17 * 60_000), end: at(5 * hour + 41 * 60_000) })).toBeGreaterThan(0);
    expect(await compare({ start: at(hour + 1), end: at(2 * hour - 1) })).toBeGreaterThan(0);
    expect(await compare({ start: at(30 * 60_000), end: at(hour + 30 * 60_000) })).toBeGreaterThan(0);
  });

  it("is what materialized_view() returns, one rollup row group per batch and hour", async () => {
    const total = await rows(
      'materialized_view("SvcmapVMConnectionHourly") | summarize sum(Records), sum(LinksEstablished)',
    );
    const raw = await rows("VMConnection | summarize count(), sum(LinksEstablished)");
    expect(total).toEqual(raw);
    expect(raw[0]).toEqual([260, expect.anything()]);
  });
});
