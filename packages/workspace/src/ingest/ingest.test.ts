import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tables } from "@svcmap/model";
import { WorkspaceStore } from "../store/workspace-store.js";
import { ingestBatch } from "./ingest-batch.js";
import { ingestFiles } from "./ingest-files.js";
import { jsonTextRowSource } from "./row-sources.js";

let dir: string;
let store: WorkspaceStore;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "svcmap-ingest-"));
  store = await WorkspaceStore.open({ dataDir: join(dir, "data") });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function ndjson(records: readonly object[]): string {
  return records.map((r) => JSON.stringify(r)).join("\n") + "\n";
}

/** Query rows as plain objects; bigints and timestamps come back as text, so they compare simply. */
async function rows(sql: string): Promise<Record<string, unknown>[]> {
  return store.withConnection(async (connection) => {
    const reader = await connection.runAndReadAll(sql);
    return reader.getRowObjectsJson() as Record<string, unknown>[];
  });
}

const arrival = new Date("2026-05-01T12:34:56Z");

const connection1 = {
  TimeGenerated: "2026-05-01T10:03:00Z",
  Computer: "web-01.contoso.local",
  AgentId: "5c0e326c-0000-4000-8000-000000000001",
  Machine: "m-5c0e326c-0000-4000-8000-000000000001",
  Process: "p-6a1f",
  ProcessName: "nginx",
  Direction: "outbound",
  SourceIp: "10.0.0.5",
  DestinationIp: "10.0.1.7",
  DestinationPort: 5432,
  Protocol: "tcp",
  RemoteIp: "10.0.1.7",
  BytesSent: 1200,
  BytesReceived: "34000",
  LinksEstablished: 1,
  LinksTerminated: 0,
  LinksLive: 1,
  LinksFailed: 0,
};

describe("formats", () => {
  it("reads NDJSON, skipping blank lines and accepting CRLF", async () => {
    const path = file(
      "rows.ndjson",
      `${JSON.stringify(connection1)}\r\n\r\n${JSON.stringify({ ...connection1, DestinationPort: 443 })}\r\n`,
    );
    const result = await ingestFiles(store, "VMConnection", [path], { arrivalTime: arrival });
    expect(result.rows).toBe(2);
    expect(
      await rows(`SELECT DestinationPort, BytesReceived FROM VMConnection ORDER BY DestinationPort`),
    ).toEqual([
      { DestinationPort: 443, BytesReceived: "34000" },
      { DestinationPort: 5432, BytesReceived: "34000" },
    ]);
  });

  it("reads a JSON array", async () => {
    const path = file(
      "rows.json",
      JSON.stringify([connection1, { ...connection1, Direction: "inbound" }], null, 2),
    );
    expect((await ingestFiles(store, "VMConnection", [path])).rows).toBe(2);
    expect(await rows(`SELECT Direction FROM VMConnection ORDER BY Direction`)).toEqual([
      { Direction: "inbound" },
      { Direction: "outbound" },
    ]);
  });

  it("reads CSV with a header row, quoted fields across lines, JSON text for dynamic and empty cells as empty", async () => {
    const path = file(
      "computers.csv",
      [
        "TimeGenerated,Computer,Machine,Cpus,PhysicalMemoryMB,DnsNames,BootTime,OperatingSystemFullName",
        '2026-05-01T10:00:00Z,db-01,m-1,8,32768,"[""db-01"",""db-01.contoso.local""]",2026-04-30T08:00:00Z,"Ubuntu 24.04 LTS,',
        'kernel 6.8"',
        "2026-05-01T10:00:00Z,db-02,m-2,,,,,",
      ].join("\n"),
    );
    expect((await ingestFiles(store, "VMComputer", [path])).rows).toBe(2);
    expect(
      await rows(
        `SELECT Computer, Cpus, PhysicalMemoryMB, CAST(DnsNames AS VARCHAR) AS DnsNames, BootTime, OperatingSystemFullName FROM VMComputer ORDER BY Computer`,
      ),
    ).toEqual([
      {
        Computer: "db-01",
        Cpus: 8,
        PhysicalMemoryMB: "32768",
        DnsNames: '["db-01","db-01.contoso.local"]',
        BootTime: "2026-04-30 08:00:00",
        OperatingSystemFullName: "Ubuntu 24.04 LTS,\nkernel 6.8",
      },
      {
        Computer: "db-02",
        Cpus: null,
        PhysicalMemoryMB: null,
        DnsNames: null,
        BootTime: null,
        OperatingSystemFullName: "",
      },
    ]);
  });

  it("reads NDJSON or a JSON array held in memory", async () => {
    const sources = [
      jsonTextRowSource("body-1", ndjson([connection1])),
      jsonTextRowSource("body-2", JSON.stringify([connection1])),
    ];
    expect((await ingestBatch(store, "VMConnection", sources)).rows).toBe(2);
  });

  it("accepts what Log Analytics accepts for each type", async () => {
    // 9007199254740993 is beyond 2^53: written as a bare JSON number, it must still be stored exactly.
    const path = file(
      "types.ndjson",
      [
        '{"TimeGenerated":"2026-05-01T12:00:00.1234567+02:00","Computer":"web-01","IsWildcardBind":"true",' +
          '"Port":"8080","BytesSent":"9223372036854775807","BytesReceived":9007199254740993,"ResponseTimeSum":-5}',
        '{"TimeGenerated":"2026-05-01 10:00:00","Computer":"web-02","IsWildcardBind":false,"Port":22}',
      ].join("\n"),
    );
    await ingestFiles(store, "VMBoundPort", [path]);
    expect(
      await rows(
        `SELECT strftime(TimeGenerated, '%Y-%m-%dT%H:%M:%S.%fZ') AS t, IsWildcardBind, Port, BytesSent, BytesReceived, ResponseTimeSum FROM VMBoundPort ORDER BY Computer`,
      ),
    ).toEqual([
      {
        t: "2026-05-01T10:00:00.123456Z",
        IsWildcardBind: true,
        Port: 8080,
        BytesSent: "9223372036854775807",
        BytesReceived: "9007199254740993",
        ResponseTimeSum: "-5",
      },
      {
        t: "2026-05-01T10:00:00.000000Z",
        IsWildcardBind: false,
        Port: 22,
        BytesSent: null,
        BytesReceived: null,
        ResponseTimeSum: null,
      },
    ]);
  });

  it("stores dynamic values as JSON", async () => {
    const path = file(
      "processes.ndjson",
      ndjson([
        {
          TimeGenerated: "2026-05-01T10:00:00Z",
          Machine: "m-1",
          Process: "p-1",
          Services: ["nginx", { unit: "x" }],
        },
      ]),
    );
    await ingestFiles(store, "VMProcess", [path]);
    expect(await rows(`SELECT CAST(Services AS VARCHAR) AS s FROM VMProcess`)).toEqual([
      { s: '["nginx",{"unit":"x"}]' },
    ]);
  });
});

describe("errors name the file, the line and the column", () => {
  const cases: [string, string, string, RegExp][] = [
    [
      "a value of the wrong type",
      "rows.ndjson",
      ndjson([connection1, connection1, { ...connection1, DestinationPort: "http" }]),
      /rows\.ndjson:3: column DestinationPort: expected int, got "http"$/,
    ],
    [
      "an int beyond 32 bits",
      "rows.ndjson",
      ndjson([{ ...connection1, DestinationPort: 70000000000 }]),
      /rows\.ndjson:1: column DestinationPort: expected int, got 70000000000 \(outside the 32-bit range\)/,
    ],
    [
      "a fractional int",
      "rows.ndjson",
      ndjson([{ ...connection1, Severity: 2.5 }]),
      /rows\.ndjson:1: column Severity: expected int, got 2\.5/,
    ],
    [
      "a long that is not a number",
      "rows.ndjson",
      ndjson([{ ...connection1, BytesSent: "12k" }]),
      /rows\.ndjson:1: column BytesSent: expected long, got "12k"/,
    ],
    [
      "a datetime that is not ISO 8601",
      "rows.ndjson",
      ndjson([{ ...connection1, TimeGenerated: "05/01/2026 10:00" }]),
      /rows\.ndjson:1: column TimeGenerated: expected datetime, got "05\/01\/2026 10:00"/,
    ],
    [
      "an impossible date",
      "rows.ndjson",
      ndjson([{ ...connection1, TimeGenerated: "2026-02-30T00:00:00Z" }]),
      /rows\.ndjson:1: column TimeGenerated: expected datetime/,
    ],
    [
      "an unknown column",
      "rows.ndjson",
      ndjson([connection1, { ...connection1, DestPort: 80 }]),
      /rows\.ndjson:2: column DestPort: not a column of table VMConnection/,
    ],
    [
      "a line that is not JSON",
      "rows.ndjson",
      `${JSON.stringify(connection1)}\n{"Computer": }\n`,
      /rows\.ndjson:2: not valid JSON/,
    ],
    [
      "a row that is not an object",
      "rows.ndjson",
      `[1,2]\n`,
      /rows\.ndjson:1: expected a JSON object, got \[1,2\]/,
    ],
    [
      "a bad element of a JSON array, by the line it starts on",
      "rows.json",
      JSON.stringify([connection1, { ...connection1, LinksLive: "many" }], null, 2),
      new RegExp(
        `rows\\.json:${4 + Object.keys(connection1).length}: column LinksLive: expected long, got "many"`,
      ),
    ],
    [
      "a JSON array element that is not valid JSON",
      "rows.json",
      `[\n  {"Computer": "a"},\n  {"Computer": "b",}\n]`,
      /rows\.json:3: not valid JSON/,
    ],
    [
      "an unknown column in a CSV header, on line 1",
      "rows.csv",
      "Computer,Bogus\nweb,1\n",
      /rows\.csv:1: column Bogus: not a column of table VMConnection/,
    ],
    [
      "a bad CSV cell",
      "rows.csv",
      "Computer,DestinationPort\nweb,443\nweb,https\n",
      /rows\.csv:3: column DestinationPort: expected int, got "https"/,
    ],
    [
      "a CSV row with too many fields",
      "rows.csv",
      "Computer,DestinationPort\nweb,443\nweb,443,extra\n",
      /rows\.csv:3: not valid CSV/,
    ],
  ];

  for (const [what, name, text, message] of cases) {
    it(`rejects ${what}`, async () => {
      await expect(ingestFiles(store, "VMConnection", [file(name, text)])).rejects.toThrow(message);
    });
  }

  it("rejects a bool that is not true or false", async () => {
    const path = file("p.ndjson", ndjson([{ TimeGenerated: "2026-05-01T10:00:00Z", IsWildcardBind: "yes" }]));
    await expect(ingestFiles(store, "VMBoundPort", [path])).rejects.toThrow(
      /p\.ndjson:1: column IsWildcardBind: expected bool, got "yes"/,
    );
  });

  it("rejects a dynamic CSV cell that is not JSON", async () => {
    const path = file("c.csv", "Computer,DnsNames\nweb,not json\n");
    await expect(ingestFiles(store, "VMComputer", [path])).rejects.toThrow(
      /c\.csv:2: column DnsNames: expected dynamic, got "not json"/,
    );
  });

  it("rejects a timespan that is not [d.]hh:mm:ss[.fffffff]", async () => {
    // No stored table has a timespan column yet, so the converter is checked directly.
    const { jsonConverterFor } = await import("./kusto-values.js");
    expect(jsonConverterFor("timespan")("1.02:03:04.5")).toBe(937_845_000_000n);
    expect(() => jsonConverterFor("timespan")("soon")).toThrow(/expected timespan, got "soon"/);
  });

  it("rejects an unknown table", async () => {
    await expect(ingestFiles(store, "VMConnections", [file("r.ndjson", "{}\n")])).rejects.toThrow(
      /unknown table "VMConnections"; the tables are VMComputer, /,
    );
  });

  it("names a file it cannot read", async () => {
    await expect(ingestFiles(store, "VMConnection", [join(dir, "missing.ndjson")])).rejects.toThrow(
      /missing\.ndjson: cannot read the file \(ENOENT\)/,
    );
  });
});

describe("a batch is stored whole or not at all", () => {
  it("leaves the table and Usage exactly as before when a row in the middle is bad", async () => {
    const good = Array.from({ length: 3000 }, (_, i) => ({ ...connection1, BytesSent: i }));
    await ingestFiles(store, "VMConnection", [file("first.ndjson", ndjson(good))]);
    const snapshot = async (): Promise<unknown> => ({
      count: await rows(`SELECT count(*) AS n, sum(BytesSent) AS s FROM VMConnection`),
      content: await rows(
        `SELECT md5(string_agg(CAST(c AS VARCHAR), '|' ORDER BY BytesSent)) AS h FROM VMConnection c`,
      ),
      usage: await rows(`SELECT DataType, StartTime, Quantity FROM Usage ORDER BY ALL`),
    });
    const before = await snapshot();
    // The bad row comes after the first 2048-row chunk has gone to the appender, and in a second file.
    const next = Array.from({ length: 5000 }, (_, i) => ({ ...connection1, BytesSent: 10_000 + i }));
    next[4000] = { ...connection1, LinksLive: "lots" };
    await expect(
      ingestFiles(store, "VMConnection", [
        file("second.ndjson", ndjson(next.slice(0, 2500))),
        file("third.ndjson", ndjson(next.slice(2500))),
      ]),
    ).rejects.toThrow(/third\.ndjson:1501: column LinksLive/);
    expect(await snapshot()).toEqual(before);
    expect(before).toMatchObject({ count: [{ n: "3000", s: "4498500" }] });
  });
});

describe("a large batch", () => {
  it("is rolled back whole even after DuckDB's appender has flushed rows into the table", async () => {
    // DuckDB's appender moves its rows into the table every 204,800 rows; the bad row comes after that.
    const lines = Array.from({ length: 210_000 }, (_, i) =>
      JSON.stringify({ TimeGenerated: "2026-05-01T10:00:00Z", Computer: `host-${i % 100}` }),
    );
    lines.push(JSON.stringify({ TimeGenerated: "yesterday", Computer: "host-x" }));
    await expect(
      ingestBatch(store, "Heartbeat", [jsonTextRowSource("big", lines.join("\n"))]),
    ).rejects.toThrow(/big:210001: column TimeGenerated: expected datetime, got "yesterday"/);
    expect(
      await rows(`SELECT (SELECT count(*) FROM Heartbeat) AS h, (SELECT count(*) FROM Usage) AS u`),
    ).toEqual([{ h: "0", u: "0" }]);
  });
});

describe("columns the workspace fills", () => {
  it("fills TenantId, Type, SourceSystem, _IsBillable, _ResourceId and TimeGenerated where missing", async () => {
    await ingestFiles(
      store,
      "VMConnection",
      [
        file(
          "c.ndjson",
          ndjson([
            connection1,
            { Computer: "legacy-host", Type: "Wrong", SourceSystem: "OpsManager", TenantId: "t-1" },
          ]),
        ),
      ],
      { arrivalTime: arrival },
    );
    expect(
      await rows(
        `SELECT TenantId, Type, SourceSystem, _IsBillable, _ResourceId, strftime(TimeGenerated, '%Y-%m-%dT%H:%M:%SZ') AS t FROM VMConnection ORDER BY Computer`,
      ),
    ).toEqual([
      {
        TenantId: "t-1",
        Type: "VMConnection",
        SourceSystem: "OpsManager",
        _IsBillable: "true",
        _ResourceId: "/machines/legacy-host",
        t: "2026-05-01T12:34:56Z",
      },
      {
        TenantId: store.workspaceId,
        Type: "VMConnection",
        SourceSystem: "Insights",
        _IsBillable: "true",
        _ResourceId: `/machines/${connection1.Machine}`,
        t: "2026-05-01T10:03:00Z",
      },
    ]);
  });

  it("gives each process its own resource, and VMComputer its AzureResourceName from Machine", async () => {
    await ingestFiles(store, "VMProcess", [
      file("p.ndjson", ndjson([{ TimeGenerated: "2026-05-01T10:00:00Z", Machine: "m-1", Process: "p-9" }])),
    ]);
    await ingestFiles(store, "VMComputer", [
      file(
        "c.ndjson",
        ndjson([
          { TimeGenerated: "2026-05-01T10:00:00Z", Machine: "m-1", Computer: "db-01" },
          { Machine: "m-2", AzureResourceName: "vm-2" },
        ]),
      ),
    ]);
    expect(await rows(`SELECT _ResourceId, SourceSystem FROM VMProcess`)).toEqual([
      { _ResourceId: "/machines/m-1/processes/p-9", SourceSystem: "Insights" },
    ]);
    expect(
      await rows(`SELECT Machine, AzureResourceName, _ResourceId FROM VMComputer ORDER BY Machine`),
    ).toEqual([
      { Machine: "m-1", AzureResourceName: "m-1", _ResourceId: "/machines/m-1" },
      { Machine: "m-2", AzureResourceName: "vm-2", _ResourceId: "/machines/m-2" },
    ]);
  });

  it("marks Heartbeat free and from Linux agents", async () => {
    await ingestFiles(store, "Heartbeat", [
      file("h.ndjson", ndjson([{ TimeGenerated: "2026-05-01T10:00:00Z", Computer: "web-01" }])),
    ]);
    expect(await rows(`SELECT SourceSystem, _IsBillable, _ResourceId FROM Heartbeat`)).toEqual([
      { SourceSystem: "Linux", _IsBillable: "false", _ResourceId: "/machines/web-01" },
    ]);
  });

  it("sets _BilledSize to the UTF-8 length of the record's JSON over the billed columns", async () => {
    const record = { ...connection1, ProcessName: "naïve-ünïcode", Severity: 3 };
    await ingestFiles(store, "VMConnection", [file("c.ndjson", ndjson([record]))]);
    const [stored] = await rows(`SELECT * FROM VMConnection`);
    const billed: Record<string, unknown> = {};
    for (const column of tables.VMConnection.columns) {
      const value = stored?.[column.name];
      if (
        value === null ||
        value === "" ||
        ["_ResourceId", "_IsBillable", "_BilledSize", "Type", "_SubscriptionId"].includes(column.name)
      )
        continue;
      if (column.type === "long") billed[column.name] = Number(value);
      else if (column.type === "datetime") billed[column.name] = "2026-05-01T10:03:00.0000000Z";
      else billed[column.name] = value;
    }
    expect(stored?.["_BilledSize"]).toBe(Buffer.byteLength(JSON.stringify(billed), "utf8"));
  });
});

describe("Usage", () => {
  it("adds one row per table per hour, merging later batches into it", async () => {
    const at = (time: string): object => ({ ...connection1, TimeGenerated: time });
    await ingestFiles(store, "VMConnection", [
      file(
        "a.ndjson",
        ndjson([at("2026-05-01T10:05:00Z"), at("2026-05-01T10:59:59Z"), at("2026-05-01T11:00:00Z")]),
      ),
    ]);
    await ingestFiles(store, "VMConnection", [file("b.ndjson", ndjson([at("2026-05-01T10:30:00Z")]))]);
    await ingestFiles(store, "Heartbeat", [
      file("h.ndjson", ndjson([{ TimeGenerated: "2026-05-01T10:00:00Z", Computer: "web-01" }])),
    ]);

    const billed = await rows(
      `SELECT Type AS DataType, date_trunc('hour', TimeGenerated) AS hour, sum(_BilledSize) AS bytes FROM (
         SELECT Type, TimeGenerated, _BilledSize FROM VMConnection UNION ALL SELECT Type, TimeGenerated, _BilledSize FROM Heartbeat)
       GROUP BY ALL ORDER BY ALL`,
    );
    const usage = await rows(
      `SELECT DataType, StartTime, EndTime, TimeGenerated, Quantity, QuantityUnit, IsBillable, Solution, ResourceUri, TenantId, Type
       FROM Usage ORDER BY DataType, StartTime`,
    );
    expect(usage).toEqual(
      billed.map((b) => ({
        DataType: b["DataType"],
        StartTime: b["hour"],
        EndTime: b["hour"] === "2026-05-01 10:00:00" ? "2026-05-01 11:00:00" : "2026-05-01 12:00:00",
        TimeGenerated: b["hour"],
        Quantity: expect.closeTo(Number(b["bytes"]) / 1_000_000, 12),
        QuantityUnit: "MBytes",
        IsBillable: b["DataType"] !== "Heartbeat",
        Solution: b["DataType"] === "Heartbeat" ? "LogManagement" : "VMInsights",
        ResourceUri: `/workspaces/${store.workspaceId}`,
        TenantId: store.workspaceId,
        Type: "Usage",
      })),
    );
    expect(usage.map((u) => `${u["DataType"]} ${u["StartTime"]}`)).toEqual([
      "Heartbeat 2026-05-01 10:00:00",
      "VMConnection 2026-05-01 10:00:00",
      "VMConnection 2026-05-01 11:00:00",
    ]);
    const [sums] = await rows(
      `SELECT (SELECT sum(Quantity) FROM Usage WHERE DataType = 'VMConnection') AS usage, (SELECT sum(_BilledSize) / 1e6 FROM VMConnection) AS billed`,
    );
    expect(Number(sums?.["usage"])).toBeCloseTo(Number(sums?.["billed"]), 12);
  });
});
