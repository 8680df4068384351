// The Kusto REST API driven by Microsoft's own Kusto client (azure-kusto-data): what it can parse, and the
// answers it reads, are the contract. Every answer is compared with the Log Analytics Query API's answer to
// the same query from the same server, and with counts worked out in SQL.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, ClientRequestProperties, KustoConnectionStringBuilder } from "azure-kusto-data";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KqlEngine } from "../kql/engine.js";
import { SavedItemStore } from "../saved/saved-items.js";
import { simulateIntoStore } from "../simulate/index.js";
import { WorkspaceStore } from "../store/workspace-store.js";
import { ApiKeyStore } from "./api-keys.js";
import { createServer, type WorkspaceServer } from "./server.js";

const end = new Date("2026-11-22T07:00:00Z");

let dir: string;
let store: WorkspaceStore;
let server: WorkspaceServer;
let url: string;
let readerKey: string;
let agentKey: string;
let client: Client;

function clientWith(key: string): Client {
  return new Client(KustoConnectionStringBuilder.withAccessToken(url, key));
}

function at(now: Date): ClientRequestProperties {
  const properties = new ClientRequestProperties();
  properties.setOption("query_now", now.toISOString());
  return properties;
}

async function queryApi(
  query: string,
): Promise<{ columns: { name: string; type: string }[]; rows: unknown[][] }> {
  const response = await fetch(`${url}/v1/workspaces/default/query`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${readerKey}` },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as {
    tables: { columns: { name: string; type: string }[]; rows: unknown[][] }[];
  };
  return body.tables[0]!;
}

async function rawPost(
  path: string,
  body: unknown,
  key = readerKey,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "svcmap-kusto-"));
  store = await WorkspaceStore.open({ dataDir: dir, memoryLimit: "512MB", threads: 1 });
  await simulateIntoStore(store, { machines: 10, hours: 1, seed: 3, end });
  const saved = await SavedItemStore.open(store);
  await saved.save("function", "SentBy", {
    parameters: [{ name: "minBytes", type: "long", default: "0" }],
    body: "VMConnection | summarize Sent = sum(BytesSent) by Computer | where Sent >= minBytes",
    description: "bytes sent per computer",
  });
  const keys = await ApiKeyStore.open(store);
  readerKey = (await keys.create("reader")).key;
  agentKey = (await keys.create("agent")).key;
  server = await createServer({
    store,
    engine: new KqlEngine(store, saved),
    keys,
    port: 0,
    functions: saved,
  });
  url = await server.listen();
  client = clientWith(readerKey);
}, 120_000);

afterAll(async () => {
  client?.close();
  await server?.close();
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const typed = `VMConnection
| summarize Links = sum(LinksEstablished), Sent = sum(BytesSent), First = min(TimeGenerated) by Direction
| extend Share = todouble(Sent) / 1000, Span = 1h + 30m, Ok = Links > 0, Bag = dynamic({"tier": ["web", 1]})
| order by Direction asc`;

describe("v2 queries (/v2/rest/query)", () => {
  it("answers with the Query API's rows, typed columns, and dynamic values as JSON", async () => {
    const response = await client.execute("default", typed, at(end));
    const expected = await queryApi(typed);
    const table = response.primaryResults[0]!;
    expect(table.columns.map((c) => [c.name, c.type])).toEqual(expected.columns.map((c) => [c.name, c.type]));
    const rows = [...table.rows()].map((r) => r.toJSON());
    expect(rows).toHaveLength(expected.rows.length);
    expect(rows[0]).toMatchObject({
      Direction: expected.rows[0]![0],
      Links: expected.rows[0]![1],
      Sent: expected.rows[0]![2],
      First: new Date(String(expected.rows[0]![3])),
      Share: expected.rows[0]![4],
      Span: 90 * 60 * 1000,
      Ok: true,
      Bag: { tier: ["web", 1] },
    });
    expect(response.tables.map((t) => t.kind)).toEqual([
      "QueryProperties",
      "PrimaryResult",
      "QueryCompletionInformation",
    ]);
  });

  it("counts exactly what SQL counts", async () => {
    const connection = await store.connect();
    try {
      const reader = await connection.runAndReadAll(`SELECT count(*)::BIGINT FROM "VMConnection"`);
      const count = Number(reader.getRows()[0]![0]);
      const response = await client.execute("default", "VMConnection | count");
      expect(response.primaryResults[0]!._rows).toEqual([[count]]);
    } finally {
      connection.closeSync();
    }
  });

  it("returns render as the visualization of @ExtendedProperties", async () => {
    const response = await client.execute(
      "default",
      "VMConnection | summarize count() by bin(TimeGenerated, 5m) | render timechart with (title='Links')",
    );
    const properties = response.tables.find((t) => t.kind === "QueryProperties")!;
    const [row] = properties._rows as unknown[][];
    expect(row![1]).toBe("Visualization");
    expect(JSON.parse(String(row![2]))).toMatchObject({ Visualization: "timechart", Title: "Links" });
  });

  it("takes query_now from the request properties and from a set statement", async () => {
    const fromProperties = await client.execute("default", "print now()", at(end));
    expect(fromProperties.primaryResults[0]!._rows).toEqual([["2026-11-22T07:00:00Z"]]);
    const fromSet = await client.execute(
      "default",
      "set query_now = datetime(2026-01-02T03:04:05Z);\nprint now()",
    );
    expect(fromSet.primaryResults[0]!._rows).toEqual([["2026-01-02T03:04:05Z"]]);
  });

  it("reports a result cut short by truncationmaxrecords as Kusto does, and set notruncation lifts it", async () => {
    await expect(client.execute("default", "set truncationmaxrecords = 5;\nVMConnection")).rejects.toThrow(
      /E_QUERY_RESULT_SET_TOO_LARGE|80DA0003/,
    );
    const raw = await rawPost("/v2/rest/query", {
      db: "default",
      csl: "set truncationmaxrecords = 5; VMConnection",
    });
    const frames = raw.body as {
      FrameType: string;
      TableKind?: string;
      Rows?: unknown[];
      HasErrors?: boolean;
    }[];
    expect(frames.find((f) => f.TableKind === "PrimaryResult")?.Rows).toHaveLength(5);
    expect(frames.at(-1)).toMatchObject({ FrameType: "DataSetCompletion", HasErrors: true });
    const lifted = await client.execute("default", "set notruncation;\nVMConnection | take 7");
    expect(lifted.primaryResults[0]!._rows).toHaveLength(7);
  });

  it("fills declare query_parameters from the request's parameters, with defaults and typed values", async () => {
    const properties = at(end);
    properties.setParameter("computer", "acme-demo");
    properties.setParameter("since", "datetime(2026-11-22T06:30:00Z)");
    const query = `declare query_parameters(computer:string, since:datetime, top:long = 2);
VMConnection | where Computer == computer and TimeGenerated >= since | summarize n = count() by RemoteIp | top top by n`;
    const response = await client.execute("default", query, properties);
    const expected = await queryApi(
      "VMConnection | where Computer == 'acme-demo' and TimeGenerated >= datetime(2026-11-22T06:30:00Z) | summarize n = count() by RemoteIp | top 2 by n",
    );
    expect(response.primaryResults[0]!._rows).toEqual(expected.rows);
    expect(expected.rows.length).toBe(2);
    // A quote in a parameter's value is data, never query text.
    const quoted = new ClientRequestProperties();
    quoted.setParameter("computer", "x' or 1==1 //");
    quoted.setParameter("since", "2026-01-01");
    const none = await client.execute("default", query, quoted);
    expect(none.primaryResults[0]!._rows).toEqual([]);
  });

  it("refuses a missing or mistyped query parameter with its position", async () => {
    const missing = await rawPost("/v2/rest/query", {
      db: "default",
      csl: "declare query_parameters(n:long);\nprint n",
    });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body)).toContain("'n' has no value");
    const mistyped = await rawPost("/v2/rest/query", {
      db: "default",
      csl: "declare query_parameters(n:long);\nprint n",
      properties: { Parameters: { n: "three" } },
    });
    expect(mistyped.status).toBe(400);
    expect(mistyped.body).toMatchObject({
      error: { "@line": 1, "@message": expect.stringContaining("not a long") },
    });
  });

  it("calls stored functions", async () => {
    const response = await client.execute("default", "SentBy(0) | count");
    const expected = await queryApi("VMConnection | distinct Computer | count");
    expect(response.primaryResults[0]!._rows).toEqual(expected.rows);
  });
});

describe("v1 queries (/v1/rest/query)", () => {
  it("answers with the primary result named by the table of contents", async () => {
    const response = await client.executeQueryV1("default", typed, at(end));
    const expected = await queryApi(typed);
    const table = response.primaryResults[0]!;
    expect(table.name).toBe("PrimaryResult");
    expect(table._rows.length).toBe(expected.rows.length);
    expect(table.columns.map((c) => c.name)).toEqual(expected.columns.map((c) => c.name));
    const raw = await rawPost("/v1/rest/query", { db: "default", csl: "print n = 1, s = 'a'" });
    const tables = (raw.body as { Tables: { TableName: string; Columns: { DataType: string }[] }[] }).Tables;
    expect(tables.map((t) => t.TableName)).toEqual(["Table_0", "Table_1", "Table_2", "Table_3"]);
    expect(tables[0]!.Columns.map((c) => c.DataType)).toEqual(["Int64", "String"]);
  });

  it("reports truncation in its QueryStatus table, named by the table of contents", async () => {
    const raw = await rawPost("/v1/rest/query", {
      db: "default",
      csl: "set truncationmaxrecords = 3; VMConnection",
    });
    const tables = (raw.body as { Tables: { Columns: { ColumnName: string }[]; Rows: unknown[][] }[] })
      .Tables;
    expect(tables[0]!.Rows).toHaveLength(3);
    const contents = tables.at(-1)!.Rows.map((r) => r[1]);
    const status = tables[contents.indexOf("QueryStatus")]!;
    const severity = status.Columns.findIndex((c) => c.ColumnName === "Severity");
    const description = status.Columns.findIndex((c) => c.ColumnName === "StatusDescription");
    const errors = status.Rows.filter((r) => r[severity] === 2).map((r) => r[description]);
    expect(errors).toEqual([expect.stringContaining("E_QUERY_RESULT_SET_TOO_LARGE")]);
  });
});

describe("errors", () => {
  it("carry Kusto's exception type, the diagnostic and its position", async () => {
    const raw = await rawPost("/v2/rest/query", { db: "default", csl: "VMConnection\n| where Nope == 1" });
    expect(raw.status).toBe(400);
    expect(raw.body).toMatchObject({
      error: {
        code: "General_BadRequest",
        "@type": "Kusto.Data.Exceptions.SemanticException",
        "@line": 2,
        "@pos": 8,
        "@token": "Nope",
      },
    });
    const message = (raw.body as { error: { "@message": string } }).error["@message"];
    expect(message).toMatch(/^Semantic error: .*'Nope'.*\[line:position=2:9\]$/);
    await expect(client.execute("default", "VMConnection | where")).rejects.toThrow(/400/);
  });

  it("refuse another database, a missing key and a key that may not query", async () => {
    const other = await rawPost("/v2/rest/query", { db: "Samples", csl: "print 1" });
    expect(other.status).toBe(404);
    expect(JSON.stringify(other.body)).toContain("Samples");
    const noKey = await fetch(`${url}/v2/rest/query`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ db: "default", csl: "print 1" }),
    });
    expect(noKey.status).toBe(401);
    const agent = clientWith(agentKey);
    await expect(agent.execute("default", "print 1")).rejects.toThrow(/403/);
    agent.close();
  });

  it("name a management command that is not supported", async () => {
    const raw = await rawPost("/v1/rest/mgmt", { db: "default", csl: ".drop table VMConnection" });
    expect(raw.status).toBe(400);
    expect(JSON.stringify(raw.body)).toContain("not supported: the management command '.drop table'");
    const count = await client.execute("default", "VMConnection | count");
    expect(Number(count.primaryResults[0]!._rows[0]![0])).toBeGreaterThan(0);
  });
});

describe("management commands (/v1/rest/mgmt)", () => {
  it("list the database, its tables with their columns, and the stored functions", async () => {
    const databases = await client.executeMgmt("default", ".show databases");
    const [database] = [...databases.primaryResults[0]!.rows()].map((r) => r.toJSON());
    expect(database).toMatchObject({ DatabaseName: store.workspaceId, PrettyName: "svcmap" });

    const schema = await client.executeMgmt(
      store.workspaceId,
      `.show database ['${store.workspaceId}'] schema as json`,
    );
    const document = JSON.parse(String(schema.primaryResults[0]!._rows[0]![0])) as {
      Databases: Record<
        string,
        {
          Tables: Record<string, { OrderedColumns: { Name: string; CslType: string }[] }>;
          Functions: Record<string, { Body: string }>;
        }
      >;
    };
    const db = document.Databases[store.workspaceId]!;
    const columns = await queryApi("VMConnection | getschema | project ColumnName, ColumnType");
    expect(db.Tables["VMConnection"]!.OrderedColumns.map((c) => [c.Name, c.CslType])).toEqual(columns.rows);
    expect(Object.keys(db.Tables)).toEqual(
      expect.arrayContaining(["VMComputer", "VMBoundPort", "ServiceMapComputer_CL"]),
    );
    expect(db.Functions["SentBy"]!.Body).toContain("summarize Sent = sum(BytesSent)");

    const functions = await client.executeMgmt("default", ".show functions");
    expect([...functions.primaryResults[0]!.rows()].map((r) => r.toJSON())).toEqual([
      expect.objectContaining({
        Name: "SentBy",
        Parameters: "(minBytes:long = 0)",
        DocString: "bytes sent per computer",
      }),
    ]);
    const csl = await client.executeMgmt("default", ".show table VMBoundPort cslschema");
    expect(String(csl.primaryResults[0]!._rows[0]![1])).toMatch(/^TenantId:string,.*Port:int/);
    const version = await client.executeMgmt("default", ".show version");
    expect(version.primaryResults[0]!._rows).toHaveLength(1);
  });

  it("answer .show commands sent to the query endpoint too", async () => {
    const tables = await client.execute("default", ".show tables");
    expect([...tables.primaryResults[0]!.rows()].map((r) => r.toJSON()["TableName"])).toContain(
      "VMConnection",
    );
  });
});

describe("the Log Analytics metadata API (GET /v1/workspaces/{id}/metadata)", () => {
  it("lists the same tables, columns and stored functions as the Kusto schema", async () => {
    const response = await fetch(`${url}/v1/workspaces/${store.workspaceId}/metadata`, {
      headers: { authorization: `Bearer ${readerKey}` },
    });
    expect(response.status).toBe(200);
    const metadata = (await response.json()) as {
      tables: { name: string; timespanColumn?: string; columns: { name: string; type: string }[] }[];
      functions: { name: string; parameters: string; body: string }[];
    };
    const connections = metadata.tables.find((t) => t.name === "VMConnection");
    const columns = await queryApi("VMConnection | getschema | project ColumnName, ColumnType");
    expect(connections?.columns.map((c) => [c.name, c.type])).toEqual(columns.rows);
    expect(connections?.timespanColumn).toBe("TimeGenerated");
    expect(metadata.functions).toEqual([
      expect.objectContaining({ name: "SentBy", parameters: "minBytes:long = 0" }),
    ]);
    const other = await fetch(`${url}/v1/workspaces/00000000-0000-0000-0000-000000000000/metadata`, {
      headers: { authorization: `Bearer ${readerKey}` },
    });
    expect(other.status).toBe(404);
  });
});
