// The map API against a simulated estate, each answer checked against one worked out by hand-written SQL
// over the same store (not through the KQL engine), over real HTTP.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import type {
  DependencyMapResponse,
  EstateResponse,
  MachineGroupInfo,
  MachineListResponse,
  MachineSummaryResponse,
  ProcessSummaryResponse,
} from "@svcmap/model";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ApiKeyStore } from "../http/api-keys.js";
import { createServer, type WorkspaceServer } from "../http/server.js";
import { KqlEngine } from "../kql/engine.js";
import { simulateIntoStore } from "../simulate/index.js";
import { quoteString } from "../store/quote.js";
import { WorkspaceStore } from "../store/workspace-store.js";
import { estateMap } from "./estate.js";
import { MachineGroupStore } from "./machine-groups.js";
import { MapQuerySet } from "./map-query.js";
import { mapApiPlugin } from "./map-routes.js";

const end = new Date("2026-11-22T07:00:00Z");
const estate = { machines: 20, hours: 3, seed: 1, end } as const;
const lastHour = "2026-11-22T06:00:00Z/2026-11-22T07:00:00Z";
const start = "2026-11-22 06:00:00";
const stop = "2026-11-22 07:00:00";
/** acme-demo, the seed documents' web server: nginx in front of admdemo-appsvr, with a failing upstream. */
const acmeDemo = "m-89e06f03-05a7-4d9c-9d26-2900ca769299";

let dir: string;
let store: WorkspaceStore;
let sql: DuckDBConnection;
let server: WorkspaceServer;
let url: string;

async function startServer(): Promise<void> {
  const engine = new KqlEngine(store);
  const keys = await ApiKeyStore.open(store);
  const groups = await MachineGroupStore.open(store);
  server = await createServer({
    store,
    engine,
    keys,
    port: 0,
    plugins: [mapApiPlugin({ engine, groups, now: () => end })],
  });
  url = await server.listen();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "svcmap-map-"));
  store = await WorkspaceStore.open({ dataDir: dir, memoryLimit: "512MB", threads: 1 });
  await simulateIntoStore(store, estate);
  sql = await store.connect();
  await startServer();
}, 120_000);

afterAll(async () => {
  await server?.close();
  sql?.closeSync();
  store?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

async function get<T>(path: string): Promise<T> {
  const response = await fetch(`${url}${path}`);
  const body = (await response.json()) as T;
  if (response.status !== 200) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

async function send(method: string, path: string, body?: unknown, key?: string): Promise<Response> {
  return fetch(`${url}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function rows(text: string): Promise<Record<string, unknown>[]> {
  const reader = await sql.runAndReadAll(text);
  return reader.getRowObjectsJS() as Record<string, unknown>[];
}

const window = `"TimeGenerated" >= TIMESTAMP '${start}' AND "TimeGenerated" < TIMESTAMP '${stop}'`;
/** Each machine's addresses from its latest inventory row since an hour before the range. */
const addressesSql = `
  WITH latest AS (
    SELECT "Machine", arg_max("Ipv4Addresses", "TimeGenerated") AS ips FROM "VMComputer"
    WHERE "TimeGenerated" >= TIMESTAMP '${start}' - INTERVAL 1 HOUR AND "TimeGenerated" < TIMESTAMP '${stop}'
    GROUP BY "Machine")
  SELECT ip, min("Machine") AS machine FROM (
    SELECT "Machine", unnest(from_json(ips, '["VARCHAR"]')) AS ip FROM latest) GROUP BY ip`;

describe("the map API", () => {
  it("lists every machine with inventory in the range, with its counts", async () => {
    const answer = await get<MachineListResponse>(`/api/map/machines?timespan=${lastHour}`);
    const expected = await rows(`
      WITH machines AS (
        SELECT DISTINCT "Machine" FROM "VMComputer"
        WHERE "TimeGenerated" >= TIMESTAMP '${start}' - INTERVAL 1 HOUR AND "TimeGenerated" < TIMESTAMP '${stop}'),
      conns AS (
        SELECT "Machine", count(*) AS connections, sum(failed) AS failed,
          count(DISTINCT "Process") AS processes FROM (
          SELECT "Machine", "Process", sum("LinksFailed") AS failed FROM "VMConnection" WHERE ${window}
          GROUP BY "Machine", "Direction", "Process", "RemoteIp", "DestinationPort", "Protocol")
        GROUP BY "Machine")
      SELECT m."Machine" AS machine, coalesce(c.connections, 0) AS connections, coalesce(c.failed, 0) AS failed,
        coalesce(c.processes, 0) AS processes
      FROM machines m LEFT JOIN conns c USING ("Machine") ORDER BY 1`);
    expect(answer.machines.length).toBe(estate.machines);
    const got = [...answer.machines]
      .sort((a, b) => a.machine.localeCompare(b.machine))
      .map((m) => ({
        machine: m.machine,
        processes: m.processes,
        connections: m.connections,
        failed: m.failedLinks,
      }));
    expect(got).toEqual(
      expected.map((r) => ({
        machine: r["machine"],
        processes: Number(r["processes"]),
        connections: Number(r["connections"]),
        failed: Number(r["failed"]),
      })),
    );
    const acme = answer.machines.find((m) => m.machine === acmeDemo);
    expect(acme?.computer).toBe("acme-demo");
    expect(acme?.roles).toContain("webserver");
    expect(answer.queries["machines"]).toContain("VMComputer");
  });

  it("counts each machine's processes as its map draws them", async () => {
    const list = await get<MachineListResponse>(`/api/map/machines?timespan=${lastHour}`);
    const busiest = [...list.machines].sort((a, b) => b.connections - a.connections).slice(0, 4);
    const checked = [...busiest, list.machines.find((m) => m.machine === acmeDemo)];
    for (const item of checked) {
      if (item === undefined) throw new Error("acme-demo is not listed");
      const map = await get<DependencyMapResponse>(
        `/api/map/machines/${item.machine}/map?timespan=${lastHour}`,
      );
      const drawn = map.nodes.filter((n) => n.kind === "process" && n.machine === item.machine);
      expect(item.processes, item.computer).toBe(drawn.length);
    }
    expect(checked.some((m) => (m?.processes ?? 0) > 0)).toBe(true);
  });

  it("searches by name or address, and a hostile search is only text", async () => {
    const byName = await get<MachineListResponse>(`/api/map/machines?timespan=${lastHour}&search=acme-dem`);
    expect(byName.machines.map((m) => m.machine)).toEqual([acmeDemo]);
    const byIp = await get<MachineListResponse>(`/api/map/machines?timespan=${lastHour}&search=10.229.10.4`);
    expect(byIp.machines.map((m) => m.machine)).toContain(acmeDemo);
    const hostile = encodeURIComponent('" or 1 == 1 or Computer contains "');
    const none = await get<MachineListResponse>(`/api/map/machines?timespan=${lastHour}&search=${hostile}`);
    expect(none.machines).toEqual([]);
  });

  it("draws exactly a machine's monitored peers, client groups and server port groups", async () => {
    const map = await get<DependencyMapResponse>(`/api/map/machines/${acmeDemo}/map?timespan=${lastHour}`);
    const conns = await rows(`
      WITH addr AS (${addressesSql})
      SELECT c."Direction" AS direction, c."Process" AS process, c."RemoteIp" AS ip, c."DestinationPort" AS port,
             c."Protocol" AS protocol, a.machine AS remote
      FROM "VMConnection" c LEFT JOIN addr a ON a.ip = c."RemoteIp"
      WHERE c."Machine" = ${quoteString(acmeDemo)} AND ${window.replaceAll('"TimeGenerated"', 'c."TimeGenerated"')}
        AND NOT starts_with(c."RemoteIp", '127.')
      GROUP BY ALL`);
    const remote = conns.filter((c) => c["remote"] !== null && c["remote"] !== acmeDemo);
    const expectedPeers = new Set(remote.map((c) => `machine:${String(c["remote"])}`));
    const drawnPeers = map.nodes.filter((n) => n.kind === "machine" && !n.focus).map((n) => n.id);
    expect(new Set(drawnPeers)).toEqual(expectedPeers);
    expect(map.nodes.find((n) => n.id === `machine:${acmeDemo}`)?.focus).toBe(true);

    const unmonitoredOut = conns.filter((c) => c["remote"] === null && c["direction"] === "outbound");
    const expectedPorts = new Map<string, Set<string>>();
    for (const c of unmonitoredOut) {
      const id = `port:${String(c["protocol"])}:${String(c["port"])}`;
      expectedPorts.set(id, (expectedPorts.get(id) ?? new Set()).add(String(c["ip"])));
    }
    const drawnPorts = map.nodes.filter((n) => n.kind === "serverPortGroup");
    expect(new Map(drawnPorts.map((n) => [n.id, new Set(n.members?.map((m) => m.ip))]))).toEqual(
      expectedPorts,
    );

    const unmonitoredIn = conns.filter((c) => c["remote"] === null && c["direction"] === "inbound");
    const expectedClients = new Map<string, Set<string>>();
    for (const c of unmonitoredIn) {
      const id = `clients:${acmeDemo}:${String(c["process"])}`;
      expectedClients.set(id, (expectedClients.get(id) ?? new Set()).add(String(c["ip"])));
    }
    const drawnClients = map.nodes.filter((n) => n.kind === "clientGroup");
    expect(new Map(drawnClients.map((n) => [n.id, new Set(n.members?.map((m) => m.ip))]))).toEqual(
      expectedClients,
    );
    for (const n of drawnClients) expect(n.count).toBe(n.members?.length);
    expect(map.edges.some((e) => e.selfLink)).toBe(false);
  });

  it("matches remote ends to processes through VMBoundPort and keeps every link and failure", async () => {
    const map = await get<DependencyMapResponse>(
      `/api/map/machines/${acmeDemo}/map?timespan=${lastHour}&selfLinks=true`,
    );
    // A connection of the machine with itself is reported at both ends; the map draws it once.
    const [totals] = await rows(`
      SELECT sum("LinksEstablished") AS links, sum("LinksFailed") AS failed FROM "VMConnection"
      WHERE "Machine" = ${quoteString(acmeDemo)} AND ${window}
        AND NOT ("Direction" = 'inbound' AND (starts_with("RemoteIp", '127.') OR "RemoteIp" = '10.229.10.4'))`);
    expect(map.edges.reduce((s, e) => s + e.links, 0)).toBe(Number(totals?.["links"]));
    expect(map.edges.reduce((s, e) => s + e.failedLinks, 0)).toBe(Number(totals?.["failed"]));
    expect(map.edges.some((e) => e.selfLink)).toBe(true);

    // nginx → admdemo-appsvr:8080 lands on the process that VMBoundPort says listens there.
    const [listener] = await rows(`
      SELECT DISTINCT p."Machine" AS machine, p."Process" AS process FROM "VMBoundPort" p
      JOIN "VMComputer" c ON c."Machine" = p."Machine" AND c."Computer" = 'admdemo-appsvr'
      WHERE p."Port" = 8080 AND ${window.replaceAll('"TimeGenerated"', 'p."TimeGenerated"')}`);
    const target = `process:${String(listener?.["machine"])}:${String(listener?.["process"])}`;
    const toApp = map.edges.filter((e) => e.target === target);
    expect(toApp.length).toBe(1);
    // The failing upstream on 8443 fails throughout the range: drawn with its failed links.
    const failing = map.edges.filter((e) => e.failedLinks > 0);
    expect(failing.map((e) => e.ports).flat()).toContain(8443);
  });

  it("flags connections that worked the day before and fail now", async () => {
    const expected = await rows(`
      WITH now AS (
        SELECT "Machine", "Process", "RemoteIp", "DestinationPort", sum("LinksEstablished") AS links,
               sum("LinksFailed") AS failed
        FROM "VMConnection" WHERE ${window} AND "Direction" = 'outbound' GROUP BY ALL),
      before AS (
        SELECT "Machine", "Process", "RemoteIp", "DestinationPort", sum("LinksEstablished") AS links,
               sum("LinksFailed") AS failed
        FROM "VMConnection" WHERE "TimeGenerated" >= TIMESTAMP '${start}' - INTERVAL 1 DAY
          AND "TimeGenerated" < TIMESTAMP '${start}' AND "Direction" = 'outbound' GROUP BY ALL)
      SELECT now."Machine" AS machine FROM now JOIN before USING ("Machine", "Process", "RemoteIp", "DestinationPort")
      WHERE now.failed > now.links AND before.links > 0 AND before.failed = 0 ORDER BY 1 LIMIT 1`);
    const machine = String(expected[0]?.["machine"]);
    expect(machine).toMatch(/^m-/);
    const map = await get<DependencyMapResponse>(`/api/map/machines/${machine}/map?timespan=${lastHour}`);
    expect(map.edges.some((e) => e.workedBefore && e.failedLinks > 0)).toBe(true);
    const older = await get<DependencyMapResponse>(
      `/api/map/machines/${machine}/map?timespan=2026-11-22T04:00:00Z/2026-11-22T05:00:00Z`,
    );
    expect(older.edges.some((e) => e.workedBefore)).toBe(false);
  });

  it("summarises a machine and a process from inventory, heartbeats and metrics", async () => {
    const summary = await get<MachineSummaryResponse>(
      `/api/map/machines/${acmeDemo}/summary?timespan=${lastHour}`,
    );
    expect(summary.properties["Computer"]).toBe("acme-demo");
    expect(summary.ipv4).toEqual(["10.229.10.4"]);
    const [beats] = await rows(`
      SELECT count(*) AS n FROM "Heartbeat" WHERE "Computer" = 'acme-demo' AND ${window}`);
    expect(summary.health.heartbeats).toBe(Number(beats?.["n"]));
    expect(summary.health.state).toBe("healthy");
    const cpu = summary.metrics.find((m) => m.name === "UtilizationPercentage");
    expect(cpu?.points.length).toBe(60);

    const map = await get<DependencyMapResponse>(`/api/map/machines/${acmeDemo}/map?timespan=${lastHour}`);
    const nginx = map.nodes.find(
      (n) => n.kind === "process" && n.label === "nginx" && n.machine === acmeDemo,
    );
    const process = await get<ProcessSummaryResponse>(
      `/api/map/machines/${acmeDemo}/processes/${nginx?.process ?? ""}/summary?timespan=${lastHour}`,
    );
    expect(process.properties["ExecutableName"]).toBe("nginx");
    expect(process.boundPorts.map((p) => p.port)).toContain(80);
    const [counts] = await rows(`
      SELECT count(*) FILTER (WHERE "Direction" = 'inbound') AS inbound,
             count(*) FILTER (WHERE "Direction" = 'outbound') AS outbound FROM (
        SELECT DISTINCT "Direction", "RemoteIp", "DestinationPort", "Protocol" FROM "VMConnection"
        WHERE "Machine" = ${quoteString(acmeDemo)} AND "Process" = ${quoteString(nginx?.process ?? "")} AND ${window})`);
    expect(process.totals.inbound).toBe(Number(counts?.["inbound"]));
    expect(process.totals.outbound).toBe(Number(counts?.["outbound"]));
    expect(process.totals.failed).toBeGreaterThan(0);
  });

  it("aggregates the estate by site and opens one site into its machines", async () => {
    const estateMap = await get<EstateResponse>(`/api/map/estate?timespan=${lastHour}&by=site`);
    const aggregates = estateMap.nodes.filter((n) => n.kind === "aggregate");
    expect(aggregates.reduce((s, n) => s + (n.count ?? 0), 0)).toBe(estate.machines);
    expect(aggregates.map((n) => n.label)).toContain("dal1.acme.example");
    const opened = await get<EstateResponse>(
      `/api/map/estate?timespan=${lastHour}&by=site&within=dal1.acme.example`,
    );
    const inside = opened.nodes.filter((n) => n.kind === "machine");
    expect(inside.length).toBe(aggregates.find((n) => n.label === "dal1.acme.example")?.count);
    expect(inside.every((n) => n.parent === "aggregate:dal1.acme.example")).toBe(true);
    const bad = await fetch(`${url}/api/map/estate?by=planet`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain("by: 'planet' is not one of site, subnet, group");
  });

  it("opens a big aggregate into its subnets first, then a subnet into its machines", async () => {
    const engine = new KqlEngine(store);
    const window = { start: new Date("2026-11-22T06:00:00Z"), end };
    const sites = await estateMap(new MapQuerySet(engine), window, "site", [], "dal1.acme.example", "", 3);
    const subnets = sites.nodes.filter((n) => n.parent === "aggregate:dal1.acme.example");
    const [expected] = await rows(`
      WITH latest AS (
        SELECT "Machine", arg_max("Computer", "TimeGenerated") AS computer, arg_max("Ipv4Addresses", "TimeGenerated") AS ips
        FROM "VMComputer" WHERE "TimeGenerated" >= TIMESTAMP '${start}' - INTERVAL 1 HOUR AND "TimeGenerated" < TIMESTAMP '${stop}'
        GROUP BY "Machine")
      SELECT count(DISTINCT regexp_extract(from_json(ips, '["VARCHAR"]')[1], '^(\\d+\\.\\d+\\.\\d+)\\.', 1)) AS subnets,
             count(*) AS machines
      FROM latest WHERE computer LIKE '%.dal1.acme.example'`);
    expect(subnets.length).toBe(Number(expected?.["subnets"]));
    expect(subnets.reduce((s, n) => s + (n.count ?? 0), 0)).toBe(Number(expected?.["machines"]));
    expect(sites.nodes.some((n) => n.kind === "machine")).toBe(false);

    const subnet = subnets.find((n) => (n.count ?? 0) > 0)?.label ?? "";
    const opened = await estateMap(
      new MapQuerySet(engine),
      window,
      "site",
      [],
      "dal1.acme.example",
      subnet,
      3,
    );
    const inside = opened.nodes.filter((n) => n.kind === "machine");
    expect(inside.length).toBe(subnets.find((n) => n.label === subnet)?.count);
    expect(inside.every((n) => n.parent === `aggregate:dal1.acme.example › ${subnet}`)).toBe(true);
    expect(opened.subnet).toBe(subnet);
    // Every edge ends at a drawn node.
    const ids = new Set(opened.nodes.map((n) => n.id));
    expect(opened.edges.every((e) => ids.has(e.source) && ids.has(e.target))).toBe(true);
  });

  it("rejects a malformed time range with the parameter named", async () => {
    const response = await fetch(`${url}/api/map/machines?timespan=yesterday`);
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain("timespan");
  });
});

describe("machine groups", () => {
  it("are created, renamed, filled, mapped and deleted, with no limit of ten", async () => {
    const list = await get<MachineListResponse>(`/api/map/machines?timespan=${lastHour}`);
    const [a, b, c] = list.machines.map((m) => m.machine);
    const created = await send("POST", "/api/map/groups", { name: "  Front end ", machines: [a, b] });
    expect(created.status).toBe(201);
    const group = (await created.json()) as MachineGroupInfo;
    expect(group.name).toBe("Front end");

    const renamed = await send("PATCH", `/api/map/groups/${group.id}`, { name: "Storefront" });
    expect(((await renamed.json()) as MachineGroupInfo).name).toBe("Storefront");
    const added = await send("POST", `/api/map/groups/${group.id}/machines`, { machines: [c] });
    expect(((await added.json()) as MachineGroupInfo).machines).toEqual([a, b, c].sort());
    const removed = await send("DELETE", `/api/map/groups/${group.id}/machines/${c ?? ""}`);
    expect(((await removed.json()) as MachineGroupInfo).machines).toEqual([a, b].sort());

    const listed = await get<MachineListResponse>(`/api/map/machines?timespan=${lastHour}&search=${a ?? ""}`);
    expect(listed.machines[0]?.groups).toEqual([{ id: group.id, name: "Storefront" }]);

    for (let i = 0; i < 11; i++) {
      expect((await send("POST", "/api/map/groups", { name: `bulk ${i}` })).status).toBe(201);
    }
    expect((await get<{ groups: MachineGroupInfo[] }>("/api/map/groups")).groups.length).toBe(12);
    const bad = await send("POST", "/api/map/groups", { name: "x", machines: ["not-a-machine"] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain("machines[0]");
    expect((await send("POST", "/api/map/groups", { name: "   " })).status).toBe(400);
    expect((await send("DELETE", "/api/map/groups/g-missing")).status).toBe(404);

    const deleted = await send("DELETE", `/api/map/groups/${group.id}`);
    expect(deleted.status).toBe(204);
    expect((await fetch(`${url}/api/map/groups/${group.id}`)).status).toBe(404);
  });

  it("map a group, optionally only its processes connected within the group", async () => {
    // acme-demo's nginx calls admdemo-appsvr; db-dal1-01 is not called by either.
    const list = await get<MachineListResponse>(`/api/map/machines?timespan=${lastHour}`);
    const app = list.machines.find((m) => m.computer === "admdemo-appsvr")?.machine ?? "";
    const created = await send("POST", "/api/map/groups", { name: "demo", machines: [acmeDemo, app] });
    const group = (await created.json()) as MachineGroupInfo;
    const full = await get<DependencyMapResponse>(`/api/map/groups/${group.id}/map?timespan=${lastHour}`);
    const inner = await get<DependencyMapResponse>(
      `/api/map/groups/${group.id}/map?timespan=${lastHour}&onlyGroupConnected=true`,
    );
    expect(full.focus).toEqual(group.machines);
    expect(inner.edges.length).toBeGreaterThan(0);
    expect(inner.edges.length).toBeLessThan(full.edges.length);
    const members = new Set([`machine:${acmeDemo}`, `machine:${app}`]);
    for (const node of inner.nodes) {
      if (node.kind === "machine") expect(members.has(node.id)).toBe(true);
      expect(node.kind === "clientGroup" || node.kind === "serverPortGroup").toBe(false);
    }
  });

  it("need a contributor key to change, and survive a restart", async () => {
    // Keys are created while the server is down, as `svcmap keys` does.
    await server.close();
    const keys = await ApiKeyStore.open(store);
    const reader = await keys.create("reader", "map test reader");
    const contributor = await keys.create("contributor", "map test contributor");
    await startServer();
    try {
      const denied = await send("POST", "/api/map/groups", { name: "nope" }, reader.key);
      expect(denied.status).toBe(403);
      const created = await send(
        "POST",
        "/api/map/groups",
        { name: "kept", machines: [acmeDemo] },
        contributor.key,
      );
      expect(created.status).toBe(201);
      const group = (await created.json()) as MachineGroupInfo;

      await server.close();
      await startServer();
      const after = await fetch(`${url}/api/map/groups/${group.id}`, {
        headers: { authorization: `Bearer ${reader.key}` },
      });
      expect(after.status).toBe(200);
      expect(((await after.json()) as MachineGroupInfo).machines).toEqual([acmeDemo]);
    } finally {
      await keys.revoke(reader.id);
      await keys.revoke(contributor.id);
    }
  });
});

describe("the query gate", () => {
  it("holds map queries back with the Query API's, and turns a burst beyond its queue away", async () => {
    const engine = new KqlEngine(store);
    const gated = await createServer({
      store,
      engine,
      keys: await ApiKeyStore.open(store),
      port: 0,
      concurrency: { running: 1, queued: 1 },
      plugins: [mapApiPlugin({ engine, groups: await MachineGroupStore.open(store), now: () => end })],
    });
    const base = await gated.listen();
    const gate = gated.app.queryGate;
    let release!: () => void;
    // Something else holds the only slot.
    const holding = gate.run(() => new Promise<void>((resolve) => (release = resolve)));
    try {
      const waiting = fetch(`${base}/api/map/machines/${acmeDemo}/map?timespan=${lastHour}`);
      await vi.waitFor(() => expect(gate.stats.queued).toBe(1));
      const turnedAway = await fetch(`${base}/api/map/estate?timespan=${lastHour}`);
      expect(turnedAway.status).toBe(429);
      expect(turnedAway.headers.get("retry-after")).toBe("2");
      const query = await fetch(`${base}/v1/workspaces/default/query`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "VMComputer | count" }),
      });
      expect(query.status).toBe(429);

      release();
      await holding;
      const answer = await waiting;
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as DependencyMapResponse).nodes.length).toBeGreaterThan(0);
    } finally {
      release();
      await gated.close();
    }
  });
});
