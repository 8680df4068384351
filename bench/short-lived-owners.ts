// How often the agent names the program behind a connection that lives only milliseconds: clients that
// are each a `bash` that connects to a local HTTP server, asks, reads the answer and exits, the server
// answering after a set delay (the shorter, the sooner the program is gone). A real `svcmap agent` (default
// 15 s polls, so no poll sees these connections) reports to a real workspace in this process; the answer
// is how many of the connections arrive with a process, by delay. Needs root (packet capture).
//
//   npx tsx bench/short-lived-owners.ts                       # 40 clients at 30, 5 and 0 ms
//   npx tsx bench/short-lived-owners.ts --clients 100 --delays 10,2,0

import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { agentIngestRoutes, ApiKeyStore, createServer, KqlEngine, WorkspaceStore } from "@svcmap/workspace";

const { values } = parseArgs({
  options: {
    clients: { type: "string", default: "40" },
    delays: { type: "string", default: "30,5,0" },
  },
});
const clients = Number(values.clients);
const delays = (values.delays ?? "").split(",").map(Number);
const bin = fileURLToPath(new URL("../packages/cli/bin/svcmap.js", import.meta.url));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const firstPort = 18_000 + Math.floor(Math.random() * 1000);

const work = mkdtempSync(join(tmpdir(), "svcmap-bench-owners-"));
const store = await WorkspaceStore.open({
  dataDir: join(work, "workspace"),
  memoryLimit: "512MB",
  threads: 1,
});
const engine = new KqlEngine(store);
const server = await createServer({
  store,
  engine,
  keys: await ApiKeyStore.open(store),
  port: 0,
  plugins: [agentIngestRoutes({ store })],
});
const url = await server.listen();

const httpServers: Server[] = [];
for (const [i, delay] of delays.entries()) {
  const http = createHttpServer((_, response) => setTimeout(() => response.end("x".repeat(5000)), delay));
  await new Promise<void>((resolve) => http.listen(firstPort + i, "127.0.0.1", resolve));
  httpServers.push(http);
}

const agent = spawn(
  process.execPath,
  [bin, "agent", "--workspace", url, "--state", join(work, "agent"), "--report-seconds", "10"],
  { stdio: ["ignore", "ignore", "inherit"] },
);
// The first poll and the capture's start.
await sleep(8000);

for (const [i] of delays.entries()) {
  const port = firstPort + i;
  for (let c = 0; c < clients; c++) {
    await new Promise<void>((resolve, reject) =>
      execFile(
        "bash",
        [
          "-c",
          `exec 3<>/dev/tcp/127.0.0.1/${port}; printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3; cat <&3 >/dev/null`,
        ],
        (error) => (error ? reject(error) : resolve()),
      ),
    );
    await sleep(100);
  }
}
await sleep(12_000);
agent.kill("SIGTERM");
await new Promise((resolve) => agent.once("exit", resolve));

const { tables } = await engine.run(
  `VMConnection | where Direction == "outbound" and DestinationPort between (${firstPort} .. ${firstPort + delays.length - 1}) ` +
    `| summarize Named = sumif(LinksEstablished, ProcessName != ""), All = sum(LinksEstablished) by DestinationPort`,
);
const rows = tables[0]?.rows ?? [];
console.log(`\n${clients} short-lived clients per delay; ${new Date().toISOString().slice(0, 10)}\n`);
console.log("| server delay | connections seen | named |");
console.log("|---:|---:|---:|");
for (const [i, delay] of delays.entries()) {
  const row = rows.find((r) => Number(r[0]) === firstPort + i);
  console.log(`| ${delay} ms | ${Number(row?.[2] ?? 0)} | ${Number(row?.[1] ?? 0)} |`);
}

for (const http of httpServers) http.close();
await server.close();
store.close();
rmSync(work, { recursive: true, force: true });
