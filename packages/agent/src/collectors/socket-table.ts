// The socket table of one network namespace, read once per poll with iproute2's `ss`, which asks the kernel
// over netlink sock_diag: TCP and UDP, IPv4 and IPv6, each socket's inode (to find its process through
// /proc/PID/fd) and, for TCP, the kernel's own byte counters from tcp_info.

import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { normalizeIp, wildcardIpv4, wildcardIpv6 } from "./addresses.js";

const run = promisify(execFile);

export type Protocol = "tcp" | "udp";

export interface SocketEntry {
  readonly protocol: Protocol;
  /** ss's state names: ESTAB, LISTEN, SYN-SENT, SYN-RECV, TIME-WAIT, UNCONN (UDP), ... */
  readonly state: string;
  readonly localIp: string;
  readonly localPort: number;
  readonly remoteIp: string;
  readonly remotePort: number;
  /** 0 for sockets no process holds any more (TIME-WAIT). */
  readonly inode: number;
  /** tcp_info's bytes_sent / bytes_received: payload bytes over the socket's life. */
  readonly bytesSent?: number;
  readonly bytesReceived?: number;
}

/**
 * Reads the sockets of the namespace of `netnsPid` (undefined: this process's own). Another namespace is
 * entered with nsenter, which needs root.
 */
export async function readSocketTable(netnsPid?: number): Promise<SocketEntry[]> {
  const ssArgs = ["-tuanieOH"];
  const { stdout } =
    netnsPid === undefined
      ? await run("ss", ssArgs, { maxBuffer: 256 * 1024 * 1024 })
      : await run("nsenter", [`--net=/proc/${netnsPid}/ns/net`, "ss", ...ssArgs], {
          maxBuffer: 256 * 1024 * 1024,
        });
  return parseSocketTable(stdout);
}

export function parseSocketTable(text: string): SocketEntry[] {
  const entries: SocketEntry[] = [];
  for (const line of text.split("\n")) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 6) continue;
    const [netid, state, , , local, peer] = fields as [string, string, string, string, string, string];
    if (netid !== "tcp" && netid !== "udp") continue;
    const localAddress = splitAddress(local);
    const remoteAddress = splitAddress(peer);
    if (localAddress === undefined || remoteAddress === undefined) continue;
    const extra = fields.slice(6).join(" ");
    const inode = Number(/\bino:(\d+)/.exec(extra)?.[1] ?? 0);
    const sent = /\bbytes_sent:(\d+)/.exec(extra)?.[1];
    const received = /\bbytes_received:(\d+)/.exec(extra)?.[1];
    const base = {
      protocol: netid,
      state,
      localPort: localAddress.port,
      remoteIp: remoteAddress.ip === "*" ? wildcardIpv4 : remoteAddress.ip,
      remotePort: remoteAddress.port,
      inode,
      ...(sent === undefined ? {} : { bytesSent: Number(sent) }),
      ...(received === undefined ? {} : { bytesReceived: Number(received) }),
    } as const;
    if (localAddress.ip === "*") {
      // "*" is an IPv6 socket bound to every address; without v6only it also takes IPv4.
      const v6only = /\bv6only:1\b/.test(extra);
      entries.push({ ...base, localIp: wildcardIpv6, remoteIp: wildcardIpv6 });
      if (!v6only) entries.push({ ...base, localIp: wildcardIpv4 });
    } else {
      entries.push({ ...base, localIp: localAddress.ip });
    }
  }
  return entries;
}

function splitAddress(text: string): { ip: string; port: number } | undefined {
  const colon = text.lastIndexOf(":");
  if (colon < 0) return undefined;
  const host = text.slice(0, colon);
  const portText = text.slice(colon + 1);
  const port = portText === "*" ? 0 : Number(portText);
  if (!Number.isInteger(port)) return undefined;
  return { ip: host === "*" ? "*" : normalizeIp(host), port };
}
