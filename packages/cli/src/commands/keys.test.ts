// Runs the built command (npm test builds first).

import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../../bin/svcmap.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "svcmap-keys-"));
const data = join(dir, "data");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function svcmap(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
    });
  });
}

describe("svcmap keys", () => {
  it("creates a key, printing it once on stdout, lists it and revokes it", async () => {
    const created = await svcmap("keys", "create", "--role", "reader", "--name", "grafana", "--data", data);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^svcmap_[A-Za-z0-9_-]{43}\n$/);
    const id = /created key ([0-9a-f]{12}) \(role reader, name "grafana"\)/.exec(created.stderr)?.[1];
    expect(id).toBeDefined();
    expect((await svcmap("keys", "create", "--role", "agent", "--data", data)).code).toBe(0);

    const listed = await svcmap("keys", "list", "--data", data);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^Id\s+Role\s+Name\s+Created\s+Revoked$/);
    expect(lines[2]).toMatch(new RegExp(`^${id}  reader  grafana  \\d{4}-\\d\\d-\\d\\dT`));
    expect(lines[3]).toMatch(/^[0-9a-f]{12} {2}agent /);
    expect(listed.stdout).not.toContain(created.stdout.trim());

    const revoked = await svcmap("keys", "revoke", id as string, "--data", data);
    expect(revoked).toMatchObject({ code: 0, stderr: `revoked key ${id}\n` });
    const json = JSON.parse((await svcmap("keys", "list", "--format", "json", "--data", data)).stdout);
    const rows: unknown[][] = json.tables[0].rows;
    expect(rows.find((r) => r[0] === id)?.[4]).toMatch(/^\d{4}-/);
    expect(rows.filter((r) => r[4] === null)).toHaveLength(1);
  });

  it("explains its mistakes: unknown id (exit 1), missing role or action (exit 2)", async () => {
    const unknown = await svcmap("keys", "revoke", "000000000000", "--data", data);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no key with id '000000000000'");
    const noRole = await svcmap("keys", "create", "--data", data);
    expect(noRole.code).toBe(2);
    expect(noRole.stderr).toContain("--role reader|contributor|agent");
    const wrongRole = await svcmap("keys", "create", "--role", "admin", "--data", data);
    expect(wrongRole.code).toBe(2);
    expect((await svcmap("keys", "rotate", "--data", data)).code).toBe(2);
    expect((await svcmap("keys")).code).toBe(2);
  });
});
