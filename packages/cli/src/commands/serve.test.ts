// Runs the built command (npm test builds first): `svcmap serve` on an ephemeral loopback port, and
// `svcmap query --url` against it.

import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:https";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../../bin/svcmap.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "svcmap-serve-"));
const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function svcmap(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
      },
    );
  });
}

interface Served {
  readonly child: ChildProcess;
  readonly url: string;
  readonly workspaceId: string;
  readonly banner: string;
  exit(): Promise<number | null>;
  exitSignal(): Promise<NodeJS.Signals | null>;
}

async function serve(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [bin, "serve", "--port", "0", "--log-level", "silent", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.push(child);
  const ended = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once("exit", (code, signal) => resolve([code, signal])),
  );
  const exited = ended.then(([code]) => code);
  let banner = "";
  let errors = "";
  child.stderr?.on("data", (chunk: Buffer) => (errors += chunk.toString()));
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      banner += chunk.toString();
      const found = /svcmap workspace ([0-9a-f-]{36}) listening on (\S+)\n(?:.*\n){2}/.exec(banner);
      if (found) resolve(found);
    });
    void exited.then((code) => reject(new Error(`serve exited with ${code}: ${errors}`)));
  });
  return {
    child,
    url: match[2] as string,
    workspaceId: match[1] as string,
    banner,
    exit: () => exited,
    exitSignal: () => ended.then(([, signal]) => signal),
  };
}

describe("svcmap serve", () => {
  it("prints its URL and workspace id, answers health and queries, and stops cleanly on SIGTERM", async () => {
    const data = join(dir, "open");
    const served = await serve(["--data", data]);
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(served.banner).toContain(`${served.url}/v1/workspaces/${served.workspaceId}/query`);
    expect(served.banner).toContain("no API keys yet");
    const health = await (await fetch(`${served.url}/healthz`)).json();
    expect(health).toMatchObject({ status: "ok", workspaceId: served.workspaceId });

    const answer = await svcmap(["query", "--url", served.url, "--format", "json", "print x=1"]);
    expect(answer).toMatchObject({
      code: 0,
      stdout: '{"tables":[{"name":"PrimaryResult","columns":[{"name":"x","type":"long"}],"rows":[[1]]}]}\n',
    });
    const failure = await svcmap(["query", "--url", served.url, "VMConnection | wher x"]);
    expect(failure.code).toBe(1);
    expect(failure.stderr).toMatch(/^error: .+\n {2}at line 1, column 16\n/);

    served.child.kill("SIGTERM");
    expect(await served.exit()).toBe(0);
  });

  it("requires a key once one exists, from the command line or SVCMAP_API_KEY, and stops on SIGINT", async () => {
    const data = join(dir, "guarded");
    const created = await svcmap(["keys", "create", "--role", "reader", "--data", data]);
    const key = created.stdout.trim();
    const served = await serve(["--data", data]);
    expect(served.banner).toContain("API keys required");

    const none = await svcmap(["query", "--url", served.url, "print 1"]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("Authentication failed. The 'Authorization' header is missing.");
    const wrong = await svcmap(["query", "--url", served.url, "--key", "svcmap_wrong", "print 1"]);
    expect(wrong.stderr).toContain("The access token is invalid.");
    expect((await svcmap(["query", "--url", served.url, "--key", key, "print 1"])).code).toBe(0);
    expect((await svcmap(["query", "--url", served.url, "print 1"], { SVCMAP_API_KEY: key })).code).toBe(0);

    served.child.kill("SIGINT");
    expect(await served.exit()).toBe(0);
  });

  it("exits at once on a second signal while a query is still running", async () => {
    const served = await serve(["--data", join(dir, "busy")]);
    const pending = fetch(`${served.url}/v1/workspaces/default/query`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "range x from 1 to 100000000000 step 1 | summarize count()" }),
    }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 500));
    served.child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 300));
    expect(served.child.exitCode).toBeNull();
    served.child.kill("SIGTERM");
    expect(await served.exitSignal()).toBe("SIGKILL");
    await pending;
  });

  it("refuses to listen beyond loopback without a key", async () => {
    const data = join(dir, "exposed");
    const refused = await svcmap(["serve", "--data", data, "--host", "0.0.0.0", "--port", "0"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("refusing to listen on 0.0.0.0");
    expect(refused.stdout).toBe("");
  });

  it("serves HTTPS with --tls-cert and --tls-key", async () => {
    const cert = join(dir, "cert.pem");
    const key = join(dir, "key.pem");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-keyout",
        key,
        "-out",
        cert,
      ],
      { stdio: "ignore" },
    );
    const served = await serve(["--data", join(dir, "tls"), "--tls-cert", cert, "--tls-key", key]);
    expect(served.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const status = await new Promise<number | undefined>((resolve, reject) => {
      request(`${served.url}/healthz`, { ca: readFileSync(cert) }, (res) => {
        res.resume();
        resolve(res.statusCode);
      })
        .on("error", reject)
        .end();
    });
    expect(status).toBe(200);
    const answer = await svcmap(["query", "--url", served.url, "--format", "csv", "print x=1"], {
      NODE_EXTRA_CA_CERTS: cert,
    });
    expect(answer).toMatchObject({ code: 0, stdout: "x\r\n1\r\n" });
    const usage = await svcmap(["serve", "--tls-cert", cert]);
    expect(usage.code).toBe(2);
    served.child.kill("SIGTERM");
    expect(await served.exit()).toBe(0);
  });
});
