// The map page in Debian's Chromium against a real workspace over a simulated estate whose topology is known:
// what the page draws is read back from the page's Cytoscape instance and compared with answers from KQL
// queries written here (not the map API's own).

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

const end = "2026-11-22T07:00:00Z";
const lastHour = `2026-11-22T06:00:00Z/${end}`;
const acmeDemo = "m-89e06f03-05a7-4d9c-9d26-2900ca769299";

let dataDir: string;
let workspace: RunningWorkspace;
let browser: Browser;

beforeAll(async () => {
  dataDir = newDataDir();
  svcmap(["simulate", "--data", dataDir, "--machines", "20", "--hours", "3", "--end", end]);
  workspace = await serveWorkspace(dataDir);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await workspace?.stop();
  if (dataDir !== undefined) removeDataDir(dataDir);
});

async function kql(query: string): Promise<Record<string, unknown>[]> {
  const response = await fetch(`${workspace.url}/v1/workspaces/default/query`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as {
    tables: { columns: { name: string }[]; rows: unknown[][] }[];
  };
  const table = body.tables[0];
  if (table === undefined) throw new Error(JSON.stringify(body));
  return table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c.name, row[i]])));
}

/** The time filter of the expected-answer queries, written independently of the map's. */
const window = `TimeGenerated >= datetime(2026-11-22T06:00:00Z) and TimeGenerated < datetime(${end})`;

async function openMap(page: Page, hash: string): Promise<void> {
  await page.goto(`${workspace.url}/#/map?${hash}`);
  await waitForMap(page);
}

async function waitForMap(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const busy = document.querySelector(".map-body")?.getAttribute("aria-busy");
    return busy === "false" && window.svcmapCy !== undefined;
  });
}

function drawn(page: Page, selector: string): Promise<string[]> {
  return page.evaluate(
    (s) => (window.svcmapCy?.nodes(s).map((n) => String(n.data("label"))) ?? []).sort(),
    selector,
  );
}

/**
 * Fires a Cytoscape event on an element, as a tap or double tap would. Returns nothing on purpose: returning
 * the element would make Playwright serialise the whole graph behind it, which takes seconds.
 */
async function emit(page: Page, id: string, event: string): Promise<void> {
  await page.evaluate(
    ([element, name]) => {
      window.svcmapCy?.getElementById(element).emit(name);
    },
    [id, event] as const,
  );
}

async function newPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
  return { page, errors: collectPageErrors(page) };
}

describe("the map page", () => {
  it("shows exactly a selected machine's peers, server port groups and groups", async () => {
    const { page, errors } = await newPage();
    // A group made through the API must show beside the machine.
    const created = await fetch(`${workspace.url}/api/map/groups`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Storefront", machines: [acmeDemo] }),
    });
    expect(created.status).toBe(201);

    await openMap(page, `view=estate&time=${lastHour}`);
    await page.locator(".machine-item", { hasText: "acme-demo" }).click();
    await page.waitForFunction(() => window.location.hash.includes("view=machine"));
    await waitForMap(page);

    const peers = await kql(`
      let addresses = VMComputer | summarize arg_max(TimeGenerated, Ipv4Addresses, DisplayName) by Machine
        | mv-expand Ip = todynamic(Ipv4Addresses) to typeof(string) | project Ip, PeerName = DisplayName, Peer = Machine;
      VMConnection | where ${window} and Machine == "${acmeDemo}" and RemoteIp !startswith "127."
      | join kind=leftouter addresses on $left.RemoteIp == $right.Ip
      | summarize by PeerName, Peer, Direction, DestinationPort, Protocol`);
    const expectedMachines = new Set(["acme-demo"]);
    const expectedPorts = new Set<string>();
    for (const p of peers) {
      if (p["Peer"] !== "" && p["Peer"] !== acmeDemo) expectedMachines.add(String(p["PeerName"]));
      if (p["Peer"] === "" && p["Direction"] === "outbound") {
        const protocol = String(p["Protocol"]);
        expectedPorts.add(`Port ${String(p["DestinationPort"])}${protocol === "tcp" ? "" : `/${protocol}`}`);
      }
    }
    expect(await drawn(page, "node.machine")).toEqual([...expectedMachines].sort());
    const ports = (await drawn(page, "node.serverPortGroup")).map((label) => label.split("\n")[0] ?? "");
    expect(ports.sort()).toEqual([...expectedPorts].sort());
    expect((await drawn(page, "node.clientGroup")).length).toBeGreaterThan(0);

    await expect
      .poll(() => page.locator(".machine-item", { hasText: "acme-demo" }).textContent())
      .toContain("Storefront");
    await emit(page, `machine:${acmeDemo}`, "tap");
    await expect.poll(() => page.locator(".map-details").textContent()).toContain("Storefront");
    await expect.poll(() => page.locator(".map-details").textContent()).toContain("CPU utilisation");
    await saveScreenshot(page, "map-machine");
    expect(errors, errors.join("\n")).toEqual([]);
    await page.close();
  });

  it("draws a failing connection dashed red and calls out one that worked the day before", async () => {
    const { page, errors } = await newPage();
    const [broken] = await kql(`
      let before = VMConnection | where TimeGenerated < datetime(2026-11-22T06:00:00Z) and Direction == "outbound"
        | summarize BeforeLinks = sum(LinksEstablished), BeforeFailed = sum(LinksFailed) by Machine, Process, RemoteIp, DestinationPort;
      VMConnection | where ${window} and Direction == "outbound"
      | summarize Links = sum(LinksEstablished), Failed = sum(LinksFailed) by Machine, Process, RemoteIp, DestinationPort
      | join kind=inner before on Machine, Process, RemoteIp, DestinationPort
      | where Failed > Links and BeforeLinks > 0 and BeforeFailed == 0
      | summarize by Machine | order by Machine asc | take 1`);
    const machine = String(broken?.["Machine"]);
    await openMap(page, `view=machine&machine=${machine}&time=${lastHour}`);
    const style = await page.evaluate(() => {
      const edge = window.svcmapCy?.edges(".failed").first();
      return {
        count: window.svcmapCy?.edges(".failed").length ?? 0,
        line: edge?.style("line-style"),
        color: edge?.style("line-color"),
      };
    });
    const danger = await page.evaluate(() => {
      const probe = document.createElement("span");
      probe.style.color = getComputedStyle(document.documentElement).getPropertyValue("--danger");
      document.body.append(probe);
      const color = getComputedStyle(probe).color;
      probe.remove();
      return color;
    });
    expect(style.count).toBeGreaterThan(0);
    expect(style.line).toBe("dashed");
    expect(style.color?.replaceAll(" ", "")).toBe(danger.replaceAll(" ", ""));
    await expect
      .poll(() => page.getByRole("status").textContent())
      .toMatch(/worked the day before and fails? now/);
    expect(await page.evaluate(() => window.svcmapCy?.edges(".regression").length)).toBeGreaterThan(0);
    await saveScreenshot(page, "map-failing");

    // Hovering a failed edge shows its links, bytes and response time.
    const midpoint = await page.evaluate(() => {
      const edge = window.svcmapCy?.edges(".regression").first();
      const box = window.svcmapCy?.container()?.getBoundingClientRect();
      const p = edge?.renderedMidpoint();
      return { x: (box?.left ?? 0) + (p?.x ?? 0), y: (box?.top ?? 0) + (p?.y ?? 0) };
    });
    await page.mouse.move(midpoint.x, midpoint.y);
    await expect
      .poll(() => page.getByRole("tooltip").textContent())
      .toMatch(/links.*failed.*sent.*response time/s);
    expect(errors, errors.join("\n")).toEqual([]);
    await page.close();
  });

  it("changes what is shown when the time picker changes the range", async () => {
    const { page, errors } = await newPage();
    const [broken] = await kql(`
      VMConnection | where ${window} and Direction == "outbound" and LinksFailed > 0
      | summarize Failed = sum(LinksFailed) by Machine | order by Failed desc, Machine asc | take 1`);
    const machine = String(broken?.["Machine"]);
    await openMap(page, `view=machine&machine=${machine}&time=${lastHour}`);
    const failedNow = await page.evaluate(() => window.svcmapCy?.edges(".failed").length ?? 0);
    expect(failedNow).toBeGreaterThan(0);

    const [earlier] = await kql(`
      VMConnection | where TimeGenerated >= datetime(2026-11-22T04:00:00Z) and TimeGenerated < datetime(2026-11-22T04:10:00Z)
        and Machine == "${machine}" and Direction == "outbound" and LinksFailed > 0 | count`);
    await page.getByLabel("From (UTC)").fill("2026-11-22T04:00");
    await page.getByLabel("To (UTC)").fill("2026-11-22T04:10");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForFunction(() => window.location.hash.includes("2026-11-22T04%3A10"));
    await waitForMap(page);
    const failedEarlier = await page.evaluate(() => window.svcmapCy?.edges(".failed").length ?? 0);
    expect(failedEarlier > 0).toBe(Number(earlier?.["Count"]) > 0);
    expect(failedEarlier).not.toBe(failedNow);
    expect(errors, errors.join("\n")).toEqual([]);
    await page.close();
  });

  it("loads a server's map from the context menu and shows the map as an accessible table", async () => {
    const { page, errors } = await newPage();
    await openMap(page, `view=machine&machine=${acmeDemo}&time=${lastHour}`);
    const target = await page.evaluate(() => {
      const node = window.svcmapCy
        ?.nodes("node.machine")
        .filter((n) => !n.hasClass("focus"))
        .first();
      const box = window.svcmapCy?.container()?.getBoundingClientRect();
      // Inside the machine's box, in the padding beside its processes, so that the machine is what is hit.
      const p = node?.renderedBoundingBox({ includeLabels: false });
      return {
        label: String(node?.data("label")),
        x: (box?.left ?? 0) + (p?.x1 ?? 0) + 5,
        y: (box?.top ?? 0) + (p?.y1 ?? 0) + 5,
      };
    });
    await page.mouse.click(target.x, target.y, { button: "right" });
    await page.getByRole("menuitem", { name: "Load server map" }).click();
    await waitForMap(page);
    await expect
      .poll(() => page.getByRole("heading", { level: 1 }).textContent())
      .toBe(`Map of ${target.label}`);

    // A client group expands into its members and collapses again.
    const group = await page.evaluate(() => String(window.svcmapCy?.nodes("node.clientGroup").first().id()));
    await emit(page, group, "dbltap");
    await expect
      .poll(() => page.evaluate(() => window.svcmapCy?.nodes("node.member").length ?? 0))
      .toBeGreaterThan(0);
    await saveScreenshot(page, "map-expanded-group");
    await emit(page, group, "dbltap");
    await expect.poll(() => page.evaluate(() => window.svcmapCy?.nodes("node.member").length ?? 0)).toBe(0);

    await page.getByRole("button", { name: "Show as table" }).click();
    const table = page.getByRole("table", { name: /Connections/ });
    await table.waitFor();
    expect(await table.getByRole("row").count()).toBeGreaterThan(1);
    await saveScreenshot(page, "map-table");
    expect(errors, errors.join("\n")).toEqual([]);
    await page.close();
  });

  it("keeps a group made in the page across a server restart, and maps it", async () => {
    const { page, errors } = await newPage();
    await openMap(page, `view=machine&machine=${acmeDemo}&time=${lastHour}&tab=groups`);
    await page.getByLabel("New group").fill("Checkout path");
    await page.getByRole("button", { name: "Create" }).click();
    await page.getByRole("button", { name: "Checkout path", exact: true }).waitFor();
    await emit(page, `machine:${acmeDemo}`, "tap");
    const groupSelect = page.getByLabel("Add to group");
    await groupSelect.waitFor();
    await groupSelect.selectOption({ label: "Checkout path" });
    await page.getByRole("button", { name: "Add", exact: true }).click();
    const row = page.locator(".group-list > li", { hasText: "Checkout path" });
    await expect.poll(() => row.textContent()).toContain("1 machine");
    await page.close();

    await workspace.stop();
    workspace = await serveWorkspace(dataDir);

    const again = await newPage();
    await openMap(again.page, `view=estate&time=${lastHour}&tab=groups`);
    await again.page.getByRole("button", { name: "Checkout path", exact: true }).click();
    await waitForMap(again.page);
    expect(await drawn(again.page, "node.machine.focus")).toEqual(["acme-demo"]);
    await again.page.getByLabel("Only group-connected processes").check();
    await waitForMap(again.page);
    expect(again.page.url()).toContain("inner=1");
    await saveScreenshot(again.page, "map-group");
    expect([...errors, ...again.errors], errors.join("\n")).toEqual([]);
    await again.page.close();
  });

  it("aggregates the estate by site, opens a site, and draws in the dark theme", async () => {
    const { page, errors } = await newPage();
    await openMap(page, `view=estate&by=site&time=${lastHour}`);
    const aggregates = await drawn(page, "node.aggregate");
    expect(aggregates.some((a) => a.startsWith("dal1.acme.example"))).toBe(true);
    await saveScreenshot(page, "map-estate");
    await emit(page, "aggregate:dal1.acme.example", "dbltap");
    await page.waitForFunction(() => window.location.hash.includes("within=dal1.acme.example"));
    await waitForMap(page);
    expect((await drawn(page, "node.machine")).length).toBeGreaterThan(1);
    await page.getByRole("button", { name: /Switch to the (dark|light) theme/ }).click();
    if ((await page.evaluate(() => document.documentElement.dataset["theme"])) !== "dark") {
      await page.getByRole("button", { name: /Switch to the (dark|light) theme/ }).click();
    }
    await saveScreenshot(page, "map-estate-site-dark");
    expect(errors, errors.join("\n")).toEqual([]);
    await page.close();
  });
});
