// The agent's own cost: CPU (agent and its tcpdump) and resident memory, at rest and on a host with
// 10,000 open sockets held by 500 processes, at the default intervals (15 s polls, 60 s reports), and the
// data it sends per day. Each scenario runs the real `svcmap agent` against a real workspace in this process.
//
//   npx tsx bench/agent-overhead.ts                  # 180 s per scenario
//   npx tsx bench/agent-overhead.ts --seconds 120

import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { agentIngestRoutes, ApiKeyStore, createServer, KqlEngine, WorkspaceStore } from "@svcmap/workspace";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "180" },
    processes: { type: "string", default: "500" },
    sockets: { type: "string", default: "10000" },
  },
});
const seconds = Number(values.seconds);
const processCount = Number(values.processes);
const socketCount = Number(values.sockets);
const bin = fileURLToPath(new URL("../packages/cli/bin/svcmap.js", import.meta.url));
const load = fileURLToPath(new URL("./agent-load.mjs", import.meta.url));
const clockTicks = 100;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Usage {
  readonly cpuSeconds: number;
  readonly rssKb: number;
}

function usageOf(pid: number): Usage {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime, stime, and the children's that ended (each poll's ss): fields 14-17.
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
    const rss = Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    return { cpuSeconds: ticks / clockTicks, rssKb: rss };
  } catch {
    return { cpuSeconds: 0, rssKb: 0 };
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

interface Result {
  readonly scenario: string;
  readonly agentCpuPercent: number;
  readonly captureCpuPercent: number;
  readonly agentRssMb: number;
  readonly captureRssMb: number;
  readonly bytesPerDayMb: number;
  readonly sockets: number;
}

async function scenario(name: string, prepare: () => Promise<ChildProcess[]>): Promise<Result> {
  const work = mkdtempSync(join(tmpdir(), "svcmap-bench-agent-"));
  const store = await WorkspaceStore.open({
    dataDir: join(work, "workspace"),
    memoryLimit: "512MB",
    threads: 1,
  });
  const server = await createServer({
    store,
    engine: new KqlEngine(store),
    keys: await ApiKeyStore.open(store),
    port: 0,
    plugins: [agentIngestRoutes({ store })],
  });
  let receivedBytes = 0;
  server.app.addHook("onRequest", async (request) => {
    if (request.method === "PUT") receivedBytes += Number(request.headers["content-length"] ?? 0);
  });
  const url = await server.listen();
  const helpers = await prepare();
  const sockets = Number((await runText("bash", ["-c", "ss -tanH | wc -l"])).trim());
  const agent = spawn(process.execPath, [bin, "agent", "--workspace", url, "--state", join(work, "agent")], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  // Start-up (the first poll, the inventory, dpkg look-ups) is paid once; the steady state is what runs all day.
  await sleep(20_000);
  const capturePid = (): number | undefined =>
    childrenOf(agent.pid!).find((pid) => readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "tcpdump");
  const startAgent = usageOf(agent.pid!);
  const startCapture = usageOf(capturePid() ?? 0);
  const startBytes = receivedBytes;
  let maxRss = 0;
  let maxCaptureRss = 0;
  const began = Date.now();
  while (Date.now() - began < seconds * 1000) {
    await sleep(1000);
    maxRss = Math.max(maxRss, usageOf(agent.pid!).rssKb);
    maxCaptureRss = Math.max(maxCaptureRss, usageOf(capturePid() ?? 0).rssKb);
  }
  const elapsed = (Date.now() - began) / 1000;
  const endAgent = usageOf(agent.pid!);
  const endCapture = usageOf(capturePid() ?? 0);
  const sentBytes = receivedBytes - startBytes;
  agent.kill("SIGTERM");
  await new Promise((resolve) => agent.once("exit", resolve));
  for (const helper of helpers) helper.kill("SIGKILL");
  await server.close();
  store.close();
  rmSync(work, { recursive: true, force: true });
  return {
    scenario: name,
    agentCpuPercent: (100 * (endAgent.cpuSeconds - startAgent.cpuSeconds)) / elapsed,
    captureCpuPercent: (100 * (endCapture.cpuSeconds - startCapture.cpuSeconds)) / elapsed,
    agentRssMb: maxRss / 1024,
    captureRssMb: maxCaptureRss / 1024,
    bytesPerDayMb: ((sentBytes / elapsed) * 86_400) / 1_048_576,
    sockets,
  };
}

function runText(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
    let text = "";
    child.stdout.on("data", (c: Buffer) => (text += c.toString()));
    child.on("exit", (code) => (code === 0 ? resolve(text) : reject(new Error(`${command} exited ${code}`))));
  });
}

async function manySockets(): Promise<ChildProcess[]> {
  const port = 20000 + Math.floor(Math.random() * 10000);
  const connections = Math.max(0, Math.floor((socketCount - 2 * processCount) / 2));
  const loader = spawn(
    "bash",
    ["-c", `ulimit -n "$(ulimit -Hn)"; exec "${process.execPath}" "${load}" ${connections} ${port}`],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  await new Promise((resolve) => loader.stdout!.once("data", resolve));
  const holders: ChildProcess[] = [loader];
  for (let i = 0; i < processCount; i++) {
    // Each holder is a separate process with one connection (two sockets with the server's end).
    holders.push(
      spawn("bash", ["-c", `exec 3<>/dev/tcp/127.0.0.1/${port}; exec sleep 100000`], { stdio: "ignore" }),
    );
  }
  await sleep(5000);
  return holders;
}

const before = loadavg()
  .map((l) => l.toFixed(1))
  .join(" ");
const results = [
  await scenario("at rest", async () => []),
  await scenario(`${socketCount} sockets, ${processCount} processes`, manySockets),
];
const after = loadavg()
  .map((l) => l.toFixed(1))
  .join(" ");

console.log(
  `\nMachine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node.js ${process.version}; ${new Date().toISOString().slice(0, 10)}; load average ${before} before, ${after} after; ${seconds} s measured per scenario after 20 s of start-up.\n`,
);
console.log(
  "| scenario | TCP sockets on the host | agent CPU (% of one core) | tcpdump CPU | agent RSS (max) | tcpdump RSS | sent per day (gzip) |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|");
for (const r of results) {
  console.log(
    `| ${r.scenario} | ${r.sockets.toLocaleString("en-US")} | ${r.agentCpuPercent.toFixed(2)} % | ${r.captureCpuPercent.toFixed(2)} % | ${r.agentRssMb.toFixed(0)} MB | ${r.captureRssMb.toFixed(0)} MB | ${r.bytesPerDayMb.toFixed(1)} MB |`,
  );
}
