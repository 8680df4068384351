// The processes a machine's map draws, in Debian's Chromium, on rows ingested with `svcmap ingest`: a machine
// whose only traffic is loopback between two of its processes plus one connection the agent could not
// attribute to a process, and a machine whose program runs as several processes of one systemd unit and
// which runs two `java` services that only their command lines tell apart.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectPageErrors, launchBrowser, saveScreenshot } from "../../test-support/browser.js";
import {
  newDataDir,
  removeDataDir,
  serveWorkspace,
  svcmap,
  type RunningWorkspace,
} from "../../test-support/workspace-process.js";

const time = "2026-11-22T06:00:00Z/2026-11-22T07:00:00Z";
const at = "2026-11-22T06:30:00Z";
const inventoryAt = "2026-11-22T06:05:00Z";
const loopback = { Machine: "m-loopback", Computer: "loopback-only" };
const grouped = { Machine: "m-grouped", Computer: "grouped" };

const computers = [
  { ...loopback, TimeGenerated: inventoryAt, DisplayName: "loopback-only", Ipv4Addresses: '["10.99.0.5"]' },
  { ...grouped, TimeGenerated: inventoryAt, DisplayName: "grouped", Ipv4Addresses: '["10.99.0.6"]' },
];

const process = (
  machine: { Machine: string; Computer: string },
  id: string,
  name: string,
  group: string,
): Record<string, unknown> => ({
  ...machine,
  TimeGenerated: inventoryAt,
  Process: id,
  DisplayName: name,
  ExecutableName: name,
  Group: group,
});

const processes = [
  process(loopback, "p-api", "api", "api.service"),
  process(loopback, "p-postgres", "postgres", "postgresql.service"),
  process(grouped, "p-worker-1", "nginx", "nginx.service"),
  process(grouped, "p-worker-2", "nginx", "nginx.service"),
  process(grouped, "p-cron", "cron", "cron.service"),
  {
    ...process(grouped, "p-java-orders", "java", "orders.service"),
    CommandLine: "/usr/bin/java -Xmx1g -jar /opt/orders/orders-service.jar",
  },
  {
    ...process(grouped, "p-java-billing", "java", "billing.service"),
    CommandLine: "/usr/bin/java -Xmx2g -jar /opt/billing/billing-service.jar",
  },
];

const connection = (
  machine: { Machine: string; Computer: string },
  fields: Record<string, unknown>,
): Record<string, unknown> => ({
  ...machine,
  TimeGenerated: at,
  Protocol: "tcp",
  LinksEstablished: 3,
  LinksLive: 1,
  LinksFailed: 0,
  LinksTerminated: 2,
  BytesSent: 4096,
  BytesReceived: 8192,
  Responses: 3,
  ResponseTimeSum: 30,
  ...fields,
});

const connections = [
  // api → postgres over loopback, seen at both ends.
  connection(loopback, {
    Direction: "outbound",
    Process: "p-api",
    SourceIp: "127.0.0.1",
    DestinationIp: "127.0.0.1",
    DestinationPort: 5432,
    RemoteIp: "127.0.0.1",
  }),
  connection(loopback, {
    Direction: "inbound",
    Process: "p-postgres",
    SourceIp: "127.0.0.1",
    DestinationIp: "127.0.0.1",
    DestinationPort: 5432,
    RemoteIp: "127.0.0.1",
  }),
  // Seen on the wire, but its process was gone when the agent looked.
  connection(loopback, {
    Direction: "outbound",
    Process: "",
    SourceIp: "10.99.0.5",
    DestinationIp: "203.0.113.9",
    DestinationPort: 443,
    RemoteIp: "203.0.113.9",
  }),
  // Tied to a process that ended before any inventory of it was written.
  connection(loopback, {
    Direction: "outbound",
    Process: "p-gone",
    SourceIp: "10.99.0.5",
    DestinationIp: "203.0.113.9",
    DestinationPort: 443,
    RemoteIp: "203.0.113.9",
  }),
  ...["p-worker-1", "p-worker-2", "p-cron"].map((p) =>
    connection(grouped, {
      Direction: "outbound",
      Process: p,
      SourceIp: "10.99.0.6",
      DestinationIp: "198.51.100.7",
      DestinationPort: 443,
      RemoteIp: "198.51.100.7",
    }),
  ),
  ...[
    ["p-java-orders", 8080],
    ["p-java-billing", 8081],
  ].map(([p, port]) =>
    connection(grouped, {
      Direction: "inbound",
      Process: p,
      SourceIp: "10.99.0.50",
      DestinationIp: "10.99.0.6",
      DestinationPort: port,
      RemoteIp: "10.99.0.50",
    }),
  ),
];

const boundPorts = [
  {
    ...loopback,
    TimeGenerated: at,
    Process: "p-postgres",
    Ip: "127.0.0.1",
    Port: 5432,
    Protocol: "tcp",
    PortId: "127.0.0.1:5432:tcp",
  },
];

let dataDir: string;
let workspace: RunningWorkspace;
let browser: Browser;

beforeAll(async () => {
  dataDir = newDataDir();
  const tables = {
    VMComputer: computers,
    VMProcess: processes,
    VMConnection: connections,
    VMBoundPort: boundPorts,
  };
  for (const [table, rows] of Object.entries(tables)) {
    const file = join(dataDir, `${table}.ndjson`);
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
    svcmap(["ingest", "--data", join(dataDir, "data"), "--table", table, "--geoip", "none", file]);
  }
  workspace = await serveWorkspace(join(dataDir, "data"));
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await workspace?.stop();
  if (dataDir !== undefined) removeDataDir(dataDir);
});

async function openMachine(page: Page, machine: string, extra = ""): Promise<void> {
  await page.goto(`${workspace.url}/#/map?view=machine&machine=${machine}&time=${time}${extra}`);
  await page.waitForFunction(
    () =>
      document.querySelector(".map-body")?.getAttribute("aria-busy") === "false" &&
      (window.svcmapCy?.nodes().length ?? 0) > 0,
  );
}

interface DrawnNode {
  readonly id: string;
  readonly kind: string;
  readonly label: string;
  readonly parent: string;
}

function drawnNodes(page: Page): Promise<DrawnNode[]> {
  return page.evaluate(
    () =>
      window.svcmapCy?.nodes().map((n) => ({
        id: n.id(),
        kind: String(n.data("kind")),
        label: String(n.data("label")),
        parent: String(n.data("parent") ?? ""),
      })) ?? [],
  );
}

function drawnEdges(page: Page): Promise<string[]> {
  return page.evaluate(
    () =>
      window.svcmapCy
        ?.edges()
        .map((e) => `${String(e.source().data("label"))} -> ${String(e.target().data("label"))}`)
        .sort() ?? [],
  );
}

describe("a machine's processes on the map", () => {
  it("draws every process with connections, labelled, and an unknown process for unattributed traffic", async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    const errors = collectPageErrors(page);
    await openMachine(page, loopback.Machine);

    const nodes = await drawnNodes(page);
    const processNodes = nodes.filter((n) => n.kind === "process");
    // Self-links are hidden, yet both loopback processes are drawn inside their machine.
    expect(processNodes.map((n) => n.label).sort()).toEqual([
      "api",
      "postgres",
      "process p-gone…",
      "unknown process",
    ]);
    expect(processNodes.every((n) => n.parent === `machine:${loopback.Machine}`)).toBe(true);
    expect(await drawnEdges(page)).toEqual([
      "process p-gone… -> Port 443\n1 server",
      "unknown process -> Port 443\n1 server",
    ]);
    const gone = processNodes.find((n) => n.label.startsWith("process p-gone"));
    expect(
      await page.evaluate(
        (id) => String(window.svcmapCy?.getElementById(id).data("tooltip")),
        gone?.id ?? "",
      ),
    ).toContain("no inventory (VMProcess)");

    // The unknown process explains itself on hover.
    const unknown = processNodes.find((n) => n.label === "unknown process");
    const point = await page.evaluate((id) => {
      const position = window.svcmapCy?.getElementById(id).renderedPosition();
      const box = window.svcmapCy?.container()?.getBoundingClientRect();
      return { x: (box?.left ?? 0) + (position?.x ?? 0), y: (box?.top ?? 0) + (position?.y ?? 0) };
    }, unknown?.id ?? "");
    await page.mouse.move(point.x, point.y);
    await expect
      .poll(() => page.locator(".map-tooltip").textContent())
      .toContain("saw this traffic but not the process");
    await saveScreenshot(page, "map-loopback-machine");

    // With self-links shown, the loopback connection is drawn between the two processes.
    await openMachine(page, loopback.Machine, "&self=1");
    expect(await drawnEdges(page)).toEqual([
      "api -> postgres",
      "process p-gone… -> Port 443\n1 server",
      "unknown process -> Port 443\n1 server",
    ]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("draws a program's processes inside a process group, and a lone process on its own", async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    const errors = collectPageErrors(page);
    await openMachine(page, grouped.Machine);

    const nodes = await drawnNodes(page);
    const group = nodes.find((n) => n.kind === "processGroup");
    expect(group).toMatchObject({ label: "nginx.service", parent: `machine:${grouped.Machine}` });
    const inGroup = nodes.filter((n) => n.parent === group?.id);
    // Identical workers of one program can only be numbered.
    expect(inGroup.map((n) => `${n.kind}:${n.label}`).sort()).toEqual([
      "process:nginx (#1)",
      "process:nginx (#2)",
    ]);
    const cron = nodes.find((n) => n.label === "cron");
    expect(cron).toMatchObject({ kind: "process", parent: `machine:${grouped.Machine}` });
    // A process group is a compound node: Cytoscape draws it around its children.
    expect(await page.evaluate((id) => window.svcmapCy?.getElementById(id).isParent(), group?.id ?? "")).toBe(
      true,
    );
    await saveScreenshot(page, "map-process-group");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("tells same-name processes apart by their command lines, on the map and in the properties pane", async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    const errors = collectPageErrors(page);
    await openMachine(page, grouped.Machine);
    const java = (await drawnNodes(page)).filter((n) => n.label.startsWith("java"));
    expect(java.map((n) => n.label).sort()).toEqual([
      "java (billing-service.jar)",
      "java (orders-service.jar)",
    ]);
    // The properties pane and the edges' tooltips carry the same names.
    const orders = java.find((n) => n.label === "java (orders-service.jar)");
    await page.evaluate((id) => {
      window.svcmapCy?.getElementById(id).emit("tap");
    }, orders?.id ?? "");
    await expect
      .poll(() => page.locator(".map-details h2").first().textContent())
      .toBe("java (orders-service.jar)");
    const edge = await page.evaluate(
      (id) => window.svcmapCy?.getElementById(id).connectedEdges()[0]?.id() ?? "",
      orders?.id ?? "",
    );
    const point = await page.evaluate((id) => {
      const e = window.svcmapCy?.getElementById(id);
      const mid = e?.renderedMidpoint();
      const box = window.svcmapCy?.container()?.getBoundingClientRect();
      return { x: (box?.left ?? 0) + (mid?.x ?? 0), y: (box?.top ?? 0) + (mid?.y ?? 0) };
    }, edge);
    await page.mouse.move(point.x, point.y);
    await expect
      .poll(() => page.locator(".map-tooltip").textContent())
      .toContain("java (orders-service.jar)");
    await saveScreenshot(page, "map-same-name-processes");
    expect(errors).toEqual([]);
    await page.close();
  });
});
