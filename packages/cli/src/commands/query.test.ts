// Runs the built command (npm test builds first) against a data directory.

import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { WorkspaceStore } from "@svcmap/workspace";

const bin = fileURLToPath(new URL("../../bin/svcmap.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "svcmap-query-"));
const data = join(dir, "data");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function svcmap(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [bin, ...args], (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
    });
    child.stdin?.end(stdin ?? "");
  });
}

const printQuery = 'print n=12345, name="web", r=2.5, quoted="say \\"hi\\", ok", empty=int(null)';

describe("svcmap query on a data directory", () => {
  it("prints the Query API body with --format json", async () => {
    const { code, stdout } = await svcmap([
      "query",
      "--data",
      data,
      "--format",
      "json",
      'print n=12345, name="web"',
    ]);
    expect(code).toBe(0);
    expect(stdout).toBe(
      '{"tables":[{"name":"PrimaryResult","columns":[{"name":"n","type":"long"},{"name":"name","type":"string"}],' +
        '"rows":[[12345,"web"]]}]}\n',
    );
  });

  it("prints an aligned table, numbers to the right and null as nothing", async () => {
    const { code, stdout } = await svcmap(["query", "--data", data, printQuery]);
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        "    n  name    r  quoted        empty",
        "-----  ----  ---  ------------  -----",
        '12345  web   2.5  say "hi", ok',
        "",
      ].join("\n"),
    );
  });

  it("prints RFC 4180 CSV with a header", async () => {
    const { code, stdout } = await svcmap(["query", "--data", data, "--format", "csv", printQuery]);
    expect(code).toBe(0);
    expect(stdout).toBe('n,name,r,quoted,empty\r\n12345,web,2.5,"say ""hi"", ok",\r\n');
  });

  it("fixes now() with --now and reads the query from a file or standard input", async () => {
    const file = join(dir, "now.kql");
    writeFileSync(file, "print t=now()\n");
    const fromFile = await svcmap([
      "query",
      "--data",
      data,
      "--format",
      "csv",
      "--now",
      "2026-01-02T03:04:05Z",
      "-f",
      file,
    ]);
    expect(fromFile).toMatchObject({ code: 0, stdout: "t\r\n2026-01-02T03:04:05Z\r\n" });
    const fromStdin = await svcmap(["query", "--data", data, "--format", "csv", "-f", "-"], "print one=1");
    expect(fromStdin).toMatchObject({ code: 0, stdout: "one\r\n1\r\n" });
  });

  it("shows a query error with a caret under the offending text and exits 1", async () => {
    const bad = await svcmap(["query", "--data", data, "VMConnection | wher x"]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toMatch(
      /^error: .+\n {2}at line 1, column 16\n {4}VMConnection \| wher x\n {4}( {15})\^{4}\n {2}\(BadArgumentError > \w+Error > \w+\)\n$/,
    );
    const asJson = await svcmap(["query", "--data", data, "--format", "json", "VMConnection | wher x"]);
    expect(asJson.code).toBe(1);
    const body = JSON.parse(asJson.stdout);
    expect(body.error).toMatchObject({
      code: "BadArgumentError",
      message: "The request had some invalid properties",
    });
    expect(body.error.innererror.innererror).toMatchObject({ line: 1, pos: 15, token: "wher" });
  });

  it("refuses unusable arguments with exit code 2", async () => {
    for (const args of [
      ["--format", "xml", "print 1"],
      [],
      ["--now", "yesterday", "print 1"],
      ["--url", "http://127.0.0.1:9", "--now", "2026-01-01T00:00:00Z", "print 1"],
      ["--data", data, "--url", "http://127.0.0.1:9", "print 1"],
      ["--unknown", "print 1"],
    ]) {
      const { code, stderr } = await svcmap(["query", ...args]);
      expect({ args, code }).toEqual({ args, code: 2 });
      expect(stderr).toContain("usage: svcmap query");
    }
  });

  it("says so when a running server holds the data directory", async () => {
    const held = join(dir, "held");
    const store = await WorkspaceStore.open({ dataDir: held });
    try {
      const { code, stderr } = await svcmap(["query", "--data", held, "print 1"]);
      expect(code).toBe(1);
      expect(stderr).toMatch(/in use by another svcmap process.*--url/);
    } finally {
      store.close();
    }
  });
});
