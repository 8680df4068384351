import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KqlEngine } from "../kql/engine.js";
import { WorkspaceStore } from "../store/workspace-store.js";
import { kqlDatetime, kqlString, kqlStringList } from "./kql-literal.js";

const hostile = [
  "",
  "plain",
  'a"b',
  "a'b",
  "back\\slash\\",
  '\\"; VMConnection | take 1 //',
  '" | where 1 == 1 | project x = "',
  "line\nbreak\r\ttab",
  "nul\0inside",
  "/* comment */ -- dash",
  "ünïcødé 😀 \u2028 \uFEFF",
  "@'verbatim'",
  'h"hidden"',
];

describe("KQL literals for the map's queries", () => {
  let dir: string;
  let store: WorkspaceStore;
  let engine: KqlEngine;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "svcmap-kql-literal-"));
    store = await WorkspaceStore.open({ dataDir: dir, memoryLimit: "256MB", threads: 1 });
    engine = new KqlEngine(store);
  });

  afterAll(() => {
    store?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it.each(hostile)("reads back exactly the string given: %j", async (value) => {
    const result = await engine.run(`print value = ${kqlString(value)}, n = 1`);
    expect(result.tables[0]?.rows).toEqual([[value, 1]]);
  });

  it("keeps a hostile list of values inside one `in` list", async () => {
    const result = await engine.run(
      `print x = ${kqlString(hostile[5] ?? "")} | where x in ${kqlStringList(hostile)} | count`,
    );
    expect(result.tables[0]?.rows).toEqual([[1]]);
    expect(() => kqlStringList([])).toThrow(/empty list/);
  });

  it("writes instants as datetime literals and refuses invalid dates", async () => {
    const at = new Date("2026-01-02T03:04:05.678Z");
    const result = await engine.run(`print t = ${kqlDatetime(at)}`);
    expect(result.tables[0]?.rows).toEqual([["2026-01-02T03:04:05.678Z"]]);
    expect(() => kqlDatetime(new Date("nonsense"))).toThrow(/not a valid date/);
  });
});
