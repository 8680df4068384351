import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QueryError } from "./errors.js";
import { fixtureNow, openFixture } from "./test-support/fixture.js";

let fixture: Awaited<ReturnType<typeof openFixture>>;
beforeAll(async () => {
  fixture = await openFixture();
});
afterAll(() => fixture.close());

async function failure(query: string, options = {}): Promise<QueryError> {
  try {
    await fixture.engine.run(query, { now: fixtureNow, ...options });
  } catch (error) {
    expect(error).toBeInstanceOf(QueryError);
    return error as QueryError;
  }
  throw new Error(`expected ${query} to fail`);
}

describe("errors carry Kusto's diagnostics and positions", () => {
  it("reports an unknown column where it stands", async () => {
    const error = await failure("VMConnection\n| where Compter == 'x'");
    expect(error.code).toBe("SemanticError");
    expect(error.diagnostics[0]).toMatchObject({ line: 2, column: 9, start: 21, length: 7 });
    expect(error.message).toContain("Compter");
    expect(error.message).toContain("line 2, column 9");
  });

  it("reports a syntax error", async () => {
    const error = await failure("VMConnection | where");
    expect(error.code).toBe("SyntaxError");
    expect(error.diagnostics.length).toBeGreaterThan(0);
  });

  it("reports an unknown table", async () => {
    const error = await failure("NoSuchTable | take 1");
    expect(error.message).toContain("NoSuchTable");
  });

  it("says 'not supported' rather than answering wrongly", async () => {
    const error = await failure("VMConnection | evaluate pivot(Direction)");
    expect(error.code).toBe("NotSupported");
    expect(error.message).toMatch(/^not supported: /);
  });

  it("refuses window functions over rows that are not serialized, as Kusto does", async () => {
    const error = await failure("VMConnection | extend r = row_number()");
    expect(error.code).toBe("SemanticError");
    expect(error.message).toContain("the row set must be serialized");
    expect(error.diagnostics[0]).toMatchObject({ line: 1, column: 27 });
    const after = await failure(
      "VMConnection | order by BytesSent | summarize count() by Computer | extend p = prev(count_)",
    );
    expect(after.message).toContain("the row set must be serialized");
  });
});

describe("governance", () => {
  it("stops a runaway query at its time limit, and the next query runs", async () => {
    const started = Date.now();
    const error = await failure("range x from 1 to 5000000000 step 1 | summarize dcount(x % 1000000007)", {
      timeoutMs: 300,
    });
    expect(error.code).toBe("QueryTimeout");
    expect(Date.now() - started).toBeLessThan(20_000);
    const next = await fixture.engine.run("print ok = 1", { now: fixtureNow });
    expect(next.tables[0]?.rows).toEqual([[1]]);
  });

  it("truncates at the row limit and says so", async () => {
    const result = await fixture.engine.run("range x from 1 to 1000 step 1", {
      now: fixtureNow,
      maxRows: 10,
    });
    expect(result.tables[0]?.rows).toHaveLength(10);
    expect(result.truncated).toEqual({ reason: "rows", limit: 10 });
  });

  it("truncates at the size limit and says so", async () => {
    const result = await fixture.engine.run('range x from 1 to 1000 step 1 | extend s = strrep("x", 1000)', {
      now: fixtureNow,
      maxBytes: 50_000,
    });
    expect(result.tables[0]?.rows.length).toBeLessThan(60);
    expect(result.truncated?.reason).toBe("bytes");
  });

  it("runs concurrent queries independently", async () => {
    const slow = failure("range x from 1 to 5000000000 step 1 | summarize dcount(x % 1000000007)", {
      timeoutMs: 1500,
    });
    const quick = await fixture.engine.run("VMConnection | count", { now: fixtureNow });
    expect(quick.tables[0]?.rows).toEqual([[6]]);
    expect((await slow).code).toBe("QueryTimeout");
  });
});

describe("the timespan option limits TimeGenerated like the Query API's", () => {
  it("keeps only rows inside the window", async () => {
    const result = await fixture.engine.run("VMConnection | count", { now: fixtureNow, timespan: "PT1H" });
    expect(result.tables[0]?.rows).toEqual([[1]]);
    const interval = await fixture.engine.run("VMConnection | count", {
      now: fixtureNow,
      timespan: "2026-11-20T10:00:00Z/2026-11-20T10:01:00Z",
    });
    expect(interval.tables[0]?.rows).toEqual([[3]]);
  });

  it("refuses a malformed timespan", async () => {
    const error = await failure("VMConnection | count", { timespan: "yesterday" });
    expect(error.message).toContain("yesterday");
  });
});

describe("unsupported functions", () => {
  it("name the function and where it stands", async () => {
    const error = await failure("print x = 1\n| extend y = series_fir(dynamic([1,2]), dynamic([1]))");
    expect(error.code).toBe("NotSupported");
    expect(error.message).toContain("series_fir");
    expect(error.diagnostics[0]).toMatchObject({ line: 2, column: 14 });
  });
});

describe("cancellation", () => {
  it("interrupts a running query when its signal aborts", async () => {
    const controller = new AbortController();
    const started = Date.now();
    const running = failure("range x from 1 to 5000000000 step 1 | summarize dcount(x % 1000000007)", {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 200);
    const error = await running;
    expect(error.code).toBe("QueryCancelled");
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});

describe("a repeated query text", () => {
  it("takes now() from each run, though the text is analysed once", async () => {
    const query = "print t = now(), a = ago(1h)";
    const first = await fixture.engine.run(query, { now: new Date("2026-01-01T00:00:00Z") });
    const second = await fixture.engine.run(query, { now: new Date("2026-02-01T12:00:00Z") });
    expect(first.tables[0]?.rows).toEqual([["2026-01-01T00:00:00Z", "2025-12-31T23:00:00Z"]]);
    expect(second.tables[0]?.rows).toEqual([["2026-02-01T12:00:00Z", "2026-02-01T11:00:00Z"]]);
  });
});
