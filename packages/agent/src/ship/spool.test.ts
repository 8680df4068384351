import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { Spool } from "./spool.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "svcmap-spool-"));
  dirs.push(dir);
  return dir;
}

describe("the spool", () => {
  it("keeps batches in order across a restart, gzipped NDJSON under a stable batch id", () => {
    const dir = tempDir();
    const first = new Spool(dir).add("Heartbeat", [{ Computer: "a" }, { Computer: "b" }]);
    const reopened = new Spool(dir);
    const second = reopened.add("VMConnection", [{ Computer: "c" }]);
    expect(reopened.list().map((b) => [b.table, b.batchId, b.rows])).toEqual([
      ["Heartbeat", first?.batchId, 2],
      ["VMConnection", second?.batchId, 1],
    ]);
    const body = gunzipSync(reopened.read(reopened.list()[0]!)).toString();
    expect(body).toBe('{"Computer":"a"}\n{"Computer":"b"}\n');
  });

  it("drops the oldest batches past its bound and counts them", () => {
    const spool = new Spool(tempDir(), 1000);
    const rows = (n: number): object[] =>
      Array.from({ length: n }, (_, i) => ({ Computer: `host-${i}-${Math.random()}` }));
    const batches = [1, 2, 3, 4, 5, 6].map(() => spool.add("Heartbeat", rows(20))!);
    const kept = spool.list().map((b) => b.batchId);
    expect(spool.sizeBytes()).toBeLessThanOrEqual(1000);
    expect(kept).toEqual(batches.slice(batches.length - kept.length).map((b) => b.batchId));
    expect(spool.drops).toEqual({ batches: 6 - kept.length, rows: 20 * (6 - kept.length) });
    expect(spool.drops.batches).toBeGreaterThan(0);
  });
});
