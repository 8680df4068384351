// Debian's Chromium driven by playwright-core, for the web UI's tests. Playwright's own browser downloads are
// not used: the tests run against the system browser that users of the product run too.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";

const chromiumPath = process.env["SVCMAP_CHROMIUM"] ?? "/usr/bin/chromium";

// Without the background-networking flags Chromium keeps dialling out, which a closed network refuses.
const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
}

/** Screenshots of the main views are kept as artifacts of the test run, to be looked at. */
export const screenshotDir = fileURLToPath(new URL("../../../test-results/screenshots/", import.meta.url));

export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

/** Fails the test on any error the page logs or throws, which would otherwise go unseen. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  return errors;
}
