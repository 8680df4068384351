// Driving the Logs page in tests as a person would: typing into the Kusto editor, running with Shift+Enter,
// and reading the results grid and charts back from the page.

import type { Page } from "playwright-core";
import { expect } from "vitest";

/**
 * Gives the editor keyboard focus through its input element: a click could land on a completion or hover
 * widget that happens to lie over the text.
 */
async function focusEditor(page: Page): Promise<void> {
  await page.locator(".kql-editor textarea").focus();
  await page.keyboard.press("Escape");
}

/** Replaces the editor's text with `query` (inserted as typed text, without completion popping in). */
export async function typeQuery(page: Page, query: string): Promise<void> {
  await focusEditor(page);
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(query);
  await page.keyboard.press("Escape");
}

/** Runs the editor's query with Shift+Enter and waits for this run to end, successfully or not. */
export async function runQuery(page: Page): Promise<void> {
  const status = page.locator(".query-status");
  const before = Number((await status.getAttribute("data-settled")) ?? 0);
  await focusEditor(page);
  await page.keyboard.press("Shift+Enter");
  await expect
    .poll(async () => Number((await status.getAttribute("data-settled")) ?? 0), { timeout: 60_000 })
    .toBeGreaterThan(before);
}

/** The rows the results grid shows (its DOM holds only the rows in view). */
export async function gridRows(page: Page, grid = page.getByRole("grid").first()): Promise<string[][]> {
  return grid
    .locator(".grid-row-group")
    .evaluateAll((rows) =>
      rows.map((row) => [...row.querySelectorAll('[role="gridcell"]')].map((cell) => cell.textContent ?? "")),
    );
}

export interface QueryApiTable {
  readonly columns: { name: string; type: string }[];
  readonly rows: unknown[][];
}

/** The Query API's own answer, to compare what the page shows against. */
export async function apiQuery(baseUrl: string, query: string, timespan?: string): Promise<QueryApiTable> {
  const response = await fetch(`${baseUrl}/v1/workspaces/default/query`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(timespan === undefined ? { query } : { query, timespan }),
  });
  const body = (await response.json()) as { tables: QueryApiTable[] };
  const table = body.tables[0];
  if (table === undefined) throw new Error(`no table in ${JSON.stringify(body)}`);
  return table;
}

/** A cell as the grid writes it. */
export function cellText(value: unknown): string {
  return value === null || value === undefined ? "" : String(value);
}
