// The compiler thread runs only from the build (a worker thread loads compiled JavaScript), so this test
// imports the built package: npm test builds first; otherwise run `npx tsc -b packages/cli`.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

type Built = typeof import("../../index.js");
const built = (await import(new URL("../../../dist/index.js", import.meta.url).href)) as Built;

let dir: string;
let store: InstanceType<Built["WorkspaceStore"]>;
let engine: InstanceType<Built["KqlEngine"]>;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "svcmap-compile-thread-"));
  store = await built.WorkspaceStore.open({ dataDir: join(dir, "data"), memoryLimit: "256MB" });
  engine = new built.KqlEngine(store);
  engine.warm();
});
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("queries compiled on the compiler thread", () => {
  it("answer as on this thread, many at once", async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => engine.run(`print x = ${i} | extend y = x * 2`)),
    );
    expect(results.map((r) => r.tables[0]?.rows)).toEqual(Array.from({ length: 8 }, (_, i) => [[i, i * 2]]));
    expect((await engine.run("VMConnection | count")).tables[0]?.rows).toEqual([[0]]);
  });

  it("bring the user's error back with its code and position", async () => {
    const error = await engine.run("VMConnection\n| where Compter == 'x'").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(built.QueryError);
    expect(error).toMatchObject({ code: "SemanticError" });
    expect((error as InstanceType<Built["QueryError"]>).diagnostics[0]).toMatchObject({ line: 2, column: 9 });
  });

  it("take now() from each run", async () => {
    const query = "print t = now(), a = ago(1d)";
    const first = await engine.run(query, { now: new Date("2026-01-01T00:00:00Z") });
    const second = await engine.run(query, { now: new Date("2026-01-02T00:00:00Z") });
    expect(first.tables[0]?.rows).toEqual([["2026-01-01T00:00:00Z", "2025-12-31T00:00:00Z"]]);
    expect(second.tables[0]?.rows).toEqual([["2026-01-02T00:00:00Z", "2026-01-01T00:00:00Z"]]);
  });
});
