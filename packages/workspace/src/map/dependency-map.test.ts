// How the dependency map names processes that share a name on one machine, on rows ingested as an agent
// would send them.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestBatch } from "../ingest/ingest-batch.js";
import { jsonTextRowSource } from "../ingest/row-sources.js";
import { KqlEngine } from "../kql/engine.js";
import { WorkspaceStore } from "../store/workspace-store.js";
import { dependencyMap } from "./dependency-map.js";
import { MapQuerySet } from "./map-query.js";

const machine = "m-11111111-2222-4333-8444-555555555555";
const at = "2026-05-01T10:00:00Z";
const window = { start: new Date("2026-05-01T09:30:00Z"), end: new Date("2026-05-01T10:30:00Z") };

let dir: string;
let store: WorkspaceStore;

async function ingest(table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
  await ingestBatch(store, table, [jsonTextRowSource(table, rows.map((r) => JSON.stringify(r)).join("\n"))]);
}

function process(
  id: string,
  name: string,
  commandLine: string,
  pid: number,
  group = "",
): Record<string, unknown> {
  return {
    TimeGenerated: at,
    Computer: "app-1",
    Machine: machine,
    Process: id,
    ExecutableName: name,
    DisplayName: name,
    CommandLine: commandLine,
    FirstPid: pid,
    Group: group,
  };
}

function connection(id: string, direction: string, port: number, remoteIp: string): Record<string, unknown> {
  return {
    TimeGenerated: at,
    Computer: "app-1",
    Machine: machine,
    Process: id,
    Direction: direction,
    SourceIp: direction === "inbound" ? remoteIp : "10.0.0.5",
    DestinationIp: direction === "inbound" ? "10.0.0.5" : remoteIp,
    RemoteIp: remoteIp,
    DestinationPort: port,
    Protocol: "tcp",
    LinksEstablished: 1,
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "svcmap-depmap-"));
  store = await WorkspaceStore.open({ dataDir: dir, memoryLimit: "256MB", threads: 1 });
  await ingest("VMComputer", [
    { TimeGenerated: at, Computer: "app-1", Machine: machine, Ipv4Addresses: '["10.0.0.5"]' },
  ]);
  await ingest("VMProcess", [
    // Two Java servers: told apart by the ports they serve.
    process("p-0000000000000001", "java", "/usr/bin/java -Xmx1g -jar /opt/app/orders.jar", 101),
    process("p-0000000000000002", "java", "/usr/bin/java -Xmx1g -jar /opt/app/billing.jar", 102),
    // Two Python workers that serve nothing: told apart by their scripts.
    process("p-0000000000000003", "python3", "python3 /srv/jobs/export.py --daily", 201),
    process("p-0000000000000004", "python3", "python3 /srv/jobs/cleanup.py --daily", 202),
    // A lone process keeps its plain name.
    process("p-0000000000000005", "nginx", "nginx: master process", 301),
  ]);
  await ingest("VMConnection", [
    connection("p-0000000000000001", "inbound", 8080, "192.0.2.10"),
    connection("p-0000000000000002", "inbound", 9090, "192.0.2.10"),
    connection("p-0000000000000003", "outbound", 443, "198.51.100.7"),
    connection("p-0000000000000004", "outbound", 443, "198.51.100.8"),
    connection("p-0000000000000005", "inbound", 80, "192.0.2.11"),
  ]);
});

afterAll(() => {
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("processes that share a name", () => {
  it("are told apart by the ports they serve, or else by their command line, and their clients too", async () => {
    const map = await dependencyMap(new MapQuerySet(new KqlEngine(store)), window, [machine]);
    const label = (process: string): string | undefined =>
      map.nodes.find((n) => n.kind === "process" && n.process === process)?.label;
    expect(label("p-0000000000000001")).toBe("java (:8080)");
    expect(label("p-0000000000000002")).toBe("java (:9090)");
    expect(label("p-0000000000000003")).toBe("python3 (export.py)");
    expect(label("p-0000000000000004")).toBe("python3 (cleanup.py)");
    expect(label("p-0000000000000005")).toBe("nginx");
    const clients = map.nodes.filter((n) => n.kind === "clientGroup").map((n) => n.label);
    expect(clients).toEqual(expect.arrayContaining(["Clients of java (:8080)", "Clients of java (:9090)"]));
  });
});
