// The setting of every browser test of the pages: a small simulated estate ending now (so the pages' default
// time ranges cover it), served by `svcmap serve`, and Debian's Chromium.

import type { Browser } from "playwright-core";
import { launchBrowser } from "./browser.js";
import {
  newDataDir,
  removeDataDir,
  serveWorkspace,
  svcmap,
  type RunningWorkspace,
} from "./workspace-process.js";

export interface SimulatedWorkspace {
  readonly workspace: RunningWorkspace;
  readonly browser: Browser;
  close(): Promise<void>;
}

export async function openSimulatedWorkspace(): Promise<SimulatedWorkspace> {
  const dataDir = newDataDir();
  svcmap(["simulate", "--data", dataDir, "--machines", "10", "--hours", "6"]);
  const workspace = await serveWorkspace(dataDir);
  const browser = await launchBrowser();
  return {
    workspace,
    browser,
    async close() {
      await browser.close();
      await workspace.stop();
      removeDataDir(dataDir);
    },
  };
}
