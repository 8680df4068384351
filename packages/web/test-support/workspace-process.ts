// A real workspace for the web UI's tests: `svcmap serve` as a child process on a free port, over a data
// directory the test fills (usually with `svcmap simulate`), exactly as a user starts it.

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const svcmapBin = fileURLToPath(new URL("../../cli/bin/svcmap.js", import.meta.url));

export function newDataDir(): string {
  return mkdtempSync(join(tmpdir(), "svcmap-web-"));
}

/** Runs a `svcmap` command to completion (simulate, keys, ingest …); throws with its output when it fails. */
export function svcmap(args: readonly string[]): string {
  const result = spawnSync(process.execPath, [svcmapBin, ...args], { encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`svcmap ${args.join(" ")} exited ${result.status}: ${result.stderr}${result.stdout}`);
  }
  return result.stdout;
}

export interface RunningWorkspace {
  readonly url: string;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/** Starts `svcmap serve` over `dataDir` and resolves once it prints its URL. */
export function serveWorkspace(
  dataDir: string,
  extraArgs: readonly string[] = [],
): Promise<RunningWorkspace> {
  const child = spawn(
    process.execPath,
    [
      svcmapBin,
      "serve",
      "--data",
      dataDir,
      "--port",
      "0",
      "--log-level",
      "warn",
      "--retention-days",
      "3650",
      ...extraArgs,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening on (\S+)/.exec(output);
      if (match?.[1] !== undefined) {
        child.stdout?.off("data", onData);
        resolve({ url: match[1], dataDir, stop: () => stopChild(child) });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) =>
      reject(new Error(`svcmap serve exited ${code} before listening: ${output}`)),
    );
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

export function removeDataDir(dataDir: string): void {
  rmSync(dataDir, { recursive: true, force: true });
}
