import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { Shipper } from "./shipper.js";
import { Spool } from "./spool.js";

// The workspace's side of the protocol, answering as told: what the shipper must do with each answer.
interface Seen {
  readonly at: number;
  readonly path: string;
  readonly rows: string;
  readonly authorization: string | undefined;
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function workspace(
  answers: { status: number; headers?: Record<string, string> }[],
): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      seen.push({
        at: Date.now(),
        path: request.url ?? "",
        rows: gunzipSync(Buffer.concat(chunks)).toString(),
        authorization: request.headers.authorization,
      });
      const answer = answers.shift() ?? { status: 200 };
      response.writeHead(answer.status, answer.headers ?? {}).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => server.close());
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`,
    seen,
  };
}

function spoolDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "svcmap-shipper-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe("shipping batches", () => {
  it("waits as long as a 429's Retry-After says, then sends the same batch id again", async () => {
    const { url, seen } = await workspace([{ status: 429, headers: { "retry-after": "1" } }]);
    const spool = new Spool(spoolDir());
    const batch = spool.add("Heartbeat", [{ Computer: "a" }])!;
    const shipper = new Shipper({ workspaceUrl: url, key: "k1", spool, log: () => undefined });
    shipper.start();
    expect(await shipper.flushAndStop(10_000)).toBe(0);
    expect(seen).toHaveLength(2);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(950);
    for (const s of seen) {
      expect(s.path).toBe(`/v1/agent/tables/Heartbeat/batches/${batch.batchId}`);
      expect(s.rows).toBe('{"Computer":"a"}\n');
      expect(s.authorization).toBe("Bearer k1");
    }
  });

  it("drops and counts a batch the workspace rejects, and goes on with the next", async () => {
    const { url, seen } = await workspace([{ status: 400 }]);
    const spool = new Spool(spoolDir());
    spool.add("VMConnection", [{ DestinationPort: "http" }]);
    spool.add("VMConnection", [{ DestinationPort: 80 }]);
    const logged: string[] = [];
    const shipper = new Shipper({ workspaceUrl: url, spool, log: (m) => logged.push(m) });
    shipper.start();
    expect(await shipper.flushAndStop(5_000)).toBe(0);
    expect(seen.map((s) => s.rows)).toEqual(['{"DestinationPort":"http"}\n', '{"DestinationPort":80}\n']);
    expect(shipper.rejectedBatches).toBe(1);
    expect(logged[0]).toMatch(/rejected VMConnection batch/);
  });

  it("keeps batches while the workspace cannot be reached", async () => {
    const spool = new Spool(spoolDir());
    spool.add("Heartbeat", [{ Computer: "a" }]);
    const shipper = new Shipper({ workspaceUrl: "http://127.0.0.1:1", spool, log: () => undefined });
    shipper.start();
    expect(await shipper.flushAndStop(500)).toBe(1);
    expect(shipper.lastFailure).toMatch(/ECONNREFUSED/);
  });
});
