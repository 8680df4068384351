// Every query of the seed documents, run by the engine over a simulated estate and compared with an answer
// worked out without the compiler: a hand-written DuckDB query per seed (expected/<name>.sql) over the same
// store, its rows put into the Log Analytics form. Column names and types are compared too.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DuckDBConnection } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simulateIntoStore } from "../../simulate/index.js";
import { quoteString } from "../../store/quote.js";
import { WorkspaceStore } from "../../store/workspace-store.js";
import { KqlEngine } from "../engine.js";
import type { QueryResult } from "../result.js";
import { checkAutocluster } from "./autocluster-check.js";
import { compareTables } from "./compare-results.js";
import { readLogAnalyticsTable, type LogAnalyticsTable } from "./log-analytics-form.js";
import { expectedSql, loadSeedCatalogue, type ExpectedAnswer } from "./seed-catalogue.js";

/**
 * A small estate, fixed so that every run sees the same rows. 16 hours rather than a few: in
 * chattiest-processes a process's count is its connection rows times its computer's inventory rows, and
 * only a day-long-ish window takes the busiest ones past the query's threshold of 100000.
 */
const estate = { machines: 16, hours: 16, seed: 20260302, end: new Date("2026-03-02T18:00:00Z") } as const;
const now = estate.end;
/** Big enough that no seed query is cut short by the engine's result limit. */
const maxRows = 5_000_000;

/**
 * Seeds whose engine answer is known to be wrong, each with what goes wrong. They run as `it.fails`, so
 * the suite notices when the engine is fixed and the entry must go.
 */
const knownDiscrepancies: ReadonlyMap<string, string> = new Map([]);

const catalogue = loadSeedCatalogue(fileURLToPath(new URL(".", import.meta.url)));

describe("seed queries", () => {
  let dir: string;
  let store: WorkspaceStore;
  let engine: KqlEngine;
  let connection: DuckDBConnection;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "svcmap-seed-"));
    store = await WorkspaceStore.open({ dataDir: dir });
    await simulateIntoStore(store, estate);
    engine = new KqlEngine(store);
    connection = await store.connect();
    await addSilentMachine(connection);
  });

  afterAll(() => {
    connection?.closeSync();
    store?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const expectedTable = async (answer: ExpectedAnswer): Promise<LogAnalyticsTable> =>
    readLogAnalyticsTable(await connection.runAndReadAll(expectedSql(answer, now)), answer.types);

  it("has an expected answer for every seed query, and no other", () => {
    const names = catalogue.seeds.map((s) => s.name).sort();
    expect(names.length).toBeGreaterThanOrEqual(41);
    expect([...catalogue.expected.keys()].sort()).toEqual(names);
  });

  it("counts the silent machine's inventory under an empty Computer in the full outer joins", async () => {
    for (const name of ["top-transmitters", "legacy-top-transmitters"]) {
      const expected = await expectedTable(catalogue.expected.get(name) as ExpectedAnswer);
      expect(expected.rows).toContainEqual(["", silentMachineSize, 0]);
    }
  });

  // arg_max picks one row per group; were two rows tied on the latest TimeGenerated, either would be right
  // and the comparison would be meaningless. This estate has none, which every arg_max seed relies on.
  it.each([
    ["VMComputer", "_ResourceId"],
    ["VMProcess", "_ResourceId"],
    ["VMConnection", "ConnectionId"],
    ["VMBoundPort", "PortId"],
    ["VMBoundPort", "Machine, Computer, ProcessName, Ip, Port, IsWildcardBind"],
  ])("the estate has no two %s rows at the same time for one (%s)", async (table, keys) => {
    const reader = await connection.runAndReadAll(
      `SELECT count(*) FROM (SELECT ${keys}, TimeGenerated FROM ${table} GROUP BY ALL HAVING count(*) > 1)`,
    );
    expect(Number(reader.getRowsJS()[0]?.[0])).toBe(0);
  });

  for (const seed of catalogue.seeds) {
    const answer = catalogue.expected.get(seed.name);
    const discrepancy = knownDiscrepancies.get(seed.name);
    const test = discrepancy === undefined ? it : it.fails;
    test(`${seed.name} answers as Log Analytics would${discrepancy === undefined ? "" : ` (known: ${discrepancy})`}`, async () => {
      if (answer === undefined) throw new Error(`no expected/${seed.name}.sql`);
      const expected = await expectedTable(answer);
      const result = await engine.run(seed.query, { now, maxRows });
      expect(result.truncated).toBeUndefined();
      expect(result.tables).toHaveLength(1);
      const actual = result.tables[0] as LogAnalyticsTable;
      // Every seed looks for something the simulated estate has: an empty answer would prove nothing.
      expect(expected.rows.length).toBeGreaterThan(0);
      const problems =
        answer.check === "autocluster"
          ? checkAutocluster(expected, actual)
          : compareTables(answer, expected, actual);
      expect(problems, problems.join("\n")).toEqual([]);
      expect(visualizationOf(result)).toEqual(answer.render ?? null);
    });
  }
});

/**
 * Every simulated machine both reports inventory and has connections, so nothing would exercise the
 * unmatched side of the full outer joins (top-transmitters, legacy-top-transmitters). One machine that is
 * inventoried but silent, as a freshly onboarded server is, is added to the estate for them: its inventory
 * row must come out in the group with an empty Computer and a count of 0.
 */
const silentMachineTemplate = "acme-demo";
const silentMachineSize = "Standard_D2s_v5";

async function addSilentMachine(connection: DuckDBConnection): Promise<void> {
  const guid = "0e1d1e00-0000-4000-8000-000000000001";
  const name = "idle-dal1-01";
  const computer = `${name}.dal1.acme.example`;
  await connection.run(`
    INSERT INTO VMComputer
    SELECT * REPLACE (
      ${quoteString(computer)} AS Computer,
      ${quoteString(name)} AS HostName,
      ${quoteString(name)} AS DisplayName,
      ${quoteString(computer)} AS FullDisplayName,
      ${quoteString(guid)} AS AgentId,
      ${quoteString(`m-${guid}`)} AS Machine,
      ${quoteString(`m-${guid}`)} AS AzureResourceName,
      replace(_ResourceId, ${quoteString(silentMachineTemplate)}, ${quoteString(name)}) AS _ResourceId,
      ${quoteString(JSON.stringify([computer]))}::JSON AS DnsNames,
      ${quoteString(JSON.stringify(["10.229.99.250"]))}::JSON AS Ipv4Addresses,
      ${quoteString(silentMachineSize)} AS AzureSize
    )
    FROM VMComputer
    WHERE Computer = ${quoteString(silentMachineTemplate)}
    ORDER BY TimeGenerated DESC
    LIMIT 1`);
}

function visualizationOf(result: QueryResult): unknown {
  if (result.visualization === undefined) return null;
  return { visualization: result.visualization.visualization, properties: result.visualization.properties };
}
