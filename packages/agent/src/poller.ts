// One poll: the processes holding sockets and the socket table of every network namespace in view, each
// read once, joined by socket inode. Decides each connection's direction (accepted on a listening port:
// inbound) and process, and the listening ports of the moment.

import { readFileSync, readlinkSync } from "node:fs";
import { processId } from "@svcmap/model";
import type { ProcessInfo, ProcessScan, ProcessScanner } from "./collectors/processes.js";
import { isWildcardIp } from "./collectors/addresses.js";
import { readSocketTable, type Protocol, type SocketEntry } from "./collectors/socket-table.js";
import { polledConnection, type PolledConnection } from "./aggregate/connection-tracker.js";
import type { Listener } from "./aggregate/bound-ports.js";
import { unknownProcess, type ProcessRef } from "./aggregate/owners.js";

export interface PollResult {
  readonly snapshotMs: number;
  readonly connections: PolledConnection[];
  readonly listeners: Listener[];
  /** Every process that holds a socket in view, by PID. */
  readonly processes: ReadonlyMap<number, ProcessInfo>;
  /** UDP ports of the agent's own namespace by the process holding them, for late attribution. */
  readonly udpPortOwners: ReadonlyMap<number, ProcessRef>;
  /** Namespaces that could not be read, with the reason. */
  readonly failures: readonly string[];
}

/** Polls between two /proc walks at most, even when no new socket appeared. */
const scanAtLeastEvery = 20;

/** TCP states of a connection a process still holds (TIME-WAIT and the like have no inode). */
const connectionStates = new Set([
  "ESTAB",
  "SYN-SENT",
  "CLOSE-WAIT",
  "FIN-WAIT-1",
  "FIN-WAIT-2",
  "LAST-ACK",
  "CLOSING",
]);

export class Poller {
  private readonly ownNetns = readLink("/proc/self/ns/net");
  private readonly ephemeral = readEphemeralRange();
  private readonly refs = new Map<string, ProcessRef>();
  /** The connection each socket entry made last poll, while the reader hands back the same entry. */
  private readonly polled = new WeakMap<SocketEntry, PolledConnection>();
  private lastScan: ProcessScan | undefined;
  private knownInodes = new Set<number>();
  private pollsSinceScan = 0;

  constructor(
    private readonly scanner: ProcessScanner,
    private readonly machine: string,
    private readonly allNamespaces: boolean,
  ) {}

  async poll(): Promise<PollResult> {
    const snapshotMs = Date.now();
    // The namespaces in view are those of the last /proc scan; one that appears since joins at the next.
    const namespaces = new Map<string, number | undefined>([[this.ownNetns, undefined]]);
    if (this.allNamespaces && this.lastScan !== undefined) {
      for (const info of this.lastScan.processes.values()) {
        if (info.netns !== "" && !namespaces.has(info.netns)) namespaces.set(info.netns, info.pid);
      }
    }
    const failures: string[] = [];
    const tables: { netns: string; sockets: SocketEntry[] }[] = [];
    for (const [netns, pid] of namespaces) {
      try {
        tables.push({ netns: netns === this.ownNetns ? "" : netns, sockets: await readSocketTable(pid) });
      } catch (error) {
        failures.push(`${netns}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
      }
    }
    const scan = this.scanIfNeeded(tables);
    const connections: PolledConnection[] = [];
    const listeners: Listener[] = [];
    const udpPortOwners = new Map<number, ProcessRef>();
    const inView = new Map<number, ProcessInfo>();
    for (const { netns, sockets } of tables) {
      this.joinNamespace(netns, sockets, scan, { connections, listeners, udpPortOwners, inView });
    }
    return { snapshotMs, connections, listeners, processes: inView, udpPortOwners, failures };
  }

  /**
   * Walking every process's descriptors is most of a poll's cost on a busy host, and it can only change the
   * answer when a socket appeared that the last walk did not know. So it is repeated only then, and every
   * five minutes anyway (a process that inherited known sockets, a socket passed between processes).
   */
  private scanIfNeeded(tables: readonly { sockets: readonly SocketEntry[] }[]): ProcessScan {
    const unknown = tables.some(({ sockets }) =>
      sockets.some((s) => s.inode !== 0 && !this.knownInodes.has(s.inode)),
    );
    if (this.lastScan !== undefined && !unknown && ++this.pollsSinceScan < scanAtLeastEvery)
      return this.lastScan;
    const scan = this.scanner.scan();
    this.lastScan = scan;
    this.pollsSinceScan = 0;
    this.knownInodes = new Set(tables.flatMap(({ sockets }) => sockets.map((s) => s.inode)));
    return scan;
  }

  /** The ProcessRef of a process: Process = p-{hex} of its executable and command line. */
  refOf(info: ProcessInfo): ProcessRef {
    const id = `${info.pid} ${info.startTime.getTime()}`;
    let ref = this.refs.get(id);
    if (ref === undefined) {
      ref = {
        process: processId(this.machine, info.executablePath, info.commandLine),
        processName: info.executableName,
        pid: info.pid,
      };
      if (this.refs.size > 100_000) this.refs.clear();
      this.refs.set(id, ref);
    }
    return ref;
  }

  private joinNamespace(
    netns: string,
    sockets: readonly SocketEntry[],
    scan: ProcessScan,
    into: {
      connections: PolledConnection[];
      listeners: Listener[];
      udpPortOwners: Map<number, ProcessRef>;
      inView: Map<number, ProcessInfo>;
    },
  ): void {
    const ownerOf = (inode: number, listening = false): ProcessRef | undefined => {
      const holders = scan.socketOwners.get(inode);
      if (holders === undefined) return undefined;
      // A listening socket shared by a pool belongs to the workers that accept on it (forked after the
      // master, so higher PIDs); any other shared socket to the process that made it.
      const pid =
        typeof holders === "number" ? holders : listening ? Math.max(...holders) : Math.min(...holders);
      const info = scan.processes.get(pid);
      if (info === undefined) return undefined;
      into.inView.set(pid, info);
      if (typeof holders !== "number") {
        for (const other of holders) {
          const otherInfo = scan.processes.get(other);
          if (otherInfo !== undefined) into.inView.set(other, otherInfo);
        }
      }
      return this.refOf(info);
    };
    const listening = new Set<string>();
    // Most connections are on ports nothing listens on: a number test spares them three strings a poll.
    const listeningPorts = new Set<number>();
    for (const s of sockets) {
      const isListener =
        (s.protocol === "tcp" && s.state === "LISTEN") ||
        (s.protocol === "udp" &&
          s.state === "UNCONN" &&
          s.remotePort === 0 &&
          !this.isEphemeral(s.localPort));
      if (!isListener) continue;
      listening.add(`${s.protocol} ${s.localIp} ${s.localPort}`);
      listeningPorts.add(s.localPort);
      const owner = ownerOf(s.inode, true);
      if (owner !== undefined)
        into.listeners.push({ protocol: s.protocol, ip: s.localIp, port: s.localPort, owner });
    }
    const isListening = (protocol: Protocol, ip: string, port: number): boolean =>
      listeningPorts.has(port) &&
      (listening.has(`${protocol} ${ip} ${port}`) ||
        listening.has(`${protocol} ${ip.includes(":") ? "::" : "0.0.0.0"} ${port}`) ||
        listening.has(`${protocol} :: ${port}`));
    for (const s of sockets) {
      if (s.inode === 0) continue;
      const owner = ownerOf(s.inode);
      if (netns === "" && owner !== undefined && s.protocol === "udp")
        into.udpPortOwners.set(s.localPort, owner);
      const isConnection =
        (s.protocol === "tcp" && connectionStates.has(s.state)) ||
        (s.protocol === "udp" && s.state === "ESTAB");
      if (!isConnection || isWildcardIp(s.remoteIp) || s.remotePort === 0) continue;
      const direction = isListening(s.protocol, s.localIp, s.localPort) ? "inbound" : "outbound";
      const resolved = owner ?? unknownProcess;
      // An idle socket's entry comes back unchanged from the native reader: so does its connection.
      const previous = this.polled.get(s);
      if (
        previous !== undefined &&
        previous.netns === netns &&
        previous.direction === direction &&
        previous.owner === resolved
      ) {
        into.connections.push(previous);
        continue;
      }
      const polled = polledConnection({
        netns,
        protocol: s.protocol,
        localIp: s.localIp,
        localPort: s.localPort,
        remoteIp: s.remoteIp,
        remotePort: s.remotePort,
        direction,
        owner: resolved,
        connecting: s.state === "SYN-SENT",
        bytesSent: s.bytesSent,
        bytesReceived: s.bytesReceived,
      });
      this.polled.set(s, polled);
      into.connections.push(polled);
    }
  }

  isEphemeral(port: number): boolean {
    return port >= this.ephemeral[0] && port <= this.ephemeral[1];
  }
}

function readEphemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8")
      .trim()
      .split(/\s+/)
      .map(Number);
    if (low !== undefined && high !== undefined) return [low, high];
  } catch {
    // Linux's default range.
  }
  return [32768, 60999];
}

function readLink(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return "";
  }
}
