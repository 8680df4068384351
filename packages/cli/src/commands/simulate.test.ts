// Runs the built command (npm test builds first) into temporary data directories.

import { createHash } from "node:crypto";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { storedTableNames } from "@svcmap/model";
import { WorkspaceStore } from "@svcmap/workspace";

const bin = fileURLToPath(new URL("../../bin/svcmap.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "svcmap-simulate-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function svcmap(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
    });
  });
}

/** A digest of every table's rows in stored order, leaving out TenantId (each data directory has its own). */
async function digestOf(dataDir: string): Promise<Record<string, string>> {
  const store = await WorkspaceStore.open({ dataDir });
  try {
    return await store.withConnection(async (c) => {
      const digests: Record<string, string> = {};
      for (const table of storedTableNames) {
        const reader = await c.runAndReadAll(`SELECT * EXCLUDE ("TenantId") FROM "${table}" ORDER BY rowid`);
        digests[table] = createHash("sha256").update(JSON.stringify(reader.getRowsJson())).digest("hex");
      }
      return digests;
    });
  } finally {
    store.close();
  }
}

async function countOf(dataDir: string, table: string): Promise<number> {
  const store = await WorkspaceStore.open({ dataDir });
  try {
    return await store.withConnection(async (c) =>
      Number((await c.runAndReadAll(`SELECT count(*) FROM "${table}"`)).getRowsJS()[0]?.[0]),
    );
  } finally {
    store.close();
  }
}

const fixed = ["--machines", "10", "--hours", "1", "--end", "2026-03-10T12:00:00Z"];

describe("svcmap simulate", () => {
  it("writes every table and reports what it wrote", async () => {
    const data = join(dir, "a");
    const { code, stdout, stderr } = await svcmap(["simulate", "--data", data, ...fixed, "--seed", "5"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    for (const table of storedTableNames)
      expect(stdout).toMatch(new RegExp(`^  ${table} +[\\d,]+ rows`, "m"));
    expect(stdout).toMatch(/rows from 2026-03-10T11:00:00\.000Z to 2026-03-10T12:00:00\.000Z/);
    expect(await countOf(data, "VMConnection")).toBeGreaterThan(10 * 60 * 5);
  });

  it("writes identical rows for the same arguments, and different ones for another seed", async () => {
    await svcmap(["simulate", "--data", join(dir, "b"), ...fixed, "--seed", "5"]);
    await svcmap(["simulate", "--data", join(dir, "c"), ...fixed, "--seed", "6"]);
    const a = await digestOf(join(dir, "a"));
    expect(await digestOf(join(dir, "b"))).toEqual(a);
    const c = await digestOf(join(dir, "c"));
    expect(c["VMConnection"]).not.toBe(a["VMConnection"]);
  });

  it("warns when adding to existing rows, and --replace starts over", async () => {
    const data = join(dir, "a");
    const before = await countOf(data, "VMConnection");
    const again = await svcmap(["simulate", "--data", data, ...fixed, "--seed", "5", "--replace"]);
    expect(again.code).toBe(0);
    expect(await countOf(data, "VMConnection")).toBe(before);
    const added = await svcmap(["simulate", "--data", data, ...fixed, "--seed", "5"]);
    expect(added.code).toBe(0);
    expect(added.stderr).toMatch(/already holds [\d,]+ rows/);
    expect(await countOf(data, "VMConnection")).toBe(2 * before);
  });

  it("explains its options and refuses bad ones", async () => {
    const help = await svcmap(["simulate", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("acme-demo");
    expect(help.stdout).toContain("--machines N");
    const small = await svcmap(["simulate", "--data", join(dir, "x"), "--machines", "3"]);
    expect(small.code).toBe(2);
    expect(small.stderr).toMatch(/--machines must be a whole number from 10/);
    const badEnd = await svcmap(["simulate", "--data", join(dir, "x"), "--end", "yesterday"]);
    expect(badEnd.code).toBe(2);
  });
});
