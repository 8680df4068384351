import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { quoteString } from "../store/quote.js";
import { WorkspaceStore } from "../store/workspace-store.js";
import { buildEstate } from "./build-estate.js";
import { namedEntities } from "./estate-plan.js";
import { boundPortRows } from "./records/bound-port-records.js";
import { connectionRows } from "./records/connection-records.js";
import { computerRows, processRows } from "./records/inventory-records.js";
import { heartbeatRows, metricRows } from "./records/machine-health-records.js";
import { UsageMeter } from "./records/usage-meter.js";
import { hashText } from "./random.js";
import { simulateIntoStore, type SimulationSummary } from "./write-estate.js";

const end = new Date("2026-03-10T12:00:00Z");

/** Every row of every table of an estate, as one JSON text per table: equal texts mean equal rows. */
function renderEstate(seed: number, machines = 12, hours = 1): Record<string, string> {
  const estate = buildEstate({ machines, hours, seed, end, tenantId: "tenant" });
  const usage = new UsageMeter(estate.window, estate.machines.length);
  const out: Record<string, string> = {};
  const sources = { computerRows, processRows, connectionRows, boundPortRows, metricRows, heartbeatRows };
  for (const [name, source] of Object.entries(sources)) {
    // Generated in uneven slices, which must not change a single row.
    const rowsBetween = source(estate, usage);
    const rows = [...rowsBetween(0, 7), ...rowsBetween(7, 45), ...rowsBetween(45, estate.window.minutes)];
    out[name] = JSON.stringify(rows);
  }
  out["usage"] = JSON.stringify([...usage.records(estate)]);
  return out;
}

describe("simulated estate: determinism", () => {
  it("gives identical rows for the same seed and arguments", () => {
    const first = renderEstate(7);
    const second = renderEstate(7);
    for (const table of Object.keys(first))
      expect(hashText(second[table] ?? ""), table).toBe(hashText(first[table] ?? ""));
  });

  it("gives different rows for a different seed", () => {
    const a = renderEstate(7);
    const b = renderEstate(8);
    expect(b["connectionRows"]).not.toBe(a["connectionRows"]);
    expect(b["metricRows"]).not.toBe(a["metricRows"]);
  });

  it("keeps the named machines whatever the seed", () => {
    for (const seed of [1, 2, 3]) {
      const estate = buildEstate({ machines: 10, hours: 1, seed, end, tenantId: "t" });
      const computers = estate.machines.map((m) => m.computer);
      expect(computers).toContain(namedEntities.webComputer);
      expect(computers).toContain(namedEntities.appComputer);
      expect(estate.machines.map((m) => m.machine)).toContain(`m-${namedEntities.searchedAgentId}`);
    }
  });

  it("refuses estates smaller than the fixed machines", () => {
    expect(() => buildEstate({ machines: 5, hours: 1, seed: 1, end, tenantId: "t" })).toThrow(/machines/);
  });
});

describe("simulated estate in a workspace", () => {
  const machines = 16;
  const hours = 6;
  let dir: string;
  let store: WorkspaceStore;
  let summary: SimulationSummary;

  async function query(sql: string): Promise<Record<string, unknown>[]> {
    return store.withConnection(
      async (c) => (await c.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[],
    );
  }
  async function scalar(sql: string): Promise<number> {
    const row = (await query(sql))[0];
    return Number(Object.values(row ?? {})[0]);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "svcmap-simulate-"));
    store = await WorkspaceStore.open({ dataDir: dir });
    summary = await simulateIntoStore(store, { machines, hours, seed: 42, end });
  });
  afterAll(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes every table, in the expected amounts", () => {
    const rows = Object.fromEntries(summary.tables.map((t) => [t.table, t.rows]));
    const machineMinutes = machines * hours * 60;
    expect(rows["VMConnection"]).toBeGreaterThan(5 * machineMinutes);
    expect(rows["VMConnection"]).toBeLessThan(20 * machineMinutes);
    expect(rows["VMBoundPort"]).toBeGreaterThan(3 * machineMinutes);
    expect(rows["InsightsMetrics"]).toBeGreaterThanOrEqual(16 * machineMinutes * 0.95);
    expect(rows["Heartbeat"]).toBeLessThanOrEqual(machineMinutes);
    expect(rows["Heartbeat"]).toBeGreaterThan(machineMinutes * 0.9);
    expect(rows["VMComputer"]).toBeGreaterThanOrEqual(machines * hours);
    expect(rows["VMProcess"]).toBeGreaterThan(machines * hours * 5);
    expect(rows["Usage"]).toBeGreaterThan(0);
  });

  it("puts every record at the start of a minute inside the window", async () => {
    for (const table of [
      "VMConnection",
      "VMBoundPort",
      "InsightsMetrics",
      "Heartbeat",
      "VMComputer",
      "VMProcess",
    ]) {
      const bad = await scalar(
        `SELECT count(*) FROM "${table}" WHERE epoch_ms("TimeGenerated") % 60000 <> 0 ` +
          `OR "TimeGenerated" < ${quoteString(summary.start.toISOString())}::TIMESTAMP OR "TimeGenerated" >= ${quoteString(summary.end.toISOString())}::TIMESTAMP`,
      );
      expect(bad, table).toBe(0);
    }
  });

  it("sets RemoteIp to the source of inbound and the destination of outbound connections", async () => {
    expect(
      await scalar(
        `SELECT count(*) FROM "VMConnection" WHERE NOT ((Direction = 'inbound' AND RemoteIp = SourceIp) OR (Direction = 'outbound' AND RemoteIp = DestinationIp))`,
      ),
    ).toBe(0);
  });

  it("writes one record per logical connection per minute, with one ConnectionId per connection", async () => {
    const key = `Direction, Machine, Process, SourceIp, DestinationIp, DestinationPort, Protocol`;
    expect(
      await scalar(
        `SELECT count(*) FROM (SELECT ${key}, TimeGenerated FROM "VMConnection" GROUP BY ALL HAVING count(*) > 1)`,
      ),
    ).toBe(0);
    expect(
      await scalar(
        `SELECT count(*) FROM (SELECT ${key} FROM "VMConnection" GROUP BY ALL HAVING count(DISTINCT ConnectionId) > 1)`,
      ),
    ).toBe(0);
    expect(
      await scalar(
        `SELECT count(*) FROM (SELECT ConnectionId FROM "VMConnection" GROUP BY ALL HAVING count(DISTINCT (${key})) > 1)`,
      ),
    ).toBe(0);
    expect(
      await scalar(
        `SELECT count(*) FROM (SELECT PortId, TimeGenerated FROM "VMBoundPort" GROUP BY ALL HAVING count(*) > 1)`,
      ),
    ).toBe(0);
  });

  it("reports both ends of a connection between monitored machines, with matching numbers", async () => {
    const pairs = `
      FROM "VMConnection" o JOIN "VMConnection" i
        ON o.Direction = 'outbound' AND i.Direction = 'inbound'
       AND o.SourceIp = i.SourceIp AND o.DestinationIp = i.DestinationIp AND o.DestinationPort = i.DestinationPort
       AND o.Protocol = i.Protocol AND o.TimeGenerated = i.TimeGenerated
       AND (o.SourceIp NOT LIKE '127.%' OR o.Machine = i.Machine)`;
    expect(await scalar(`SELECT count(*) ${pairs}`)).toBeGreaterThan(1000);
    expect(
      await scalar(
        `SELECT count(*) ${pairs} WHERE o.BytesSent <> i.BytesReceived OR o.BytesReceived <> i.BytesSent ` +
          `OR o.LinksEstablished <> i.LinksEstablished OR o.LinksLive <> i.LinksLive OR o.Responses <> i.Responses`,
      ),
    ).toBe(0);
    // Every inbound record from a monitored machine has its outbound twin, and vice versa for established ones.
    const monitoredIps = `SELECT DISTINCT unnest(CAST(Ipv4Addresses AS VARCHAR[])) AS ip FROM "VMComputer" UNION SELECT '127.0.0.1' UNION SELECT '127.0.0.53'`;
    const lonelyInbound = await scalar(`
      SELECT count(*) FROM "VMConnection" i
      WHERE i.Direction = 'inbound' AND i.SourceIp IN (${monitoredIps})
        AND NOT EXISTS (SELECT 1 FROM "VMConnection" o WHERE o.Direction = 'outbound' AND o.SourceIp = i.SourceIp
          AND o.DestinationIp = i.DestinationIp AND o.DestinationPort = i.DestinationPort AND o.TimeGenerated = i.TimeGenerated
          AND (o.SourceIp NOT LIKE '127.%' OR o.Machine = i.Machine))`);
    expect(lonelyInbound).toBe(0);
    const lonelyOutbound = await scalar(`
      SELECT count(*) FROM "VMConnection" o
      WHERE o.Direction = 'outbound' AND o.DestinationIp IN (${monitoredIps}) AND (o.LinksEstablished > 0 OR o.LinksLive > 0)
        AND NOT EXISTS (SELECT 1 FROM "VMConnection" i WHERE i.Direction = 'inbound' AND o.SourceIp = i.SourceIp
          AND o.DestinationIp = i.DestinationIp AND o.DestinationPort = i.DestinationPort AND o.TimeGenerated = i.TimeGenerated
          AND (o.SourceIp NOT LIKE '127.%' OR o.Machine = i.Machine))`);
    expect(lonelyOutbound).toBe(0);
  });

  it("has failed outbound attempts, some on connections that worked earlier in the window", async () => {
    expect(
      await scalar(`SELECT count(*) FROM "VMConnection" WHERE LinksFailed > 0 AND Direction = 'outbound'`),
    ).toBeGreaterThan(0);
    expect(
      await scalar(`SELECT count(*) FROM "VMConnection" WHERE LinksFailed > 0 AND Direction = 'inbound'`),
    ).toBe(0);
    const recentlyBroken = await query(`
      SELECT * FROM (
        SELECT Computer, DestinationIp, DestinationPort,
               min(TimeGenerated) FILTER (WHERE LinksFailed > 0) AS firstFailure,
               max(TimeGenerated) FILTER (WHERE LinksEstablished + LinksLive > 0) AS lastSuccess,
               count(*) FILTER (WHERE LinksFailed > 0) AS failures
        FROM "VMConnection" WHERE Direction = 'outbound' GROUP BY ALL)
      WHERE lastSuccess < firstFailure AND failures >= 3
        AND firstFailure >= ${quoteString(new Date(end.getTime() - 3 * 3_600_000).toISOString())}::TIMESTAMP`);
    expect(recentlyBroken.map((r) => r["Computer"])).toContain(namedEntities.webComputer);
  });

  it("contains the entities the documentation's queries look for", async () => {
    expect(
      await scalar(
        `SELECT count(*) FROM "VMConnection" WHERE Computer = ${quoteString(namedEntities.webComputer)}`,
      ),
    ).toBeGreaterThan(100);
    const appPorts = await query(
      `SELECT DISTINCT Port, ProcessName FROM "VMBoundPort" WHERE Computer = ${quoteString(namedEntities.appComputer)} ORDER BY Port`,
    );
    expect(appPorts).toContainEqual({ Port: 8080, ProcessName: "java" });
    for (const agent of [
      namedEntities.searchedAgentId,
      namedEntities.processListAgentId,
      namedEntities.dependencyAgentId,
    ]) {
      expect(
        await scalar(
          `SELECT count(*) FROM "VMComputer" WHERE Machine = ${quoteString(`m-${agent}`)} AND AgentId = ${quoteString(agent)}`,
        ),
      ).toBeGreaterThan(0);
    }
    expect(
      await scalar(
        `SELECT count(*) FROM "VMComputer" WHERE list_contains(CAST(Ipv4Addresses AS VARCHAR[]), ${quoteString(namedEntities.searchedIp)})`,
      ),
    ).toBeGreaterThan(0);
    expect(
      await scalar(`SELECT count(DISTINCT ProductVersion) FROM "VMProcess" WHERE ExecutableName = 'curl'`),
    ).toBeGreaterThanOrEqual(2);
    expect(
      await scalar(`SELECT count(DISTINCT Machine) FROM "VMProcess" WHERE CommandLine LIKE '%sql%'`),
    ).toBeGreaterThanOrEqual(2);
    expect(
      await scalar(
        `SELECT count(DISTINCT Computer) FROM "VMComputer" WHERE OperatingSystemFullName LIKE '%CentOS%'`,
      ),
    ).toBeGreaterThan(0);
    expect(await scalar(`SELECT count(*) FROM "VMComputer" WHERE AzureResourceName <> Machine`)).toBe(0);
  });

  it("gives the dependency-map machine inbound and outbound links to monitored, unmonitored and local peers", async () => {
    const machine = quoteString(`m-${namedEntities.dependencyAgentId}`);
    const monitored = `(SELECT DISTINCT unnest(CAST(Ipv4Addresses AS VARCHAR[])) FROM "VMComputer")`;
    const kinds = await query(`
      SELECT Direction,
             CASE WHEN RemoteIp LIKE '127.%' THEN 'local' WHEN RemoteIp IN ${monitored} THEN 'monitored' ELSE 'unmonitored' END AS peer,
             count(*) AS n
      FROM "VMConnection" WHERE Machine = ${machine} GROUP BY ALL`);
    const seen = new Set(kinds.map((k) => `${String(k["Direction"])}/${String(k["peer"])}`));
    for (const kind of [
      "inbound/monitored",
      "inbound/unmonitored",
      "outbound/monitored",
      "outbound/unmonitored",
      "outbound/local",
    ]) {
      expect(seen, kind).toContain(kind);
    }
  });

  it("fills the threat columns on malicious remote addresses only", async () => {
    expect(await scalar(`SELECT count(*) FROM "VMConnection" WHERE MaliciousIp <> ''`)).toBeGreaterThan(0);
    expect(
      await scalar(
        `SELECT count(*) FROM "VMConnection" WHERE MaliciousIp <> '' AND (MaliciousIp <> RemoteIp OR IndicatorThreatType = '' ` +
          `OR Description = '' OR TLPLevel = '' OR Confidence = '' OR Severity IS NULL OR IsActive = '' OR FirstReportedDateTime = '' OR LastReportedDateTime = '')`,
      ),
    ).toBe(0);
    expect(
      await scalar(
        `SELECT count(*) FROM "VMConnection" WHERE MaliciousIp = '' AND (IndicatorThreatType <> '' OR Description <> '' ` +
          `OR TLPLevel <> '' OR Confidence <> '' OR Severity IS NOT NULL OR IsActive <> '' OR FirstReportedDateTime <> '' OR LastReportedDateTime <> '')`,
      ),
    ).toBe(0);
    expect(await scalar(`SELECT count(DISTINCT Direction) FROM "VMConnection" WHERE MaliciousIp <> ''`)).toBe(
      2,
    );
  });

  it("knows where internet peers are and what names were looked up for them", async () => {
    expect(
      await scalar(`SELECT count(*) FROM "VMConnection" WHERE RemoteLatitude > 0 AND RemoteCountry <> ''`),
    ).toBeGreaterThan(0);
    const questions = await query(
      `SELECT DISTINCT RemoteDnsQuestions AS q FROM "VMConnection" WHERE RemoteDnsQuestions <> ''`,
    );
    expect(questions.map((r) => r["q"])).toContain('["api.github.com"]');
    for (const { q } of questions) expect(Array.isArray(JSON.parse(String(q)))).toBe(true);
    const cnames = await query(
      `SELECT DISTINCT RemoteDnsCanonicalNames AS c FROM "VMConnection" WHERE RemoteDnsCanonicalNames <> ''`,
    );
    expect(cnames.length).toBeGreaterThan(0);
    for (const { c } of cnames) expect(Array.isArray(JSON.parse(String(c)))).toBe(true);
  });

  it("reports UDP and IPv6 connections, IPv6 in canonical form", async () => {
    expect(
      await scalar(`SELECT count(*) FROM "VMConnection" WHERE Protocol = 'udp' AND DestinationPort = 53`),
    ).toBeGreaterThan(0);
    const v6 = await query(`SELECT DISTINCT RemoteIp AS ip FROM "VMConnection" WHERE RemoteIp LIKE '%:%'`);
    expect(v6.length).toBeGreaterThan(0);
    for (const { ip } of v6) expect(new URL(`http://[${String(ip)}]/`).hostname).toBe(`[${String(ip)}]`);
  });

  it("follows the wildcard-bind rules for bound ports", async () => {
    // A 0.0.0.0 record only when no specific address of the same port carried traffic, and it carries none.
    expect(
      await scalar(`
        SELECT count(*) FROM "VMBoundPort" w JOIN "VMBoundPort" s
          ON w.Ip = '0.0.0.0' AND s.Ip <> '0.0.0.0' AND w.Process = s.Process AND w.Port = s.Port
         AND w.Protocol = s.Protocol AND w.TimeGenerated = s.TimeGenerated`),
    ).toBe(0);
    expect(
      await scalar(
        `SELECT count(*) FROM "VMBoundPort" WHERE Ip = '0.0.0.0' AND (BytesSent > 0 OR BytesReceived > 0 OR LinksEstablished > 0 OR NOT IsWildcardBind)`,
      ),
    ).toBe(0);
    expect(
      await scalar(
        `SELECT count(*) FROM "VMBoundPort" WHERE IsWildcardBind AND Ip NOT IN ('0.0.0.0') AND BytesReceived > 0`,
      ),
    ).toBeGreaterThan(0);
    expect(
      await scalar(`SELECT count(*) FROM "VMBoundPort" WHERE NOT IsWildcardBind AND Ip = '127.0.0.1'`),
    ).toBeGreaterThan(0);
  });

  it("records restarts and upgrades as new process records under the same Process", async () => {
    const upgraded = await query(`
      SELECT Computer, Process FROM "VMProcess" GROUP BY ALL HAVING count(DISTINCT ProductVersion) > 1`);
    expect(upgraded.map((r) => r["Computer"])).toContain(namedEntities.appComputer);
    // Cron jobs start anew every hour: one Process, one StartTime per run.
    expect(
      await scalar(
        `SELECT max(n) FROM (SELECT count(DISTINCT StartTime) AS n FROM "VMProcess" WHERE ExecutableName = 'curl' GROUP BY Process)`,
      ),
    ).toBeGreaterThanOrEqual(hours - 1);
  });

  it("fills the Azure columns on cloud machines only", async () => {
    const azure = await query(
      `SELECT DISTINCT AzureLocation, AzureSize <> '' AS sized, HostingProvider FROM "VMComputer" WHERE AzureLocation <> ''`,
    );
    expect(azure).toContainEqual({ AzureLocation: "westeurope", sized: true, HostingProvider: "azure" });
    expect(
      await scalar(
        `SELECT count(*) FROM "VMComputer" WHERE AzureLocation = '' AND (AzureSize <> '' OR AzureImageSku <> '' OR AzureVmId <> '')`,
      ),
    ).toBe(0);
  });

  it("writes the VM insights metrics with their tags", async () => {
    const names = await query(
      `SELECT DISTINCT Namespace || '/' || Name AS n FROM "InsightsMetrics" ORDER BY 1`,
    );
    expect(names).toHaveLength(16);
    const cpuTags = await query(
      `SELECT DISTINCT Tags FROM "InsightsMetrics" WHERE Namespace = 'Processor' LIMIT 1`,
    );
    expect(JSON.parse(String(cpuTags[0]?.["Tags"]))).toHaveProperty(["vm.azm.ms/totalCpus"]);
    expect(await scalar(`SELECT count(*) FROM "InsightsMetrics" WHERE Origin <> 'vm.azm.ms'`)).toBe(0);
  });

  it("bills the rows it wrote in Usage", async () => {
    const billed = await scalar(`SELECT sum(_BilledSize) / 1e6 FROM "VMConnection"`);
    const usage = await scalar(`SELECT sum(Quantity) FROM "Usage" WHERE DataType = 'VMConnection'`);
    expect(usage).toBeCloseTo(billed, 3);
  });
});
