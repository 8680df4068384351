// The socket table through the agent's own netlink sock_diag module (native/sock_diag.c), when it was built:
// the same sockets `ss -tuanie` lists, as fixed-size binary records rather than text to parse. Without the
// module (no C compiler or Node.js headers when the package was built), or if the kernel refuses it, the
// agent reads the table with ss instead.

import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { normalizeIp, wildcardIpv4, wildcardIpv6 } from "./addresses.js";
import type { SocketEntry } from "./socket-table.js";

interface SockDiagBinding {
  dump(netnsPath?: string): Buffer;
}

const recordBytes = 64;
const countersKnown = 1;
const v6Only = 2;

/** ss's names for the kernel's TCP states, which UDP sockets use too (7: unconnected). */
const stateNames = [
  "UNKNOWN",
  "ESTAB",
  "SYN-SENT",
  "SYN-RECV",
  "FIN-WAIT-1",
  "FIN-WAIT-2",
  "TIME-WAIT",
  "UNCONN",
  "CLOSE-WAIT",
  "LAST-ACK",
  "LISTEN",
  "CLOSING",
];

let binding: SockDiagBinding | null | undefined;
let loadError = "";

/** The native module, or undefined with the reason in `nativeSockDiagUnavailable()`. */
function nativeBinding(): SockDiagBinding | undefined {
  if (binding === undefined) {
    try {
      const path = fileURLToPath(new URL("../../native/build/sock_diag.node", import.meta.url));
      binding = createRequire(import.meta.url)(path) as SockDiagBinding;
    } catch (error) {
      binding = null;
      loadError = error instanceof Error ? error.message.split("\n")[0]! : String(error);
    }
  }
  return binding ?? undefined;
}

/** Why the native module cannot be used, or "" when it can. */
export function nativeSockDiagUnavailable(): string {
  return nativeBinding() === undefined ? `not built (${loadError})` : "";
}

/**
 * The sockets of the namespace at `netnsPath` (undefined: this process's own), every state but TIME-WAIT.
 * Undefined when the native module is absent; throws when the kernel refuses the dump.
 */
export function readSocketTableNative(netnsPath?: string): SocketEntry[] | undefined {
  const native = nativeBinding();
  if (native === undefined) return undefined;
  const key = netnsPath ?? "";
  let decoder = decoders.get(key);
  if (decoder === undefined) {
    decoder = new SocketRecordDecoder();
    decoders.set(key, decoder);
  }
  return decoder.decode(netnsPath === undefined ? native.dump() : native.dump(netnsPath));
}

const decoders = new Map<string, SocketRecordDecoder>();

/**
 * Decodes one namespace's dumps poll after poll. Most sockets are idle between two polls and their record
 * comes back byte for byte: such a socket keeps the entries decoded last time, which spares ten thousand
 * objects and their strings every poll on a busy host, and most of the agent's garbage.
 */
export class SocketRecordDecoder {
  private previous = new Map<number, { readonly record: Buffer; readonly entries: SocketEntry[] }>();

  decode(buffer: Buffer): SocketEntry[] {
    const entries: SocketEntry[] = [];
    const current = new Map<number, { readonly record: Buffer; readonly entries: SocketEntry[] }>();
    for (let at = 0; at + recordBytes <= buffer.length; at += recordBytes) {
      const inode = buffer.readUInt32LE(at + 40);
      const known = inode === 0 ? undefined : this.previous.get(inode);
      if (known !== undefined && known.record.compare(buffer, at, at + recordBytes) === 0) {
        entries.push(...known.entries);
        current.set(inode, known);
        continue;
      }
      const record = Buffer.from(buffer.subarray(at, at + recordBytes));
      const decoded = decodeSocketRecords(record);
      entries.push(...decoded);
      if (inode !== 0) current.set(inode, { record, entries: decoded });
    }
    this.previous = current;
    return entries;
  }
}

export function decodeSocketRecords(buffer: Buffer): SocketEntry[] {
  const entries: SocketEntry[] = [];
  for (let at = 0; at + recordBytes <= buffer.length; at += recordBytes) {
    const family = buffer[at]!;
    const protocol = buffer[at + 1] === 17 ? "udp" : "tcp";
    const flags = buffer[at + 3]!;
    const localIp = addressAt(buffer, at + 8, family);
    const base = {
      protocol,
      state: stateNames[buffer[at + 2]!] ?? "UNKNOWN",
      localPort: buffer.readUInt16LE(at + 4),
      remotePort: buffer.readUInt16LE(at + 6),
      inode: buffer.readUInt32LE(at + 40),
      ...((flags & countersKnown) !== 0
        ? {
            bytesSent: Number(buffer.readBigUInt64LE(at + 48)),
            bytesReceived: Number(buffer.readBigUInt64LE(at + 56)),
          }
        : {}),
    } as const;
    const remoteIp = addressAt(buffer, at + 24, family);
    if (family === 6 && localIp === wildcardIpv6) {
      // An IPv6 socket bound to every address also takes IPv4 unless it is v6only, as ss's "*" says.
      entries.push({ ...base, localIp: wildcardIpv6, remoteIp: wildcardIpv6 });
      if ((flags & v6Only) === 0) entries.push({ ...base, localIp: wildcardIpv4, remoteIp: wildcardIpv4 });
    } else {
      entries.push({ ...base, localIp, remoteIp });
    }
  }
  return entries;
}

const ipv6Texts = new Map<string, string>();

function addressAt(buffer: Buffer, at: number, family: number): string {
  if (family === 4) return `${buffer[at]}.${buffer[at + 1]}.${buffer[at + 2]}.${buffer[at + 3]}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(buffer.readUInt16BE(at + i).toString(16));
  const raw = groups.join(":");
  // A busy host's table repeats the same few local addresses thousands of times.
  let text = ipv6Texts.get(raw);
  if (text === undefined) {
    if (ipv6Texts.size > 50_000) ipv6Texts.clear();
    text = normalizeIp(raw);
    ipv6Texts.set(raw, text);
  }
  return text;
}
