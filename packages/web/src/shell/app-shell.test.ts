import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { collectPageErrors, launchBrowser, saveScreenshot } from "../../test-support/browser.js";
import {
  newDataDir,
  removeDataDir,
  serveWorkspace,
  type RunningWorkspace,
} from "../../test-support/workspace-process.js";

let workspace: RunningWorkspace;
let browser: Browser;

beforeAll(async () => {
  workspace = await serveWorkspace(newDataDir());
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await workspace?.stop();
  if (workspace !== undefined) removeDataDir(workspace.dataDir);
});

describe("the web UI's shell, served by the workspace", () => {
  it("navigates between pages by URL and keeps the theme chosen", async () => {
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${workspace.url}/#/logs`);
    await expect
      .poll(() => page.getByRole("link", { name: "Logs" }).getAttribute("aria-current"))
      .toBe("page");

    await page.getByRole("link", { name: "Map" }).click();
    expect(page.url()).toMatch(/#\/map$/);
    await expect
      .poll(() => page.getByRole("link", { name: "Map" }).getAttribute("aria-current"))
      .toBe("page");

    const before = await page.evaluate(() => document.documentElement.dataset["theme"]);
    await page.getByRole("button", { name: /Switch to the (dark|light) theme/ }).click();
    const after = await page.evaluate(() => document.documentElement.dataset["theme"]);
    expect(after).not.toBe(before);
    await page.reload();
    expect(await page.evaluate(() => document.documentElement.dataset["theme"])).toBe(after);
    await saveScreenshot(page, "shell");
    expect(errors, errors.join("\n")).toEqual([]);
    await page.close();
  });

  it("serves the app's assets with long-lived caching and index.html without", async () => {
    const index = await fetch(`${workspace.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get("cache-control")).toBe("no-cache");
    const html = await index.text();
    const asset = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const script = await fetch(`${workspace.url}/${asset}`);
    expect(script.status).toBe(200);
    expect(script.headers.get("cache-control")).toContain("immutable");
  });
});
