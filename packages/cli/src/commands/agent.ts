// svcmap agent: discover this server's processes, connections and ports and send them to a workspace,
// until SIGINT or SIGTERM (which flush what is pending).

import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { Agent, defaultSpoolBytes, type AgentOptions } from "@svcmap/agent";
import type { Command } from "../main.js";
import { runCommand, UsageError } from "./run-command.js";

export const defaultStateDir = "./svcmap-agent";

const usage = `usage: svcmap agent --workspace URL [--key KEY] [--tags k=v,...] [--interval SECONDS]
                    [--state DIR] [--namespaces all|own] [--capture auto|off] [--spool-mb N]

  --workspace URL     the workspace, e.g. https://svcmap.example.net:7150
  --key KEY           an API key with the agent role (svcmap keys create --role agent); also read from
                      SVCMAP_AGENT_KEY. A workspace on this machine without keys needs none.
  --tags k=v,...      tags for this machine (site, rack, ...), reported with its Computer/Heartbeat metric
  --interval SECONDS  how often processes and sockets are polled (default 15)
  --report-seconds N  the interval each connection and port record covers (default 60, as in Azure)
  --state DIR         where the agent id and the spool live (default ${defaultStateDir})
  --namespaces MODE   all (default): every network namespace in view, containers included; own: only the
                      agent's own
  --capture MODE      auto (default): capture packets with tcpdump when it can run (needs root or
                      CAP_NET_RAW) to see short-lived and failed connections and DNS answers; off: never
  --spool-mb N        the on-disk spool's bound in MB (default ${defaultSpoolBytes / 1_048_576}); past it the oldest
                      batches are dropped and counted
  --computer NAME     the name to report as Computer (default the host name)
`;

export const command: Command = {
  summary: "run the agent: send this server's processes, connections and ports to a workspace",
  run: (args) => runCommand(usage, () => runAgent(args)),
};

export function agentOptionsFrom(args: readonly string[]): AgentOptions | undefined {
  const { values } = parseArgs({
    args: [...args],
    options: {
      workspace: { type: "string" },
      key: { type: "string" },
      tags: { type: "string" },
      interval: { type: "string", default: "15" },
      "report-seconds": { type: "string", default: "60" },
      state: { type: "string", default: defaultStateDir },
      namespaces: { type: "string", default: "all" },
      capture: { type: "string", default: "auto" },
      "spool-mb": { type: "string" },
      computer: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return undefined;
  if (values.workspace === undefined) throw new UsageError("--workspace URL is required");
  let url: URL;
  try {
    url = new URL(values.workspace);
  } catch {
    throw new UsageError(
      `--workspace must be a URL such as http://127.0.0.1:7150, not '${values.workspace}'`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new UsageError("--workspace must be http(s)");
  const namespaces = values.namespaces;
  if (namespaces !== "all" && namespaces !== "own") throw new UsageError("--namespaces must be all or own");
  const capture = values.capture;
  if (capture !== "auto" && capture !== "off") throw new UsageError("--capture must be auto or off");
  const key = values.key ?? process.env["SVCMAP_AGENT_KEY"];
  const spoolMb = values["spool-mb"] === undefined ? undefined : seconds("--spool-mb", values["spool-mb"], 1);
  return {
    workspaceUrl: url.toString().replace(/\/+$/, ""),
    ...(key === undefined || key === "" ? {} : { key }),
    tags: parseTags(values.tags ?? ""),
    pollIntervalMs: seconds("--interval", values.interval ?? "15", 0.1) * 1000,
    reportIntervalMs: seconds("--report-seconds", values["report-seconds"] ?? "60", 1) * 1000,
    stateDir: values.state ?? defaultStateDir,
    namespaces,
    capture,
    ...(spoolMb === undefined ? {} : { spoolMaxBytes: spoolMb * 1_048_576 }),
    ...(values.computer === undefined ? {} : { computerName: values.computer }),
  };
}

async function runAgent(args: readonly string[]): Promise<number> {
  const options = agentOptionsFrom(args);
  if (options === undefined) {
    process.stdout.write(usage);
    return 0;
  }
  favourMemoryOverSpeed();
  const agent = new Agent(options);
  await agent.start();
  await new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  await agent.stop();
  return 0;
}

/**
 * Trades a little of V8's speed for memory, in the agent command only (`svcmap start` shares its process
 * with the workspace, whose queries and ingestion want the speed). V8 doubles its young generation, up to
 * 32 MB, whenever allocation is brisk, as in the first poll of a busy host, and gives it back only much
 * later: the agent's resident memory spent its first half minute 30 MB above its steady state. An agent
 * keeps little of what it allocates and can afford more scavenges of a 1 MB nursery. Optimizing for size
 * makes V8 grow its heap in smaller steps and compile less eagerly: 3 MB less at 10,000 sockets, for CPU
 * within the noise (BENCHMARKS.md). Both flags are read as the heap works, so setting them now applies.
 */
function favourMemoryOverSpeed(): void {
  setFlagsFromString("--semi-space-growth-factor=1");
  setFlagsFromString("--optimize-for-size");
}

/** The agent `svcmap start` runs beside its workspace; returns what stops it (flushing first). */
export async function startLocalAgent(workspaceUrl: string, stateDir: string): Promise<() => Promise<void>> {
  const agent = new Agent({ workspaceUrl, stateDir });
  await agent.start();
  return async () => {
    await agent.stop(5_000);
  };
}

export function parseTags(text: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const pair of text.split(",")) {
    if (pair.trim() === "") continue;
    const equals = pair.indexOf("=");
    if (equals <= 0) throw new UsageError(`--tags takes k=v pairs separated by commas; '${pair}' has no '='`);
    tags[pair.slice(0, equals).trim()] = pair.slice(equals + 1).trim();
  }
  return tags;
}

function seconds(option: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < min)
    throw new UsageError(`${option} must be a number of at least ${min}`);
  return value;
}
