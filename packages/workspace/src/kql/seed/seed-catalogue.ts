// The seed queries and, for each, the expected answer written by hand in DuckDB SQL. Both the seed tests
// and the benchmarks read them from here, so the two always measure and check the same thing.

import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { kustoTypes, type KustoType } from "@svcmap/model";
import { quoteNumber } from "../../store/quote.js";

export interface SeedQuery {
  /** The block's `// name:` up to the first space, e.g. `chattiest-processes`. */
  readonly name: string;
  /** The whole block, comments included: the engine must accept it as written. */
  readonly query: string;
}

export interface ExpectedRender {
  readonly visualization: string;
  readonly properties: Readonly<Record<string, string>>;
}

/**
 * An expected answer. The SQL's output column names are the expected Kusto names; its column types give
 * the expected Kusto types unless `types` overrides them (a timespan is a BIGINT of ticks in SQL).
 * Directives sit in the SQL's leading comments as `-- @key: value`.
 */
export interface ExpectedAnswer {
  readonly name: string;
  /** SQL with `{{now}}` where the query's now() goes. */
  readonly sqlTemplate: string;
  /** Output columns the query sorts on, in sort order; empty when the row order is free. */
  readonly order: readonly string[];
  readonly types: ReadonlyMap<string, KustoType>;
  /** Dynamic columns holding a set (make_set): element order is free. */
  readonly sets: readonly string[];
  /** Columns holding estimates (dcount): compared within Kusto's error bound. */
  readonly approx: readonly string[];
  readonly render: ExpectedRender | undefined;
  /** `autocluster`: the SQL gives the plugin's input, not its output, since segments are heuristic. */
  readonly check: "autocluster" | undefined;
}

const separator = /^\/\/ ---[ \t]*$/m;

export function parseSeedQueries(text: string): SeedQuery[] {
  return text
    .split(separator)
    .map((block) => block.trim())
    .filter((block) => /^\/\/ name:/m.test(block))
    .map((block) => {
      const name = /^\/\/ name:\s*(\S+)/m.exec(block)?.[1];
      if (name === undefined) throw new Error(`a seed block has no name: ${block.slice(0, 80)}`);
      return { name, query: block };
    });
}

export function parseExpectedAnswer(name: string, sql: string): ExpectedAnswer {
  const directives = new Map<string, string>();
  for (const line of sql.split("\n")) {
    const match = /^--\s*@(\w+):\s*(.*)$/.exec(line.trim());
    if (match) directives.set(match[1] as string, (match[2] as string).trim());
  }
  const list = (key: string): string[] =>
    (directives.get(key) ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "");
  const types = new Map<string, KustoType>();
  for (const entry of list("types")) {
    const [column, type] = entry.split("=").map((s) => s.trim());
    if (column === undefined || !isKustoType(type)) throw new Error(`${name}: bad @types entry '${entry}'`);
    types.set(column, type);
  }
  const check = directives.get("check");
  if (check !== undefined && check !== "autocluster") throw new Error(`${name}: unknown @check '${check}'`);
  return {
    name,
    sqlTemplate: sql,
    order: list("order"),
    types,
    sets: list("sets"),
    approx: list("approx"),
    render: parseRender(directives.get("render")),
    check,
  };
}

/** `timechart` or `scatterchart kind=map`. */
function parseRender(text: string | undefined): ExpectedRender | undefined {
  if (text === undefined) return undefined;
  const [visualization, ...pairs] = text.split(/\s+/);
  const properties: Record<string, string> = {};
  for (const pair of pairs) {
    const [key, value] = pair.split("=");
    if (key !== undefined && value !== undefined) properties[key] = value;
  }
  return { visualization: visualization ?? "", properties };
}

function isKustoType(text: string | undefined): text is KustoType {
  return (kustoTypes as readonly string[]).includes(text ?? "");
}

/** The SQL to run for a given now(): the same instant the engine is given. */
export function expectedSql(answer: ExpectedAnswer, now: Date): string {
  const nowSql = `make_timestamp(${quoteNumber(BigInt(now.getTime()) * 1000n)})`;
  return answer.sqlTemplate.replaceAll("{{now}}", nowSql);
}

export interface SeedCatalogue {
  readonly seeds: readonly SeedQuery[];
  readonly expected: ReadonlyMap<string, ExpectedAnswer>;
}

/** Reads `seed-queries.kql` and `expected/<name>.sql` from the seed directory. */
export function loadSeedCatalogue(seedDir: string): SeedCatalogue {
  const seeds = parseSeedQueries(readFileSync(join(seedDir, "seed-queries.kql"), "utf8"));
  const expectedDir = join(seedDir, "expected");
  const expected = new Map<string, ExpectedAnswer>();
  for (const file of readdirSync(expectedDir).filter((f) => f.endsWith(".sql"))) {
    const name = file.slice(0, -".sql".length);
    expected.set(name, parseExpectedAnswer(name, readFileSync(join(expectedDir, file), "utf8")));
  }
  return { seeds, expected };
}
