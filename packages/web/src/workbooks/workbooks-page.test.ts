import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { collectPageErrors, saveScreenshot } from "../../test-support/browser.js";
import { openSimulatedWorkspace, type SimulatedWorkspace } from "../../test-support/simulated-workspace.js";
import type { RunningWorkspace } from "../../test-support/workspace-process.js";
import { defaultWorkbook } from "./default-workbook.js";
import { parseWorkbook } from "./workbook.js";

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

async function open(hash: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors = collectPageErrors(page);
  await page.goto(`${workspace.url}/#/workbooks${hash}`);
  return { page, errors };
}

const queryStepCount = defaultWorkbook.items.filter((i) => i.type === "query").length;

describe("workbooks", () => {
  it("render the default Service Map insights workbook on a simulated estate", async () => {
    const { page, errors } = await open("");
    await expect.poll(() => page.locator("h1").textContent()).toBe("Service Map insights");
    // Every query step ends drawn (a chart or a grid), none with an error.
    await expect
      .poll(
        () => page.locator('.workbook-step .chart[data-drawn="true"], .workbook-step [role="grid"]').count(),
        {
          timeout: 60_000,
        },
      )
      .toBe(queryStepCount);
    expect(await page.locator(".workbook-step .error-message").count()).toBe(0);
    expect(await page.locator('.workbook-step .chart[data-chart-kind="map"]').count()).toBe(1);
    await saveScreenshot(page, "workbook-default");

    // Choosing a machine narrows every step to it.
    await page.getByLabel("Machine", { exact: true }).selectOption("acme-demo");
    expect(page.url()).toContain("p.Computer=acme-demo");
    const bars = page
      .getByRole("region", { name: "Chattiest machines (connections established)" })
      .locator(".chart[data-drawn]");
    await expect
      .poll(async () => JSON.parse((await bars.getAttribute("data-series")) ?? "[]"))
      .toEqual(["Connections"]);

    // Each step opens in Logs with the parameters' values in its query.
    await page
      .getByRole("region", { name: "Open ports by machine" })
      .getByRole("link", { name: "Open in Logs" })
      .click();
    await page.locator(".kql-editor .view-lines").waitFor();
    const text = (await page.locator(".kql-editor .view-lines").innerText()).replaceAll("\u00a0", " ");
    expect(text).toContain('Computer == "acme-demo"');
    expect(errors, errors.join("\n")).toEqual([]);
    await page.close();
  });

  it("save into the workspace, reload from it, and export and import as JSON", async () => {
    const { page, errors } = await open("");
    await page.getByRole("button", { name: "Edit" }).click();
    await page.getByLabel("Workbook title").fill("Estate review");
    const firstStep = page.getByRole("region", { name: "Step 1 (editing)" });
    await firstStep.getByRole("textbox").fill("# Estate review\nChecked weekly.");
    await page.getByRole("button", { name: "Remove Step 13" }).click();
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect.poll(() => page.getByRole("status").filter({ hasText: "Saved" }).count()).toBe(1);
    expect(page.url()).toContain("name=Estate+review");

    // What the workspace holds is what was saved.
    const stored = (await (await fetch(`${workspace.url}/api/saved/workbooks/Estate%20review`)).json()) as {
      content: unknown;
    };
    const saved = parseWorkbook(stored.content);
    expect(saved.items).toHaveLength(defaultWorkbook.items.length - 1);
    expect(saved.items[0]).toEqual({ type: "text", text: "# Estate review\nChecked weekly." });

    // A fresh page shows it from the workspace.
    await page.reload();
    await expect.poll(() => page.locator("h1").textContent()).toBe("Estate review");
    await expect.poll(() => page.locator(".workbook-text p").first().textContent()).toBe("Checked weekly.");
    expect(
      await page.getByRole("combobox", { name: "Workbook" }).locator("option").allTextContents(),
    ).toEqual(["Service Map insights", "Estate review"]);

    // Export downloads the workbook as JSON ...
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export JSON" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe("Estate-review.workbook.json");
    const path = join(workspace.dataDir, "exported.json");
    await file.saveAs(path);
    const exported = JSON.parse(readFileSync(path, "utf8")) as { title: string };
    expect(parseWorkbook(exported)).toEqual(saved);

    // ... which imports back, here under a new title, as an unsaved draft.
    writeFileSync(path, JSON.stringify({ ...exported, title: "Imported review" }));
    await page.locator('.file-button input[type="file"]').setInputFiles(path);
    await expect.poll(() => page.getByLabel("Workbook title").inputValue()).toBe("Imported review");
    expect(await page.locator(".draft-note").count()).toBe(1);

    // A file that is not a workbook is refused, saying why.
    writeFileSync(path, JSON.stringify({ version: 1, title: "x", items: [{ type: "picture" }] }));
    await page.locator('.file-button input[type="file"]').setInputFiles(path);
    await expect
      .poll(() => page.locator(".toolbar [role=alert]").textContent())
      .toBe('That file is not a workbook: items[0].type must be "text" or "query"');
    await saveScreenshot(page, "workbook-imported");
    expect(errors, errors.join("\n")).toEqual([]);
    await page.close();
  });
});
