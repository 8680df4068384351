import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tables } from "@svcmap/model";
import { WorkspaceStore } from "./workspace-store.js";
import { appendRecords } from "./table-appender.js";
import { currentSchemaVersion, readSchemaVersion } from "./migrations.js";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "svcmap-store-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function columnsOf(store: WorkspaceStore, table: string): Promise<[string, string][]> {
  return store.withConnection(async (c) => {
    const r = await c.runAndReadAll(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '${table}' ORDER BY ordinal_position`,
    );
    return r.getRowsJS().map((row) => [String(row[0]), String(row[1])]);
  });
}

describe("WorkspaceStore", () => {
  it("opens an existing workspace read-only, and refuses to write through it", async () => {
    const dir = tempDir();
    const writer = await WorkspaceStore.open({ dataDir: dir, memoryLimit: "256MB" });
    const id = writer.workspaceId;
    writer.close();
    const reader = await WorkspaceStore.open({ dataDir: dir, memoryLimit: "256MB", readOnly: true });
    try {
      expect(reader.workspaceId).toBe(id);
      expect(await columnsOf(reader, "VMComputer")).not.toEqual([]);
      await expect(reader.withConnection((c) => c.run("DELETE FROM VMConnection"))).rejects.toThrow(
        /read-only/i,
      );
    } finally {
      reader.close();
    }
    await expect(WorkspaceStore.open({ dataDir: join(dir, "missing"), readOnly: true })).rejects.toThrow();
  });

  it("creates every table with the reference columns and keeps its workspace id", async () => {
    const dir = tempDir();
    const store = await WorkspaceStore.open({ dataDir: dir });
    const id = store.workspaceId;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const vmConnection = await columnsOf(store, "VMConnection");
    expect(vmConnection.map(([name]) => name)).toEqual(tables.VMConnection.columns.map((c) => c.name));
    expect(vmConnection.find(([name]) => name === "TimeGenerated")?.[1]).toBe("TIMESTAMP");
    expect(vmConnection.find(([name]) => name === "DestinationPort")?.[1]).toBe("INTEGER");
    expect((await columnsOf(store, "ServiceMapComputer_CL")).map(([n]) => n)).toContain("ComputerName_s");
    store.close();
    const reopened = await WorkspaceStore.open({ dataDir: dir });
    expect(reopened.workspaceId).toBe(id);
    reopened.close();
  });

  it("migrates an older data directory, adding what the model gained and keeping the rows", async () => {
    const dir = tempDir();
    const store = await WorkspaceStore.open({ dataDir: dir });
    await store.withConnection(async (c) => {
      await appendRecords(c, tables.Heartbeat, [{ Computer: "old-host", TimeGenerated: new Date() }]);
      await c.run(`ALTER TABLE "Heartbeat" DROP COLUMN "VMUUID"`);
      await c.run(`UPDATE svcmap_meta SET value = '0' WHERE key = 'schema_version'`);
    });
    store.close();
    const reopened = await WorkspaceStore.open({ dataDir: dir });
    const columns = (await columnsOf(reopened, "Heartbeat")).map(([n]) => n);
    expect(columns).toContain("VMUUID");
    const rows = await reopened.withConnection(async (c) => {
      const version = await readSchemaVersion(c);
      const r = await c.runAndReadAll(`SELECT "Computer" FROM "Heartbeat"`);
      return { version, computers: r.getRowsJS().map((row) => row[0]) };
    });
    expect(rows).toEqual({ version: currentSchemaVersion, computers: ["old-host"] });
    reopened.close();
  });

  it("deletes rows past retention and keeps the rest", async () => {
    const store = await WorkspaceStore.open({ dataDir: tempDir(), retentionDays: 30 });
    const now = new Date("2026-06-01T00:00:00Z");
    await store.withConnection((c) =>
      appendRecords(c, tables.Heartbeat, [
        { Computer: "old", TimeGenerated: new Date("2026-04-01T00:00:00Z") },
        { Computer: "new", TimeGenerated: new Date("2026-05-30T00:00:00Z") },
      ]),
    );
    expect(await store.enforceRetention(now)).toBe(1);
    const left = await store.withConnection(async (c) =>
      (await c.runAndReadAll(`SELECT "Computer" FROM "Heartbeat"`)).getRowsJS().map((r) => r[0]),
    );
    expect(left).toEqual(["new"]);
    store.close();
  });
});

describe("a table whose stored column order differs from the model", () => {
  it("is rebuilt in the model's order, keeping its rows, so appends line up", async () => {
    const dir = tempDir();
    const store = await WorkspaceStore.open({ dataDir: dir });
    await store.withConnection(async (c) => {
      await appendRecords(c, tables.Heartbeat, [
        { Computer: "kept", TimeGenerated: new Date("2026-05-01T00:00:00Z") },
      ]);
      // As an older release that lacked a middle column would have left it after adding it at the end.
      await c.run(`ALTER TABLE "Heartbeat" DROP COLUMN "Category"`);
      await c.run(`ALTER TABLE "Heartbeat" ADD COLUMN "Category" VARCHAR`);
    });
    store.close();
    const reopened = await WorkspaceStore.open({ dataDir: dir });
    expect((await columnsOf(reopened, "Heartbeat")).map(([n]) => n)).toEqual(
      tables.Heartbeat.columns.map((c) => c.name),
    );
    await reopened.withConnection((c) =>
      appendRecords(c, tables.Heartbeat, [
        { Computer: "new", Category: "Direct Agent", TimeGenerated: new Date("2026-05-02T00:00:00Z") },
      ]),
    );
    const rows = await reopened.withConnection(async (c) =>
      (
        await c.runAndReadAll(`SELECT "Computer", "Category" FROM "Heartbeat" ORDER BY "TimeGenerated"`)
      ).getRowsJS(),
    );
    expect(rows).toEqual([
      ["kept", ""],
      ["new", "Direct Agent"],
    ]);
    expect((await columnsOf(reopened, "ServiceMapComputer_CL")).length).toBeGreaterThan(0);
    reopened.close();
  });
});
