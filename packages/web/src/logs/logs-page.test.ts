import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { collectPageErrors, saveScreenshot } from "../../test-support/browser.js";
import { apiQuery, cellText, gridRows, runQuery, typeQuery } from "../../test-support/logs-page.js";
import { openSimulatedWorkspace, type SimulatedWorkspace } from "../../test-support/simulated-workspace.js";
import type { RunningWorkspace } from "../../test-support/workspace-process.js";

let setting: SimulatedWorkspace;
let workspace: RunningWorkspace;
let browser: Browser;

// The page's default time range is the last 24 hours, and the simulated estate ends now.
const timespan = "PT1440M";

beforeAll(async () => {
  setting = await openSimulatedWorkspace();
  ({ workspace, browser } = setting);
});

afterAll(async () => {
  await setting?.close();
});

async function logsPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors = collectPageErrors(page);
  await page.goto(`${workspace.url}/#/logs`);
  await page.locator(".kql-editor .view-lines").waitFor();
  return { page, errors };
}

describe("the logs page", () => {
  it("runs a seed query typed into the editor and shows its rows, sortable", async () => {
    const { page, errors } = await logsPage();
    const query = `VMBoundPort
| where Ip != "127.0.0.1"
| summarize by Computer, Machine, Port, Protocol
| summarize OpenPorts=count() by Computer, Machine
| order by OpenPorts desc, Computer asc`;
    await typeQuery(page, query);
    await runQuery(page);
    const expected = await apiQuery(workspace.url, query, timespan);
    expect(expected.rows.length).toBeGreaterThan(3);
    const shown = await gridRows(page);
    expect(shown).toEqual(expected.rows.map((row) => row.map(cellText)));
    const headers = await page.getByRole("columnheader").allTextContents();
    expect(headers.slice(1)).toEqual(["Computerstring", "Machinestring", "OpenPortslong"]);

    // A click on a header sorts by that column, a second click descending.
    await page.getByRole("button", { name: /^Computer/ }).click();
    const ascending = (await gridRows(page)).map((r) => r[0]);
    expect(ascending).toEqual(
      [...ascending].sort((a, b) =>
        (a ?? "").localeCompare(b ?? "", undefined, { numeric: true, sensitivity: "base" }),
      ),
    );
    await page.getByRole("button", { name: /^Computer/ }).click();
    expect((await gridRows(page)).map((r) => r[0])).toEqual([...ascending].reverse());
    await saveScreenshot(page, "logs-results");

    // The query is in this browser's history.
    await page.getByRole("tab", { name: "History" }).click();
    await expect.poll(() => page.locator(".history-entry").first().textContent()).toBe(query);
    expect(errors, errors.join("\n")).toEqual([]);
    await page.close();
  });

  it("draws a render timechart with one series per machine and measure", async () => {
    const { page, errors } = await logsPage();
    const query =
      "VMConnection | summarize sum(BytesSent), sum(BytesReceived) by bin(TimeGenerated,1hr), Computer | order by Computer desc | render timechart";
    await typeQuery(page, query);
    await runQuery(page);
    const chart = page.locator('.chart[data-chart-kind="timechart"][data-drawn="true"]');
    await chart.waitFor();
    const series = JSON.parse((await chart.getAttribute("data-series")) ?? "[]") as string[];
    const expected = await apiQuery(workspace.url, query, timespan);
    const computers = new Set(expected.rows.map((r) => r[1]));
    expect(series).toHaveLength(computers.size * 2);
    expect(series).toContain(`${[...computers][0]}, sum_BytesSent`);
    // Something was drawn: the canvas is not blank.
    const inked = await chart
      .locator("canvas")
      .first()
      .evaluate((canvas: HTMLCanvasElement) => {
        const data = canvas.getContext("2d")?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
        let count = 0;
        for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) count++;
        return count;
      });
    expect(inked).toBeGreaterThan(5_000);
    await saveScreenshot(page, "logs-timechart");
    expect(errors, errors.join("\n")).toEqual([]);
    await page.close();
  });

  it("draws the geolocation query's destinations as dots at their places on the world map", async () => {
    const { page, errors } = await logsPage();
    const query = `VMConnection
| where RemoteLatitude > 0
| project RemoteCountry, RemoteLatitude, RemoteLongitude, BytesSent
| render scatterchart with (kind=map)`;
    await typeQuery(page, query);
    await runQuery(page);
    const chart = page.locator('.chart[data-chart-kind="map"][data-drawn="true"]');
    await chart.waitFor({ timeout: 30_000 });
    const points = JSON.parse((await chart.getAttribute("data-points")) ?? "[]") as {
      name: string;
      latitude: number;
      longitude: number;
      value: number;
      x: number;
      y: number;
    }[];

    // One dot per place, sized by the bytes sent there.
    const expected = await apiQuery(workspace.url, query, timespan);
    const places = new Map<string, number>();
    for (const [country, lat, lon, bytes] of expected.rows) {
      const key = `${String(country)} ${String(lat)} ${String(lon)}`;
      places.set(key, (places.get(key) ?? 0) + Number(bytes));
    }
    expect(points.map((p) => `${p.name} ${p.latitude} ${p.longitude}`).sort()).toEqual(
      [...places.keys()].sort(),
    );
    for (const p of points) expect(p.value).toBe(places.get(`${p.name} ${p.latitude} ${p.longitude}`));

    // The projection keeps east to the right and north up: Berlin is right of New York and above Tokyo.
    const at = (name: string) => points.find((p) => p.name === name);
    const berlin = at("Germany");
    const tokyo = at("Japan");
    const us = points.filter((p) => p.name === "United States");
    expect(berlin && tokyo && us.length > 0).toBeTruthy();
    for (const p of us) expect(p.x).toBeLessThan(berlin?.x ?? 0);
    expect(tokyo?.x).toBeGreaterThan(berlin?.x ?? 0);
    expect(berlin?.y).toBeLessThan(tokyo?.y ?? 0);

    // And every dot is drawn where the projection puts it: its centre has the dots' orange (or, where dots
    // overlap, their darker orange edge).
    const colours = await chart
      .locator("canvas")
      .first()
      .evaluate(
        (canvas: HTMLCanvasElement, spots: { x: number; y: number }[]) => {
          const context = canvas.getContext("2d");
          const scale = canvas.width / canvas.clientWidth;
          return spots.map(({ x, y }) => [
            ...(context?.getImageData(Math.round(x * scale), Math.round(y * scale), 1, 1).data ?? []),
          ]);
        },
        points.map(({ x, y }) => ({ x, y })),
      );
    for (const [r = 0, g = 0, b = 0] of colours) {
      expect(r).toBeGreaterThan(150);
      expect(r).toBeGreaterThan(g + 40);
      expect(g).toBeGreaterThan(b);
    }
    await saveScreenshot(page, "logs-world-map");
    expect(errors, errors.join("\n")).toEqual([]);
    await page.close();
  });

  it("underlines the token the workspace reports an error at, and says where it is", async () => {
    const { page, errors } = await logsPage();
    // Kusto's own analyser accepts this query; the workspace refuses series_fir, so the mark is the server's.
    await typeQuery(page, "VMConnection\n| take 1\n| extend f = series_fir(dynamic([1, 2]), dynamic([1]))");
    await runQuery(page);
    await expect
      .poll(() => page.locator(".query-error").textContent())
      .toMatch(/not supported: series_fir.*line 3, column 14/);
    const squiggle = page.locator(".kql-editor .squiggly-error");
    await squiggle.first().waitFor();
    const boxes = await page.evaluate(() => {
      const lines = [...document.querySelectorAll(".kql-editor .view-line")];
      const line = lines.find((l) => l.textContent?.includes("series_fir"));
      const walker = document.createTreeWalker(line as Node, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
        const at = node.textContent?.indexOf("series_fir") ?? -1;
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + "series_fir".length);
        const token = range.getBoundingClientRect();
        const squiggles = [...document.querySelectorAll(".kql-editor .squiggly-error")].map((s) =>
          s.getBoundingClientRect(),
        );
        return {
          token: { left: token.left, right: token.right, top: token.top, bottom: token.bottom },
          squiggles: squiggles.map((s) => ({ left: s.left, right: s.right, top: s.top, bottom: s.bottom })),
        };
      }
      return undefined;
    });
    expect(boxes).toBeDefined();
    const { token, squiggles } = boxes ?? { token: { left: 0, right: 0, top: 0, bottom: 0 }, squiggles: [] };
    expect(squiggles).toHaveLength(1);
    const mark = squiggles[0] ?? { left: 0, right: 0, top: 0, bottom: 0 };
    expect(Math.abs(mark.left - token.left)).toBeLessThan(2);
    expect(mark.right).toBeGreaterThan(token.right - 2);
    expect(mark.top).toBeLessThan(token.bottom);
    expect(mark.bottom).toBeGreaterThan(token.top);
    await saveScreenshot(page, "logs-error");
    // The browser logs the 400 answer itself; nothing else may go wrong.
    expect(errors.filter((e) => !e.includes("status of 400"))).toEqual([]);
    await page.close();
  });

  it("expands dynamic values and copies cells", async () => {
    const { page, errors } = await logsPage();
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: workspace.url });
    const query = 'VMComputer | where Computer == "acme-demo" | take 1 | project Computer, Ipv4Addresses';
    await typeQuery(page, query);
    await runQuery(page);
    const expected = await apiQuery(workspace.url, query, timespan);
    const addresses = String(expected.rows[0]?.[1]);
    await page.getByRole("button", { name: "Expand row" }).click();
    expect(await page.locator(".grid-detail pre").textContent()).toBe(
      JSON.stringify(JSON.parse(addresses), null, 2),
    );
    await page.getByRole("gridcell", { name: "acme-demo" }).click();
    await page.getByRole("button", { name: "Copy cell" }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe("acme-demo");
    // In the grid, arrow keys move the selection and Ctrl+C copies it.
    await page.getByRole("grid").focus();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("Control+c");
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(addresses);
    expect(errors, errors.join("\n")).toEqual([]);
    await page.close();
  });

  it("cancels a running query, and the workspace keeps answering", async () => {
    const { page, errors } = await logsPage();
    await typeQuery(page, "range x from 1 to 20000000000 step 1\n| summarize sum(x % 7)");
    await page.locator(".kql-editor textarea").focus();
    await page.keyboard.press("Shift+Enter");
    await expect.poll(() => page.locator(".query-status").textContent()).toBe("Running…");
    await page.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => page.locator(".query-status").textContent()).toBe("Cancelled.");
    await typeQuery(page, "print answer = 42");
    await runQuery(page);
    expect(await gridRows(page)).toEqual([["42"]]);
    expect(errors, errors.join("\n")).toEqual([]);
    await page.close();
  });

  it("saves a query in the workspace and opens it again from another page", async () => {
    const { page, errors } = await logsPage();
    const query = "VMProcess\n| distinct ExecutableName\n| order by ExecutableName asc";
    await typeQuery(page, query);
    await page.getByLabel("Save the query as").fill("Executables");
    await page.getByRole("button", { name: "Save query" }).click();
    await page.getByRole("button", { name: "Executables", exact: true }).waitFor();
    await page.close();

    const { page: other } = await logsPage();
    await typeQuery(other, "print 1");
    await other.getByRole("button", { name: "Executables", exact: true }).click();
    // Monaco draws spaces as non-breaking ones.
    const shown = async (): Promise<string> =>
      (await other.locator(".kql-editor .view-lines").innerText()).replaceAll("\u00a0", " ");
    await expect.poll(shown).toBe(query);
    expect(errors, errors.join("\n")).toEqual([]);
    await other.close();
  });

  it("saves a stored function that queries then call", async () => {
    const { page, errors } = await logsPage();
    await typeQuery(
      page,
      "VMComputer\n| where Computer == machine\n| summarize arg_max(TimeGenerated, *) by Computer\n| project Computer, Cpus",
    );
    await page.getByRole("tab", { name: "Functions" }).click();
    await page.getByLabel("Name").fill("CpusOf");
    await page.getByLabel("Parameters").fill("(machine:string)");
    await page.getByRole("button", { name: "Save function" }).click();
    await page.getByRole("button", { name: /^CpusOf/ }).waitFor();
    await typeQuery(page, 'CpusOf("acme-demo")');
    await runQuery(page);
    const expected = await apiQuery(
      workspace.url,
      'VMComputer | where Computer == "acme-demo" | summarize arg_max(TimeGenerated, *) by Computer | project Computer, Cpus',
      timespan,
    );
    expect(await gridRows(page)).toEqual(expected.rows.map((row) => row.map(cellText)));

    // The editor completes the stored function and the tables from the workspace's schema (which reaches
    // the language service's worker a moment after the function is saved: ask again until it has).
    const suggestions = async (): Promise<string[]> => {
      await page.keyboard.press("Escape");
      await page.keyboard.press("Control+Space");
      await page.waitForTimeout(300);
      return page.locator(".suggest-widget .monaco-list-row").allTextContents();
    };
    await typeQuery(page, "Cpus");
    await expect.poll(suggestions, { timeout: 20_000 }).toContainEqual(expect.stringContaining("CpusOf"));
    await typeQuery(page, "VMConn");
    await expect
      .poll(suggestions, { timeout: 20_000 })
      .toContainEqual(expect.stringContaining("VMConnection"));
    await saveScreenshot(page, "logs-completion");
    expect(errors, errors.join("\n")).toEqual([]);
    await page.close();
  });
});
