import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KqlEngine } from "../kql/engine.js";
import { QueryError } from "../kql/errors.js";
import { openFixture } from "../kql/test-support/fixture.js";
import { ApiKeyStore } from "../http/api-keys.js";
import { createServer, type WorkspaceServer } from "../http/server.js";
import { savedItemRoutes } from "../http/saved-routes.js";
import { SavedItemStore } from "./saved-items.js";

let fixture: Awaited<ReturnType<typeof openFixture>>;
let saved: SavedItemStore;
let engine: KqlEngine;
let server: WorkspaceServer;
let url: string;

beforeAll(async () => {
  fixture = await openFixture();
  saved = await SavedItemStore.open(fixture.store);
  engine = new KqlEngine(fixture.store, saved);
  const keys = await ApiKeyStore.open(fixture.store);
  server = await createServer({
    store: fixture.store,
    engine,
    keys,
    port: 0,
    plugins: [savedItemRoutes(saved)],
  });
  url = await server.listen();
});

afterAll(async () => {
  await server?.close();
  fixture?.close();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
type Json = any;

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === "" ? undefined : JSON.parse(text) };
}

describe("stored functions", () => {
  it("are callable from any query once saved, with parameters and defaults", async () => {
    await saved.save("function", "BytesByComputer", {
      parameters: [{ name: "minBytes", type: "long", default: "0" }],
      body: "VMConnection\n| summarize Sent = sum(BytesSent) by Computer\n| where Sent >= minBytes",
      description: "bytes sent per computer",
    });
    const all = await engine.run("BytesByComputer() | order by Computer asc");
    const some = await engine.run("BytesByComputer(5000) | project Computer");
    expect(all.tables[0]?.columns.map((c) => c.name)).toEqual(["Computer", "Sent"]);
    expect(all.tables[0]?.rows.length).toBeGreaterThan(some.tables[0]?.rows.length ?? 0);
    // The same answer as the query written out by hand.
    const direct = await engine.run(
      "VMConnection | summarize Sent = sum(BytesSent) by Computer | where Sent >= 5000 | project Computer",
    );
    expect(some.tables[0]?.rows).toEqual(direct.tables[0]?.rows);
  });

  it("may call each other, and scalar functions work in expressions", async () => {
    await saved.save("function", "Kilo", {
      parameters: [{ name: "n", type: "long" }],
      body: "n / 1024.0",
      description: "",
    });
    await saved.save("function", "KiloSent", {
      parameters: [],
      body: "BytesByComputer() | extend KB = Kilo(Sent) | project Computer, KB",
      description: "",
    });
    const result = await engine.run("KiloSent() | order by Computer asc | take 1");
    const direct = await engine.run(
      "VMConnection | summarize Sent = sum(BytesSent) by Computer | order by Computer asc | take 1",
    );
    const sent = Number(direct.tables[0]?.rows[0]?.[1]);
    expect(result.tables[0]?.rows[0]).toEqual([direct.tables[0]?.rows[0]?.[0], sent / 1024]);
  });

  it("are refused with the body's own error position when they do not analyse", async () => {
    const response = await call("PUT", "/api/saved/functions/Broken", {
      parameters: [],
      body: "VMConnection\n| where NoSuchColumn > 1",
    });
    expect(response.status).toBe(400);
    const detail = response.body.error.innererror.innererror;
    expect(detail).toMatchObject({ line: 2, pos: 8, token: "NoSuchColumn" });
    expect(saved.current().map((f) => f.name)).not.toContain("Broken");
  });

  it("cannot take a table's or a built-in function's name", async () => {
    await expect(saved.save("function", "VMConnection", { body: "1" })).rejects.toThrow(QueryError);
    await expect(saved.save("function", "strcat", { body: "1" })).rejects.toThrow(/built-in/);
  });

  it("are listed in the schema the editor completes against, and leave it when deleted", async () => {
    await saved.save("function", "Temporary", { parameters: [], body: "print 1" });
    const schema = await call("GET", "/api/schema");
    expect(schema.body.tables.map((t: { name: string }) => t.name)).toContain("VMConnection");
    expect(schema.body.functions.map((f: { name: string }) => f.name)).toContain("Temporary");
    expect((await call("DELETE", "/api/saved/functions/Temporary")).status).toBe(204);
    await expect(engine.run("Temporary()")).rejects.toThrow(QueryError);
    expect((await call("DELETE", "/api/saved/functions/Temporary")).status).toBe(404);
  });
});

describe("saved queries and workbooks", () => {
  it("round-trip through the HTTP API and survive reopening", async () => {
    const put = await call("PUT", "/api/saved/queries/Top talkers", {
      query: "VMConnection | summarize count() by Computer",
      description: "who talks most",
    });
    expect(put.status).toBe(200);
    const workbook = { version: 1, title: "Mine", items: [{ type: "text", text: "hello" }] };
    expect((await call("PUT", "/api/saved/workbooks/Mine", workbook)).status).toBe(200);
    const reopened = await SavedItemStore.open(fixture.store);
    expect((await reopened.get("query", "Top talkers"))?.content.query).toContain("summarize");
    expect((await call("GET", "/api/saved/workbooks/Mine")).body.content).toEqual(workbook);
    expect((await call("GET", "/api/saved/queries")).body.items).toHaveLength(1);
  });

  it("refuses malformed content saying which field is wrong", async () => {
    const noQuery = await call("PUT", "/api/saved/queries/x", { query: 5 });
    expect(noQuery.status).toBe(400);
    expect(noQuery.body.error.innererror.message).toBe("query must be a string");
    const badWorkbook = await call("PUT", "/api/saved/workbooks/x", { version: 1, items: [1] });
    expect(badWorkbook.body.error.innererror.message).toBe("items[0] must be a JSON object");
    const badType = await call("PUT", "/api/saved/functions/f", {
      body: "1",
      parameters: [{ name: "a", type: "text" }],
    });
    expect(badType.body.error.innererror.message).toMatch(/parameters\[0\]\.type 'text'/);
    expect((await call("GET", "/api/saved/nothing")).status).toBe(404);
  });
});
