// Every query of the seed documents, typed into the Logs page and run there, shows the Query API's rows;
// those that render are drawn.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { collectPageErrors, saveScreenshot } from "../../test-support/browser.js";
import { apiQuery, runQuery, typeQuery } from "../../test-support/logs-page.js";
import { openSimulatedWorkspace, type SimulatedWorkspace } from "../../test-support/simulated-workspace.js";
import type { RunningWorkspace } from "../../test-support/workspace-process.js";
import { filtersTimeGenerated } from "./time-filter.js";

const seedFile = fileURLToPath(new URL("../../../workspace/src/kql/seed/seed-queries.kql", import.meta.url));

function seeds(): { name: string; query: string }[] {
  return readFileSync(seedFile, "utf8")
    .split(/^\/\/ ---$/m)
    .flatMap((block) => {
      const name = /^\/\/ name: (\S+)/m.exec(block)?.[1];
      const query = block
        .split("\n")
        .filter((line) => !/^\/\/ name:/.test(line))
        .join("\n")
        .trim();
      return name === undefined ? [] : [{ name, query }];
    });
}

let setting: SimulatedWorkspace;
let workspace: RunningWorkspace;
let browser: Browser;

beforeAll(async () => {
  setting = await openSimulatedWorkspace();
  ({ workspace, browser } = setting);
});

afterAll(async () => {
  await setting?.close();
});

describe("the seed documents' queries in the browser", () => {
  let page: Page;
  let errors: string[];
  const drawn: string[] = [];

  beforeAll(async () => {
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    errors = collectPageErrors(page);
    await page.goto(`${workspace.url}/#/logs`);
    await page.locator(".kql-editor .view-lines").waitFor();
  });

  afterAll(async () => {
    await page?.close();
  });

  it.each(seeds())(
    "$name runs from the editor with the Query API's rows, and is drawn if it renders",
    async (seed) => {
      await typeQuery(page, seed.query);
      await runQuery(page);
      const problem =
        (await page.locator(".query-error").count()) === 0
          ? ""
          : await page.locator(".query-error").textContent();
      expect(problem).toBe("");
      const status = (await page.locator(".query-status").textContent()) ?? "";
      const shown = Number(/^([\d,]+) rows?/.exec(status)?.[1]?.replaceAll(",", "") ?? NaN);
      const expected = await apiQuery(
        workspace.url,
        seed.query,
        filtersTimeGenerated(seed.query) ? undefined : "PT1440M",
      );
      expect(shown).toBe(expected.rows.length);
      if (/\|\s*render\s/.test(seed.query)) {
        const chart = page.locator('.chart[data-drawn="true"], .chart-card, .chart-message');
        await chart.first().waitFor({ timeout: 15_000 });
        expect(await page.locator(".chart-message").count()).toBe(0);
        drawn.push(seed.name);
        await saveScreenshot(page, `seed-${seed.name}`);
      }
      expect(errors, errors.join("\n")).toEqual([]);
    },
  );

  it("drew every seed that renders", () => {
    expect(drawn).toEqual(["remote-geolocation-map", "bytes-trend", "link-status-trends", "failure-trend"]);
  });
});
