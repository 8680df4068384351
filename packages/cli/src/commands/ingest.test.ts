// Runs the built command (npm test builds first; otherwise `npx tsc -b packages/cli`) on real files.

import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { WorkspaceStore } from "@svcmap/workspace";

const bin = fileURLToPath(new URL("../../bin/svcmap.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "svcmap-ingest-cli-"));
const data = join(dir, "data");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function svcmap(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [bin, ...args], { cwd: dir }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
    });
    child.stdin?.end(stdin ?? "");
  });
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function count(table: string, dataDir = data): Promise<number> {
  const store = await WorkspaceStore.open({ dataDir });
  try {
    return await store.withConnection(async (c) => {
      const reader = await c.runAndReadAll(`SELECT count(*) FROM "${table}"`);
      return Number(reader.getRowsJS()[0]?.[0]);
    });
  } finally {
    store.close();
  }
}

const row = (port: number): string =>
  JSON.stringify({
    TimeGenerated: "2026-05-01T10:00:00Z",
    Computer: "web-01",
    Machine: "m-1",
    DestinationPort: port,
  });

describe("svcmap ingest", () => {
  it("loads NDJSON, a JSON array and CSV in one run and prints a summary", async () => {
    const ndjson = file("a.ndjson", `${row(80)}\n${row(443)}\n`);
    const array = file("b.json", `[\n${row(5432)}\n]`);
    const csv = file("c.csv", "TimeGenerated,Computer,DestinationPort\n2026-05-01T10:00:00Z,web-02,22\n");
    const { code, stdout, stderr } = await svcmap([
      "ingest",
      "--data",
      data,
      "--table",
      "VMConnection",
      ndjson,
      array,
      csv,
    ]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^VMConnection: 4 rows, \d+\.\d+ MB billed, in \d+\.\d+ s \([\d,]+ rows\/s\)\n$/);
    expect(await count("VMConnection")).toBe(4);
  });

  it("reads NDJSON from standard input with '-'", async () => {
    const { code } = await svcmap(
      ["ingest", "--data", data, "--table", "Heartbeat", "-"],
      `${JSON.stringify({ Computer: "web-01" })}\n`,
    );
    expect(code).toBe(0);
    expect(await count("Heartbeat")).toBe(1);
  });

  it("uses ./svcmap-data by default", async () => {
    const { code } = await svcmap(
      ["ingest", "--table", "Heartbeat", "-"],
      `${JSON.stringify({ Computer: "web-01" })}\n`,
    );
    expect(code).toBe(0);
    expect(await count("Heartbeat", join(dir, "svcmap-data"))).toBe(1);
  });

  it("reports a bad row on stderr with exit code 1 and stores nothing", async () => {
    const bad = file("bad.ndjson", `${row(8080)}\n${JSON.stringify({ DestinationPort: "http" })}\n`);
    const { code, stdout, stderr } = await svcmap(["ingest", "--data", data, "--table", "VMConnection", bad]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toBe(`svcmap: ${bad}:2: column DestinationPort: expected int, got "http"\n`);
    expect(await count("VMConnection")).toBe(4);
  });

  it("refuses an unknown table", async () => {
    const path = file("one.ndjson", `${row(1)}\n`);
    const unknown = await svcmap(["ingest", "--data", data, "--table", "Connections", path]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown table "Connections"/);
  });

  it("sends files to a running server with --url, each checked as --data checks it", async () => {
    const served = join(dir, "served");
    const contributor = (
      await svcmap(["keys", "create", "--data", served, "--role", "contributor"])
    ).stdout.trim();
    const reader = (await svcmap(["keys", "create", "--data", served, "--role", "reader"])).stdout.trim();
    const server = spawn(
      process.execPath,
      [bin, "serve", "--data", served, "--port", "0", "--log-level", "warn"],
      {
        cwd: dir,
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        server.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          const found = /listening on (http:\/\/\S+)/.exec(out);
          if (found?.[1] !== undefined) resolve(found[1]);
        });
        server.once("exit", (code) => reject(new Error(`serve exited with ${code}`)));
      });
      const ndjson = file("r1.ndjson", `${row(80)}\n${row(443)}\n`);
      const csv = file("r2.csv", "TimeGenerated,Computer,DestinationPort\n2026-05-01T10:00:00Z,web-02,22\n");
      const bad = file(
        "r3.csv",
        "TimeGenerated,Computer,DestinationPort\n2026-05-01T10:00:00Z,web-02,22\n2026-05-01T10:00:00Z,web-02,ssh\n",
      );
      const sent = await svcmap([
        "ingest",
        "--url",
        url,
        "--key",
        contributor,
        "--table",
        "VMConnection",
        ndjson,
        csv,
      ]);
      expect(sent.code).toBe(0);
      expect(sent.stdout).toMatch(/r1\.ndjson: VMConnection: 2 rows/);
      expect(sent.stdout).toMatch(/r2\.csv: VMConnection: 1 rows/);
      const refused = await svcmap([
        "ingest",
        "--url",
        url,
        "--key",
        contributor,
        "--table",
        "VMConnection",
        ndjson,
        bad,
      ]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`svcmap: ${bad}:3: column DestinationPort: expected int, got "ssh"`);
      expect(refused.stderr).toContain(`already stored before it: ${ndjson}`);
      const piped = await svcmap(
        ["ingest", "--url", url, "--key", contributor, "--table", "VMConnection", "-"],
        `${row(5432)}\n`,
      );
      expect(piped.code).toBe(0);
      const denied = await svcmap([
        "ingest",
        "--url",
        url,
        "--key",
        reader,
        "--table",
        "VMConnection",
        ndjson,
      ]);
      expect(denied.code).toBe(1);
      expect(denied.stderr).toMatch(/cannot/);
      const counted = await svcmap([
        "query",
        "--url",
        url,
        "--key",
        reader,
        "--format",
        "csv",
        "VMConnection | count",
      ]);
      // r1 twice (the second run stored it before r3 was refused), r2 once, stdin once.
      expect(counted.stdout.trim().split("\n")[1]).toBe("6");
    } finally {
      server.kill("SIGTERM");
      await new Promise((resolve) => server.once("exit", resolve));
    }
  }, 60_000);

  it("explains its options", async () => {
    const missing = await svcmap(["ingest", "--data", data, "x.ndjson"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--table is required/);
    const help = await svcmap(["ingest", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: svcmap ingest/);
  });
});
