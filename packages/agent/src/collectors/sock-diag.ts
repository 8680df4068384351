// The socket table through the agent's own netlink sock_diag module (native/sock_diag.c), when it was built:
// the same sockets `ss -tuanie` lists, as fixed-size binary records rather than text to parse. Without the
// module (no C compiler or Node.js headers when the package was built), or if the kernel refuses it, the
// agent reads the table with ss instead.

import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { ipBytes, ipv4Text, normalizeIpRemembered, wildcardIpv4, wildcardIpv6 } from "./addresses.js";
import { socketEntry, type SocketEntry } from "./socket-table.js";

interface SockDiagBinding {
  dump(netnsPath?: string): Buffer;
  inodeOf(protocol: number, local: Buffer, localPort: number, remote: Buffer, remotePort: number): number;
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
 * The inode of the socket with these endpoints in this process's namespace, asked of the kernel directly;
 * 0 when it is gone, undefined without the native module. An IPv4 peer may be talking to an IPv6 socket
 * (IPv4-mapped), which is asked after the IPv4 one.
 */
export function socketInodeNative(e: {
  readonly protocol: "tcp" | "udp";
  readonly localIp: string;
  readonly localPort: number;
  readonly remoteIp: string;
  readonly remotePort: number;
}): number | undefined {
  const native = nativeBinding();
  if (native === undefined) return undefined;
  const protocol = e.protocol === "tcp" ? 6 : 17;
  const local = ipBytes(e.localIp);
  const remote = ipBytes(e.remoteIp);
  const inode = native.inodeOf(protocol, local, e.localPort, remote, e.remotePort);
  if (inode !== 0 || local.length === 16) return inode;
  const mapped = (v4: Buffer): Buffer =>
    Buffer.concat([Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255]), v4]);
  return native.inodeOf(protocol, mapped(local), e.localPort, mapped(remote), e.remotePort);
}

/** The entries a record decoded to (two for a dual-stack wildcard socket), and where it was in its dump. */
interface DecodedRecord {
  readonly first: SocketEntry;
  readonly second: SocketEntry | undefined;
  offset: number;
  /** The dump it was last seen in. */
  dump: number;
}

/**
 * Decodes one namespace's dumps poll after poll. Most sockets are idle between two polls and their record
 * comes back byte for byte: such a socket keeps the entries decoded last time, which spares ten thousand
 * objects and their strings every poll on a busy host, and most of the agent's garbage. Records are
 * compared against the last dump itself, kept whole, rather than against a copy per socket, and the table
 * of decoded records is updated in place rather than built anew each poll.
 */
export class SocketRecordDecoder {
  private previousDump: Buffer = Buffer.alloc(0);
  private readonly decoded = new Map<number, DecodedRecord>();
  private dumps = 0;

  decode(buffer: Buffer): SocketEntry[] {
    const dump = ++this.dumps;
    const entries: SocketEntry[] = [];
    for (let at = 0; at + recordBytes <= buffer.length; at += recordBytes) {
      const inode = buffer.readUInt32LE(at + 40);
      let decoded = inode === 0 ? undefined : this.decoded.get(inode);
      if (
        decoded === undefined ||
        decoded.dump !== dump - 1 ||
        buffer.compare(
          this.previousDump,
          decoded.offset,
          decoded.offset + recordBytes,
          at,
          at + recordBytes,
        ) !== 0
      ) {
        const fresh = decodeSocketRecords(buffer.subarray(at, at + recordBytes));
        decoded = { first: fresh[0]!, second: fresh[1], offset: at, dump };
        if (inode !== 0) this.decoded.set(inode, decoded);
      }
      decoded.offset = at;
      decoded.dump = dump;
      entries.push(decoded.first);
      if (decoded.second !== undefined) entries.push(decoded.second);
    }
    for (const [inode, decoded] of this.decoded) if (decoded.dump !== dump) this.decoded.delete(inode);
    this.previousDump = buffer;
    return entries;
  }
}

export function decodeSocketRecords(buffer: Buffer): SocketEntry[] {
  const entries: SocketEntry[] = [];
  for (let at = 0; at + recordBytes <= buffer.length; at += recordBytes) {
    const family = buffer[at]!;
    const flags = buffer[at + 3]!;
    const countersKnownHere = (flags & countersKnown) !== 0;
    const base: SocketEntry = {
      protocol: buffer[at + 1] === 17 ? "udp" : "tcp",
      state: stateNames[buffer[at + 2]!] ?? "UNKNOWN",
      localIp: addressAt(buffer, at + 8, family),
      localPort: buffer.readUInt16LE(at + 4),
      remoteIp: addressAt(buffer, at + 24, family),
      remotePort: buffer.readUInt16LE(at + 6),
      inode: buffer.readUInt32LE(at + 40),
      bytesSent: countersKnownHere ? Number(buffer.readBigUInt64LE(at + 48)) : undefined,
      bytesReceived: countersKnownHere ? Number(buffer.readBigUInt64LE(at + 56)) : undefined,
    };
    if (family === 6 && base.localIp === wildcardIpv6) {
      // An IPv6 socket bound to every address also takes IPv4 unless it is v6only, as ss's "*" says.
      entries.push(socketEntry({ ...base, remoteIp: wildcardIpv6 }));
      if ((flags & v6Only) === 0)
        entries.push(socketEntry({ ...base, localIp: wildcardIpv4, remoteIp: wildcardIpv4 }));
    } else {
      entries.push(base);
    }
  }
  return entries;
}

function addressAt(buffer: Buffer, at: number, family: number): string {
  if (family === 4) return ipv4Text(buffer.readUInt32BE(at));
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(buffer.readUInt16BE(at + i).toString(16));
  return normalizeIpRemembered(groups.join(":"));
}
