// The agent against known ground truth. Two network namespaces act as two hosts on one bridge: a server
// running Debian's nginx, a DNS server and a UDP echo server, and a client that makes traffic with a known
// shape (long-lived connections with megabytes of answers, a burst of short-lived connections between two
// polls, an IPv6 connection, refused and unreachable attempts, a DNS lookup, UDP datagrams). An agent runs
// in each namespace against a real workspace, and what arrives is checked with KQL against what the client
// measured on its own sockets.

import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomInt } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  agentIngestRoutes,
  ApiKeyStore,
  createServer,
  KqlEngine,
  WorkspaceStore,
  type WorkspaceServer,
} from "@svcmap/workspace";

const bin = fileURLToPath(new URL("../../packages/cli/bin/svcmap.js", import.meta.url));
const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));

const net = randomInt(1, 250);
const tag = `gt${randomInt(0, 0xffff).toString(16).padStart(4, "0")}`;
const bridge = `br${tag}`;
const serverNs = `svcmap-${tag}-srv`;
const clientNs = `svcmap-${tag}-cli`;
const serverIp = `10.231.${net}.1`;
const clientIp = `10.231.${net}.2`;
const hostIp = `10.231.${net}.254`;
const serverIpv6 = `fd31:${net}::1`;
const clientIpv6 = `fd31:${net}::2`;
const unreachableIp = `10.232.${net}.77`;
const dnsName = "web.ground-truth.test";

const plan = {
  longLived: 4,
  requestsPerConnection: 3,
  holdMs: 7000,
  burst: 20,
  refused: 3,
  unreachable: 2,
  unreachableTimeoutMs: 4000,
  dnsName,
  datagrams: 10,
  datagramBytes: 200,
  redisConnections: 2,
  redisCommands: 5,
  delayedConnections: 2,
  delayedExchanges: 4,
  shortLivedPrograms: 5,
};
/** How long the test's TCP server waits before it answers a request: a known response time. */
const responseDelayMs = 50;
/** How much later than the server's delay an answer may be timed on a busy machine. */
const responseSlackMs = 250;
const blobBytes = 1_000_000;

interface Measured {
  readonly sent: number;
  readonly received: number;
}
interface ClientReport {
  readonly longLived: Measured[];
  readonly burst: Measured[];
  readonly ipv6: Measured[];
  readonly named: Measured[];
  readonly failures: string[];
  readonly redis: Measured[];
  readonly delayed: Measured[];
  readonly shortLived: number;
  readonly udp: Measured;
}

const sh = (command: string, ...args: string[]): string =>
  execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const inNs = (ns: string, ...args: string[]): string => sh("ip", "netns", "exec", ns, ...args);

let work: string;
let store: WorkspaceStore;
let engine: KqlEngine;
let server: WorkspaceServer;
const children: ChildProcess[] = [];
let report: ClientReport;

function startChild(args: readonly string[], name: string): ChildProcess {
  const child = spawn(args[0]!, args.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  child.on("exit", (code, signal) => {
    if (code !== 0 && signal === null) process.stderr.write(`${name} exited ${code}: ${output}\n`);
  });
  children.push(child);
  return child;
}

async function query(kql: string): Promise<Record<string, unknown>[]> {
  const result = await engine.run(kql);
  const table = result.tables[0]!;
  return table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c.name, row[i]])));
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

function setUpHosts(): void {
  sh("ip", "link", "add", bridge, "type", "bridge");
  sh("ip", "addr", "add", `${hostIp}/24`, "dev", bridge);
  sh("ip", "link", "set", bridge, "up");
  for (const [ns, ip, ip6, side] of [
    [serverNs, serverIp, serverIpv6, "s"],
    [clientNs, clientIp, clientIpv6, "c"],
  ] as const) {
    sh("ip", "netns", "add", ns);
    sh("ip", "link", "add", `v${tag}${side}`, "type", "veth", "peer", "name", "eth0", "netns", ns);
    sh("ip", "link", "set", `v${tag}${side}`, "master", bridge, "up");
    sh("ip", "-n", ns, "addr", "add", `${ip}/24`, "dev", "eth0");
    sh("ip", "-n", ns, "-6", "addr", "add", `${ip6}/64`, "dev", "eth0", "nodad");
    sh("ip", "-n", ns, "link", "set", "eth0", "up");
    sh("ip", "-n", ns, "link", "set", "lo", "up");
  }
  // The server routes for an unreachable network, so the client's attempts there get ICMP errors back.
  inNs(serverNs, "sysctl", "-qw", "net.ipv4.ip_forward=1");
  sh("ip", "-n", serverNs, "route", "add", "unreachable", `10.232.${net}.0/24`);
  sh("ip", "-n", clientNs, "route", "add", `10.232.${net}.0/24`, "via", serverIp);
}

function tearDownHosts(): void {
  for (const command of [
    ["ip", "netns", "del", serverNs],
    ["ip", "netns", "del", clientNs],
    ["ip", "link", "del", bridge],
  ]) {
    try {
      sh(command[0]!, ...command.slice(1));
    } catch {
      // Already gone, or never made.
    }
  }
}

function startNginx(): void {
  const root = join(work, "nginx");
  const www = join(root, "www");
  sh("mkdir", "-p", www);
  writeFileSync(join(www, "blob"), Buffer.alloc(blobBytes, 97));
  writeFileSync(join(www, "small"), "x".repeat(100));
  for (const dir of [work, root, www]) chmodSync(dir, 0o755);
  writeFileSync(
    join(root, "nginx.conf"),
    `daemon off; master_process on; worker_processes 1; pid ${root}/nginx.pid; error_log ${root}/error.log;
events { worker_connections 512; }
http {
  access_log off; keepalive_requests 1000; keepalive_timeout 120s;
  server { listen ${serverIp}:8080; listen [${serverIpv6}]:8080; root ${www}; }
  server { listen ${serverIp}:8081; root ${www}; }
  server { listen ${serverIp}:8082; root ${www}; }
}
`,
  );
  startChild(
    [
      "ip",
      "netns",
      "exec",
      serverNs,
      "nginx",
      "-e",
      `${root}/error.log`,
      "-p",
      root,
      "-c",
      `${root}/nginx.conf`,
    ],
    "nginx",
  );
}

function startAgent(ns: string, computer: string, url: string, key: string): ChildProcess {
  return startChild(
    [
      "ip",
      "netns",
      "exec",
      ns,
      process.execPath,
      bin,
      "agent",
      "--workspace",
      url,
      "--key",
      key,
      "--computer",
      computer,
      "--interval",
      "5",
      "--report-seconds",
      "10",
      "--namespaces",
      "own",
      "--state",
      join(work, `agent-${computer}`),
    ],
    `agent ${computer}`,
  );
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "svcmap-ground-truth-"));
  setUpHosts();
  startNginx();
  const services = startChild(
    [
      "ip",
      "netns",
      "exec",
      serverNs,
      process.execPath,
      join(fixtures, "ground-truth-services.mjs"),
      serverIp,
      dnsName,
      serverIp,
      String(responseDelayMs),
    ],
    "test services",
  );
  await new Promise((resolve) => services.stdout?.once("data", resolve));
  startChild(
    [
      "ip",
      "netns",
      "exec",
      serverNs,
      "redis-server",
      "--bind",
      serverIp,
      "--port",
      "6379",
      "--save",
      "",
      "--appendonly",
      "no",
      "--protected-mode",
      "no",
      "--daemonize",
      "no",
    ],
    "redis",
  );
  await waitFor("redis", async () => inNs(serverNs, "ss", "-tlnH", "sport = :6379").includes("6379"));

  store = await WorkspaceStore.open({ dataDir: join(work, "workspace"), memoryLimit: "512MB", threads: 1 });
  engine = new KqlEngine(store);
  const keys = await ApiKeyStore.open(store);
  const agentKey = (await keys.create("agent", "ground truth")).key;
  server = await createServer({
    store,
    engine,
    keys,
    host: hostIp,
    port: 0,
    plugins: [agentIngestRoutes({ store })],
  });
  const url = await server.listen();

  startAgent(serverNs, "gt-server", url, agentKey);
  startAgent(clientNs, "gt-client", url, agentKey);
  await waitFor("both agents' first records", async () => {
    const rows = await query(`Heartbeat | distinct Computer`);
    return rows.length === 2;
  });
  const client = spawn(
    "ip",
    [
      "netns",
      "exec",
      clientNs,
      process.execPath,
      join(fixtures, "ground-truth-client.mjs"),
      serverIp,
      serverIpv6,
      unreachableIp,
    ],
    { env: { ...process.env, GROUND_TRUTH_PLAN: JSON.stringify(plan) }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  client.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  client.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => client.once("exit", resolve));
  if (code !== 0) throw new Error(`the client failed (${code}): ${stderr}`);
  report = JSON.parse(stdout) as ClientReport;

  // One more report interval, then a clean shutdown, which reports and flushes the last one.
  await new Promise((resolve) => setTimeout(resolve, 11_000));
  for (const child of children.splice(0)) await stopChild(child);
}, 240_000);

afterAll(async () => {
  for (const child of children.splice(0)) await stopChild(child);
  await server?.close();
  store?.close();
  tearDownHosts();
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

const sum = (items: readonly Measured[], field: keyof Measured): number =>
  items.reduce((total, item) => total + item[field], 0);

function links(computer: string, where: string): Promise<Record<string, unknown>[]> {
  return query(
    `VMConnection | where Computer == "${computer}" | where ${where} ` +
      `| summarize Established = sum(LinksEstablished), Terminated = sum(LinksTerminated), Failed = sum(LinksFailed), ` +
      `Sent = sum(BytesSent), Received = sum(BytesReceived), Directions = make_set(Direction), ` +
      `Responses = sum(Responses), ResponseTimeMin = min(ResponseTimeMin), ResponseTimeMax = max(ResponseTimeMax), ` +
      `ResponseTimeSum = sum(ResponseTimeSum), ` +
      `Processes = make_set(ProcessName), Records = count()`,
  );
}

function withinOnePercent(actual: unknown, expected: number): void {
  expect(Math.abs(Number(actual) - expected)).toBeLessThanOrEqual(expected * 0.01);
}

describe("the agent against ground truth", () => {
  it("the client made the traffic it was asked to", () => {
    expect(report.longLived).toHaveLength(plan.longLived);
    expect(report.burst).toHaveLength(plan.burst);
    expect(report.failures).toEqual([
      ...Array<string>(plan.refused).fill("ECONNREFUSED"),
      ...Array<string>(plan.unreachable).fill("EHOSTUNREACH"),
    ]);
    expect(sum(report.longLived, "received")).toBeGreaterThan(
      plan.longLived * plan.requestsPerConnection * blobBytes,
    );
  });

  it("counts every outbound connection to nginx, long-lived and short-lived, with their bytes", async () => {
    const [row] = await links(
      "gt-client",
      `DestinationIp == "${serverIp}" and DestinationPort == 8080 and Protocol == "tcp"`,
    );
    const all = [...report.longLived, ...report.burst];
    expect(row).toMatchObject({
      Established: plan.longLived + plan.burst,
      Terminated: plan.longLived + plan.burst,
      Failed: 0,
      Directions: '["outbound"]',
    });
    withinOnePercent(row!["Received"], sum(all, "received"));
    withinOnePercent(row!["Sent"], sum(all, "sent"));
    expect(JSON.parse(String(row!["Processes"]))).toEqual(["node"]);
  });

  it("sees the same connections inbound on the server, taken by nginx", async () => {
    const [row] = await links(
      "gt-server",
      `SourceIp == "${clientIp}" and DestinationPort == 8080 and Protocol == "tcp"`,
    );
    const all = [...report.longLived, ...report.burst];
    expect(row).toMatchObject({
      Established: plan.longLived + plan.burst,
      Terminated: plan.longLived + plan.burst,
      Failed: 0,
      Directions: '["inbound"]',
      Processes: '["nginx"]',
    });
    withinOnePercent(row!["Sent"], sum(all, "received"));
    withinOnePercent(row!["Received"], sum(all, "sent"));
  });

  it("reports IPv6 connections with canonical addresses", async () => {
    const [out] = await links("gt-client", `DestinationIp == "${serverIpv6}" and DestinationPort == 8080`);
    expect(out).toMatchObject({ Established: 1, Terminated: 1, Directions: '["outbound"]' });
    withinOnePercent(out!["Received"], sum(report.ipv6, "received"));
    const [inbound] = await links("gt-server", `SourceIp == "${clientIpv6}" and DestinationPort == 8080`);
    expect(inbound).toMatchObject({ Established: 1, Processes: '["nginx"]' });
  });

  it("counts refused and unreachable attempts as failed links, exactly", async () => {
    const [refused] = await links("gt-client", `DestinationIp == "${serverIp}" and DestinationPort == 9`);
    expect(refused).toMatchObject({ Established: 0, Failed: plan.refused });
    const [unreachable] = await links("gt-client", `DestinationIp == "${unreachableIp}"`);
    expect(unreachable).toMatchObject({ Established: 0, Failed: plan.unreachable });
  });

  it("sees the refused attempts inbound on the server too, taken by no process", async () => {
    const [row] = await links("gt-server", `SourceIp == "${clientIp}" and DestinationPort == 9`);
    expect(row).toMatchObject({ Established: 0, Failed: plan.refused, Directions: '["inbound"]' });
    const owners = await query(
      `VMConnection | where Computer == "gt-server" and DestinationPort == 9 | summarize by Process`,
    );
    expect(owners).toEqual([{ Process: "" }]);
  });

  it("names the remote with the DNS question the client asked", async () => {
    const rows = await query(
      `VMConnection | where Computer == "gt-client" and DestinationPort == 8081 | project LinksEstablished, RemoteDnsQuestions`,
    );
    expect(rows).toEqual([{ LinksEstablished: 1, RemoteDnsQuestions: JSON.stringify([dnsName]) }]);
  });

  it("names the short-lived program that made each connection, which no poll ever saw", async () => {
    const [row] = await links("gt-client", `DestinationIp == "${serverIp}" and DestinationPort == 8082`);
    expect(report.shortLived).toBe(plan.shortLivedPrograms);
    expect(row).toMatchObject({
      Established: plan.shortLivedPrograms,
      Terminated: plan.shortLivedPrograms,
      Failed: 0,
      Directions: '["outbound"]',
      Processes: '["bash"]',
    });
    const described = await query(
      `VMConnection | where Computer == "gt-client" and DestinationPort == 8082 | distinct Process ` +
        `| join kind=inner (VMProcess | where Computer == "gt-client") on Process ` +
        `| project ExecutableName, CommandLine`,
    );
    expect(described.length).toBeGreaterThan(0);
    for (const process of described) {
      expect(process["ExecutableName"]).toBe("bash");
      expect(String(process["CommandLine"])).toContain(`/dev/tcp/${serverIp}/8082`);
    }
  });

  it("counts UDP datagrams both ways", async () => {
    const [out] = await links(
      "gt-client",
      `DestinationIp == "${serverIp}" and DestinationPort == 7777 and Protocol == "udp"`,
    );
    expect(out).toMatchObject({
      Established: 1,
      Sent: report.udp.sent,
      Received: report.udp.received,
      Directions: '["outbound"]',
    });
    const [inbound] = await links(
      "gt-server",
      `SourceIp == "${clientIp}" and DestinationPort == 7777 and Protocol == "udp"`,
    );
    expect(inbound).toMatchObject({
      Established: 1,
      Sent: report.udp.received,
      Received: report.udp.sent,
      Directions: '["inbound"]',
    });
  });

  it("sees Redis: its connections, bytes, process, product and role", async () => {
    const [out] = await links("gt-client", `DestinationIp == "${serverIp}" and DestinationPort == 6379`);
    expect(out).toMatchObject({
      Established: plan.redisConnections,
      Terminated: plan.redisConnections,
      Sent: sum(report.redis, "sent"),
      Received: sum(report.redis, "received"),
    });
    const [inbound] = await links("gt-server", `SourceIp == "${clientIp}" and DestinationPort == 6379`);
    expect(inbound).toMatchObject({ Established: plan.redisConnections, Processes: '["redis-server"]' });
    const processes = await query(
      `VMProcess | where Computer == "gt-server" and ExecutableName == "redis-server" | summarize arg_max(TimeGenerated, *) by Process | project ExecutablePath, ProductName, Role`,
    );
    expect(processes).toEqual([
      { ExecutablePath: "/usr/bin/redis-server", ProductName: "redis-server", Role: "databaseServer" },
    ]);
  });

  it("counts every request/response exchange on both ends, and times them", async () => {
    const httpExchanges = plan.longLived * plan.requestsPerConnection + plan.burst;
    const redisExchanges = plan.redisConnections * plan.redisCommands;
    const delayedExchanges = plan.delayedConnections * plan.delayedExchanges;
    for (const [computer, remote] of [
      ["gt-client", `DestinationIp == "${serverIp}"`],
      ["gt-server", `SourceIp == "${clientIp}"`],
    ] as const) {
      const [http] = await links(computer, `${remote} and DestinationPort == 8080 and Protocol == "tcp"`);
      expect(http, computer).toMatchObject({ Responses: httpExchanges });
      const [redis] = await links(computer, `${remote} and DestinationPort == 6379`);
      expect(redis, computer).toMatchObject({ Responses: redisExchanges });
      const [delayed] = await links(computer, `${remote} and DestinationPort == 7070`);
      expect(delayed, computer).toMatchObject({
        Established: plan.delayedConnections,
        Responses: delayedExchanges,
      });
      // Rounded to whole milliseconds, a 50 ms answer may read 49.
      expect(Number(delayed!["ResponseTimeMin"])).toBeGreaterThanOrEqual(responseDelayMs - 1);
      expect(Number(delayed!["ResponseTimeMax"])).toBeLessThanOrEqual(responseDelayMs + responseSlackMs);
      expect(Number(delayed!["ResponseTimeSum"])).toBeGreaterThanOrEqual(
        delayedExchanges * (responseDelayMs - 1),
      );
      expect(Number(delayed!["ResponseTimeSum"])).toBeLessThanOrEqual(
        delayedExchanges * (responseDelayMs + responseSlackMs),
      );
    }
    const [port] = await query(
      `VMBoundPort | where Computer == "gt-server" and Port == 7070 | summarize Responses = sum(Responses), Slowest = max(ResponseTimeMax)`,
    );
    expect(port).toMatchObject({ Responses: delayedExchanges });
    expect(Number(port!["Slowest"])).toBeGreaterThanOrEqual(responseDelayMs - 1);
  });

  it("reports nginx's ports, process and the machines", async () => {
    const ports = await query(
      `VMBoundPort | where Computer == "gt-server" and ProcessName == "nginx" | summarize Links = sum(LinksEstablished) by Ip, Port, Protocol, IsWildcardBind | order by Port asc, Ip asc`,
    );
    expect(ports).toEqual([
      {
        Ip: serverIp,
        Port: 8080,
        Protocol: "tcp",
        IsWildcardBind: false,
        Links: plan.longLived + plan.burst,
      },
      { Ip: serverIpv6, Port: 8080, Protocol: "tcp", IsWildcardBind: false, Links: 1 },
      { Ip: serverIp, Port: 8081, Protocol: "tcp", IsWildcardBind: false, Links: 1 },
      {
        Ip: serverIp,
        Port: 8082,
        Protocol: "tcp",
        IsWildcardBind: false,
        Links: plan.shortLivedPrograms,
      },
    ]);
    const processes = await query(
      `VMProcess | where Computer == "gt-server" and ExecutableName == "nginx" | summarize arg_max(TimeGenerated, *) by Process | project ExecutablePath, ProductName, Role, UserName`,
    );
    expect(processes.length).toBeGreaterThan(0);
    expect(processes).toContainEqual({
      ExecutablePath: "/usr/sbin/nginx",
      ProductName: "nginx",
      Role: "webServer",
      UserName: expect.any(String),
    });
    const machines = await query(
      `VMComputer | summarize arg_max(TimeGenerated, *) by Computer | project Computer, Machine, Ipv4Addresses | order by Computer asc`,
    );
    expect(machines.map((m) => m["Computer"])).toEqual(["gt-client", "gt-server"]);
    for (const m of machines) expect(String(m["Machine"])).toMatch(/^m-[0-9a-f-]{36}$/);
    expect(JSON.parse(String(machines[1]!["Ipv4Addresses"]))).toContain(serverIp);
  });
});
