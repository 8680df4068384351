// The socket table of one network namespace, read once per poll from the kernel's netlink sock_diag: TCP
// and UDP, IPv4 and IPv6, each socket's inode (to find its process through /proc/PID/fd) and, for TCP, the
// kernel's own byte counters from tcp_info. The agent's native module (sock-diag.ts) reads it as binary
// records; where that module was not built, iproute2's `ss` reads it and its text is parsed here.

import { spawn } from "node:child_process";
import { normalizeIpRemembered, wildcardIpv4, wildcardIpv6 } from "./addresses.js";
import { readSocketTableNative } from "./sock-diag.js";

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
 * A SocketEntry with every field present and in one order. A busy host holds tens of thousands of entries
 * between polls; built by spreading, each would get a hidden class of its own (about 400 bytes apiece).
 */
export function socketEntry(e: SocketEntry): SocketEntry {
  return {
    protocol: e.protocol,
    state: e.state,
    localIp: e.localIp,
    localPort: e.localPort,
    remoteIp: e.remoteIp,
    remotePort: e.remotePort,
    inode: e.inode,
    bytesSent: e.bytesSent,
    bytesReceived: e.bytesReceived,
  };
}

/**
 * Reads the sockets of the namespace of `netnsPid` (undefined: this process's own). Another namespace is
 * entered with nsenter, which needs root. The output (about 850 bytes a TCP socket) is parsed as it
 * streams, so that a host with tens of thousands of sockets never holds it whole.
 */
export async function readSocketTable(netnsPid?: number): Promise<SocketEntry[]> {
  try {
    const native = readSocketTableNative(netnsPid === undefined ? undefined : `/proc/${netnsPid}/ns/net`);
    if (native !== undefined) return native;
  } catch {
    // The kernel or the sandbox refused the native dump; ss may still be allowed what it needs.
  }
  return readSocketTableWithSs(netnsPid);
}

/** The same table through iproute2's ss, for hosts where the native module was not built. */
export function readSocketTableWithSs(netnsPid?: number): Promise<SocketEntry[]> {
  // TIME-WAIT sockets belong to no process any more and can outnumber all others on a busy server.
  const ssArgs = ["-tuanieOH", "exclude", "time-wait"];
  const [command, args] =
    netnsPid === undefined
      ? ["ss", ssArgs]
      : ["nsenter", [`--net=/proc/${netnsPid}/ns/net`, "ss", ...ssArgs]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    const entries: SocketEntry[] = [];
    let carry = "";
    let stderr = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      const text = carry + chunk;
      let start = 0;
      for (let end = text.indexOf("\n"); end >= 0; end = text.indexOf("\n", start)) {
        parseSocketLine(text.slice(start, end), entries);
        start = end + 1;
      }
      carry = text.slice(start);
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`${command} exited with ${code}: ${stderr.trim()}`));
      parseSocketLine(carry, entries);
      resolve(entries);
    });
  });
}

export function parseSocketTable(text: string): SocketEntry[] {
  const entries: SocketEntry[] = [];
  for (const line of text.split("\n")) parseSocketLine(line, entries);
  return entries;
}

/** The first `count` whitespace-separated fields of a line, and where the rest begins. */
function leadingFields(line: string, count: number): { fields: string[]; rest: number } {
  const fields: string[] = [];
  let at = 0;
  while (fields.length < count) {
    while (at < line.length && (line[at] === " " || line[at] === "\t")) at++;
    if (at >= line.length) break;
    let end = at;
    while (end < line.length && line[end] !== " " && line[end] !== "\t") end++;
    fields.push(line.slice(at, end));
    at = end;
  }
  return { fields, rest: at };
}

/** The number after `name:` in the rest of an ss line, or undefined. */
function numberAfter(line: string, name: string, from: number): number | undefined {
  const at = line.indexOf(name, from);
  if (at < 0) return undefined;
  let end = at + name.length;
  while (end < line.length && line.charCodeAt(end) >= 48 && line.charCodeAt(end) <= 57) end++;
  return Number(line.slice(at + name.length, end));
}

function parseSocketLine(line: string, entries: SocketEntry[]): void {
  const { fields, rest } = leadingFields(line, 6);
  if (fields.length < 6) return;
  const [netid, state, , , local, peer] = fields as [string, string, string, string, string, string];
  if (netid !== "tcp" && netid !== "udp") return;
  const localAddress = splitAddress(local);
  const remoteAddress = splitAddress(peer);
  if (localAddress === undefined || remoteAddress === undefined) return;
  const inode = numberAfter(line, " ino:", rest) ?? 0;
  const sent = numberAfter(line, " bytes_sent:", rest);
  const received = numberAfter(line, " bytes_received:", rest);
  const base = {
    protocol: netid,
    state,
    localIp: localAddress.ip,
    localPort: localAddress.port,
    remoteIp: remoteAddress.ip === "*" ? wildcardIpv4 : remoteAddress.ip,
    remotePort: remoteAddress.port,
    inode,
    bytesSent: sent,
    bytesReceived: received,
  } as const;
  if (localAddress.ip === "*") {
    // "*" is an IPv6 socket bound to every address; without v6only it also takes IPv4.
    const v6only = line.includes(" v6only:1", rest);
    entries.push(socketEntry({ ...base, localIp: wildcardIpv6, remoteIp: wildcardIpv6 }));
    if (!v6only) entries.push(socketEntry({ ...base, localIp: wildcardIpv4 }));
  } else {
    entries.push(socketEntry(base));
  }
}

function splitAddress(text: string): { ip: string; port: number } | undefined {
  const colon = text.lastIndexOf(":");
  if (colon < 0) return undefined;
  const host = text.slice(0, colon);
  const portText = text.slice(colon + 1);
  const port = portText === "*" ? 0 : Number(portText);
  if (!Number.isInteger(port)) return undefined;
  return { ip: host === "*" ? "*" : normalizeIpRemembered(host), port };
}
