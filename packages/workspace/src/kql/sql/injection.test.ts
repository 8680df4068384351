// Every literal and identifier position of KQL, fed text that would break out of naive SQL quoting.
// Each query must either answer with the text unchanged or fail as a QueryError; it must never reach
// DuckDB as broken SQL, and nothing stored may change.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QueryError } from "../errors.js";
import { fixtureNow, openFixture } from "../test-support/fixture.js";

const payloads = [
  "'",
  "''",
  '"',
  "\\",
  "\\'",
  '\'; DROP TABLE "VMConnection"; --',
  '"; DROP TABLE VMConnection; --',
  "x' OR '1'='1",
  "-- comment",
  "/* open",
  "*/ close",
  ";",
  "a\u0000b",
  "\u0000",
  "$1",
  "?",
  "%_%",
  ".*",
  "ünïcødé ✓ 日本語 עברית",
  "\u{1F600} emoji",
  "e\u0301 combining",
  "tab\tnew\nline\rcr",
  "E'\\x41'",
  "chr(0)",
];

/** A Kusto string literal for any text: every character outside printable ASCII is written as \uXXXX. */
function kustoString(text: string): string {
  let out = '"';
  for (const ch of text) {
    for (const unit of ch.split("")) {
      const code = unit.charCodeAt(0);
      if (unit === '"' || unit === "\\") out += `\\${unit}`;
      else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, "0")}`;
      else out += unit;
    }
  }
  return `${out}"`;
}

/** A Kusto bracketed identifier: ['…'] with ' and \ escaped. */
function kustoName(text: string): string {
  return `['${text.replaceAll("\\", "\\\\").replaceAll("'", "\\'").replaceAll("\n", "\\n").replaceAll("\r", "\\r").replaceAll("\t", "\\t").replaceAll("\u0000", "\\u0000")}']`;
}

let fixture: Awaited<ReturnType<typeof openFixture>>;
let countsBefore: string;

async function tableCounts(): Promise<string> {
  return fixture.store.withConnection(async (c) => {
    const reader = await c.runAndReadAll(
      "SELECT table_name, estimated_size FROM duckdb_tables() ORDER BY table_name",
    );
    const rows = reader.getRowsJS();
    const counts: string[] = [];
    for (const [name] of rows) {
      const r = await c.runAndReadAll(`SELECT count(*) FROM "${String(name)}"`);
      counts.push(`${String(name)}=${String(r.getRowsJS()[0]?.[0])}`);
    }
    return counts.join(",");
  });
}

beforeAll(async () => {
  fixture = await openFixture();
  countsBefore = await tableCounts();
});

afterAll(async () => {
  expect(await tableCounts()).toBe(countsBefore);
  fixture.close();
});

async function run(query: string) {
  return fixture.engine.run(query, { now: fixtureNow });
}

/** Runs the query; a failure must be the engine's own error, never SQL that DuckDB could not parse. */
async function runOrQueryError(query: string) {
  try {
    return await run(query);
  } catch (error) {
    expect(error).toBeInstanceOf(QueryError);
    expect((error as Error).message).not.toMatch(/Parser Error|syntax error/i);
    return undefined;
  }
}

describe.each(payloads)("payload %j", (payload) => {
  const lit = kustoString(payload);
  const name = kustoName(payload);

  it("round-trips through a string literal", async () => {
    const result = await run(`print x = ${lit}`);
    expect(result.tables[0]?.rows).toEqual([[payload]]);
  });

  it("is compared, searched and matched as data", async () => {
    for (const op of ["==", "!=", "=~", "contains", "contains_cs", "has", "startswith", "endswith", "in"]) {
      const rhs = op === "in" ? `(${lit}, "x")` : lit;
      const result = await run(`VMConnection | where Computer ${op} ${rhs} | count`);
      expect(result.tables[0]?.rows[0]?.[0]).toBe(op === "!=" ? 6 : 0);
    }
    await runOrQueryError(`VMConnection | where Computer matches regex ${lit} | count`);
  });

  it("names columns, renames and groups", async () => {
    const result = await run(
      `VMConnection | summarize ${name} = count() by Computer | project-rename ${kustoName(`${payload}2`)} = ${name} | order by Computer asc`,
    );
    expect(result.tables[0]?.columns.map((c) => c.name)).toEqual(["Computer", `${payload}2`]);
    expect(result.tables[0]?.rows).toEqual([
      ["app1.contoso.com", 3],
      ["web1.contoso.com", 3],
    ]);
    const extended = await run(`print a = 1 | extend ${name} = ${lit} | project ${name}`);
    expect(extended.tables[0]?.columns.map((c) => c.name)).toEqual([payload]);
    expect(extended.tables[0]?.rows).toEqual([[payload]]);
  });

  it("is a datatable column and value", async () => {
    const result = await run(
      `datatable(${name}: string, n: long) [${lit}, 1, "other", 2] | where ${name} == ${lit}`,
    );
    expect(result.tables[0]?.columns.map((c) => c.name)).toEqual([payload, "n"]);
    expect(result.tables[0]?.rows).toEqual([[payload, 1]]);
  });

  it("is a dynamic key and a pack key", async () => {
    const packed = await run(`print d = pack(${lit}, 42) | extend v = d[${lit}]`);
    expect(packed.tables[0]?.rows[0]?.[1]).toBe("42");
    expect(JSON.parse(String(packed.tables[0]?.rows[0]?.[0]))).toEqual({ [payload]: 42 });
  });

  it("is a search term", async () => {
    const result = await runOrQueryError(`search in (VMComputer) ${lit} | count`);
    if (result) expect(typeof result.tables[0]?.rows[0]?.[0]).toBe("number");
  });

  it("is a let name and a scalar", async () => {
    const result = await run(`let ${name} = ${lit}; print v = ${name}`);
    expect(result.tables[0]?.rows).toEqual([[payload]]);
  });

  it("is a parse delimiter, an extracted value, an 'as' name and a bag key computed per row", async () => {
    const parsed = await run(
      `print s = strcat("<", ${lit}, ">7") | parse s with "<" a ${lit} ">" n:long | project a, n`,
    );
    expect(parsed.tables[0]?.rows).toEqual([["", 7]]);
    const extracted = await run(`print s = strcat("<", ${lit}, ">") | parse s with "<" a ">" * | project a`);
    expect(extracted.tables[0]?.rows).toEqual([[payload]]);
    const named = await run(`print v = ${lit} | as ${name} | join kind=inner (${name}) on v | project v`);
    expect(named.tables[0]?.rows).toEqual([[payload]]);
    const bag = await run(`print k = ${lit} | summarize b = make_bag(pack(k, 1))`);
    expect(JSON.parse(String(bag.tables[0]?.rows[0]?.[0]))).toEqual({ [payload]: 1 });
  });

  it("is a format string", async () => {
    await runOrQueryError(`print format_datetime(now(), ${lit})`);
  });
});
