// The worker path runs only from the build (a worker thread loads compiled JavaScript), so this test
// imports the built package: npm test builds first; otherwise run `npx tsc -b packages/cli`.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

type Built = typeof import("../index.js");
const built = (await import(new URL("../../dist/index.js", import.meta.url).href)) as Built;

let dir: string;
let store: InstanceType<Built["WorkspaceStore"]>;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "svcmap-parse-worker-"));
  store = await built.WorkspaceStore.open({ dataDir: join(dir, "data") });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, lines: readonly object[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.map((l) => JSON.stringify(l)).join("\n"));
  return path;
}

async function count(): Promise<unknown> {
  return store.withConnection(async (c) => {
    const reader = await c.runAndReadAll(
      `SELECT (SELECT count(*) FROM VMConnection) AS rows, (SELECT sum(Quantity) FROM Usage) AS mb`,
    );
    return reader.getRowObjectsJson()[0];
  });
}

const row = (i: number): object => ({
  TimeGenerated: "2026-05-01T10:00:00Z",
  Computer: `web-${i % 7}`,
  Machine: `m-${i % 7}`,
  ConnectionId: `c-${i}-a-value-long-enough-for-the-string-heap`,
  DestinationPort: 443,
  BytesSent: i,
});

describe("parsing files in a worker thread", () => {
  it("stores the same rows, defaults and Usage as parsing on this thread", async () => {
    expect(built.parseWorkerAvailable()).toBe(true);
    const rows = Array.from({ length: 5000 }, (_, i) => row(i));
    const result = await built.ingestFiles(store, "VMConnection", [file("a.ndjson", rows)], {
      parseInWorker: true,
    });
    expect(result.rows).toBe(5000);
    const inWorker = await store.withConnection(async (c) =>
      (
        await c.runAndReadAll(`SELECT * EXCLUDE (TenantId) FROM VMConnection ORDER BY BytesSent`)
      ).getRowsJson(),
    );
    await store.withConnection((c) => c.run("DELETE FROM VMConnection"));
    await built.ingestFiles(store, "VMConnection", [file("b.ndjson", rows)], { parseInWorker: false });
    const onThread = await store.withConnection(async (c) =>
      (
        await c.runAndReadAll(`SELECT * EXCLUDE (TenantId) FROM VMConnection ORDER BY BytesSent`)
      ).getRowsJson(),
    );
    expect(inWorker).toEqual(onThread);
  });

  it("rejects the whole batch on a bad row, naming file, line and column", async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => row(i));
    rows[4500] = { ...row(4500), DestinationPort: "https" };
    await expect(
      built.ingestFiles(store, "VMConnection", [file("bad.ndjson", rows)], { parseInWorker: true }),
    ).rejects.toThrow(/bad\.ndjson:4501: column DestinationPort: expected int, got "https"/);
    expect(await count()).toEqual({ rows: "0", mb: null });
  });
});
