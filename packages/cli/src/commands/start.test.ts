// `svcmap start` with its embedded defaults: run from an empty directory, it creates ./svcmap-data and
// answers the Query API on the port it was given (the default, 7150, may be taken on a test machine).

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../../bin/svcmap.js", import.meta.url));
const cwd = mkdtempSync(join(tmpdir(), "svcmap-start-"));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

it("starts the workspace with its defaults and stops on SIGINT", async () => {
  const child = spawn(process.execPath, [bin, "start", "--port", "0"], {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let banner = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      banner += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(banner);
      if (match) resolve(match[1] as string);
    });
    child.once("exit", () => reject(new Error(`start exited early: ${banner}`)));
  });
  expect(existsSync(join(cwd, "svcmap-data", "workspace.duckdb"))).toBe(true);
  const response = await fetch(`${url}/v1/workspaces/default/query`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "VMConnection | count" }),
  });
  expect(await response.json()).toEqual({
    tables: [{ name: "PrimaryResult", columns: [{ name: "Count", type: "long" }], rows: [[0]] }],
  });
  child.kill("SIGINT");
  expect(await exited).toBe(0);
});
