// Finds, right after capture saw it start, which process holds a short-lived outbound connection: a poll
// every few seconds would find the socket gone. `ss -p` looks the sockets of the given local ports up
// (iproute2 walks /proc/PID/fd for us), a batch of ports per call.

import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { normalizeIp } from "./addresses.js";

const run = promisify(execFile);

export interface SocketOwner {
  readonly localIp: string;
  readonly localPort: number;
  readonly remoteIp: string;
  readonly remotePort: number;
  readonly pid: number;
}

export async function findSocketOwners(
  protocol: "tcp" | "udp",
  localPorts: readonly number[],
): Promise<SocketOwner[]> {
  if (localPorts.length === 0) return [];
  const filter = localPorts.map((port) => `sport = :${port}`).join(" or ");
  const { stdout } = await run("ss", [protocol === "tcp" ? "-tanpOH" : "-uanpOH", `( ${filter} )`], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return parseSocketOwners(stdout);
}

export function parseSocketOwners(text: string): SocketOwner[] {
  const owners: SocketOwner[] = [];
  for (const line of text.split("\n")) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 6) continue;
    const local = fields[3]!;
    const peer = fields[4]!;
    const pids = [...line.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
    if (pids.length === 0) continue;
    const l = local.lastIndexOf(":");
    const p = peer.lastIndexOf(":");
    owners.push({
      localIp: normalizeIp(local.slice(0, l)),
      localPort: Number(local.slice(l + 1)),
      remoteIp: normalizeIp(peer.slice(0, p)),
      remotePort: Number(peer.slice(p + 1)),
      pid: Math.min(...pids),
    });
  }
  return owners;
}
