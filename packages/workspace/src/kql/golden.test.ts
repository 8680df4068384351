// Golden tests for the compiler: each __golden__/NAME.kql runs against the hand-made fixture estate, and its
// generated SQL (NAME.sql) and answer (NAME.result.json) must match the files beside it. The answers were
// checked by hand against Kusto's semantics; `UPDATE_GOLDEN=1` rewrites them after a deliberate change, and
// the diff is then reviewed like code.

import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureNow, openFixture } from "./test-support/fixture.js";

const folder = join(import.meta.dirname, "__golden__");
const update = process.env["UPDATE_GOLDEN"] === "1";
const cases = readdirSync(folder)
  .filter((f) => f.endsWith(".kql"))
  .map((f) => f.slice(0, -4))
  .sort();

let fixture: Awaited<ReturnType<typeof openFixture>>;
beforeAll(async () => {
  fixture = await openFixture();
});
afterAll(() => fixture.close());

/** One row per line, so that a diff of the golden file shows which rows changed. */
function formatResult(result: unknown): string {
  const { tables, ...rest } = result as { tables: { name: string; columns: unknown[]; rows: unknown[][] }[] };
  const lines = ["{", `  "tables": [`];
  tables.forEach((table, t) => {
    lines.push("    {");
    lines.push(`      "name": ${JSON.stringify(table.name)},`);
    lines.push(`      "columns": ${JSON.stringify(table.columns)},`);
    lines.push(`      "rows": [`);
    table.rows.forEach((row, i) =>
      lines.push(`        ${JSON.stringify(row)}${i < table.rows.length - 1 ? "," : ""}`),
    );
    lines.push("      ]");
    lines.push(`    }${t < tables.length - 1 ? "," : ""}`);
  });
  lines.push(`  ]${Object.keys(rest).length > 0 ? "," : ""}`);
  Object.entries(rest).forEach(([key, value], i, all) =>
    lines.push(`  ${JSON.stringify(key)}: ${JSON.stringify(value)}${i < all.length - 1 ? "," : ""}`),
  );
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

/** Compares with the golden file; a missing one is written and reported, so that it gets reviewed. */
function check(path: string, actual: string): string | undefined {
  if (update || !existsSync(path)) {
    writeFileSync(path, actual);
    return update ? undefined : `${path} did not exist; it was written: review it and run again`;
  }
  expect(actual).toBe(readFileSync(path, "utf8"));
  return undefined;
}

describe("golden", () => {
  it.each(cases)("%s", async (name) => {
    const query = readFileSync(join(folder, `${name}.kql`), "utf8");
    const sql = fixture.engine.toSql(query, { now: fixtureNow });
    const missingSql = check(join(folder, `${name}.sql`), `${sql.join(";\n")}\n`);
    const result = await fixture.engine.run(query, { now: fixtureNow });
    const missingResult = check(join(folder, `${name}.result.json`), formatResult(result));
    const missing = [missingSql, missingResult].filter((m) => m !== undefined);
    if (missing.length > 0) throw new Error(missing.join("\n"));
  });
});
