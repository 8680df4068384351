// Physical connections, followed from two sources, and summed per minute into logical connections.
//
// Polling the socket table sees every connection that is open at a poll: its process (by inode) and the
// kernel's byte counters. Packet capture, when it runs, sees what polling cannot: connections that open and
// close between polls, attempts that fail (reset, refused, unreachable, never answered), and the sequence
// numbers that give a closed connection's final byte counts. Both feed the same PhysicalConnection, so a
// connection seen by both is counted once.

import type { Protocol } from "../collectors/socket-table.js";
import { unknownProcess, type ProcessRef } from "./owners.js";

export type Direction = "inbound" | "outbound";

/** One end of a connection on this machine, identified by its four-tuple and protocol. */
export interface Endpoints {
  /** The network namespace ("" for the agent's own), so that equal addresses in two namespaces stay apart. */
  readonly netns: string;
  readonly protocol: Protocol;
  readonly localIp: string;
  readonly localPort: number;
  readonly remoteIp: string;
  readonly remotePort: number;
}

/** The seeds' key of a logical connection, less the machine (one tracker serves one machine). */
export interface LogicalKey {
  readonly direction: Direction;
  readonly owner: ProcessRef;
  readonly sourceIp: string;
  readonly destinationIp: string;
  readonly destinationPort: number;
  readonly protocol: Protocol;
}

export interface LinkCounts {
  established: number;
  terminated: number;
  live: number;
  failed: number;
  bytesSent: number;
  bytesReceived: number;
  /** Request/response exchanges that completed, and their response times in milliseconds. */
  responses: number;
  responseTimeSum: number;
  /** Infinity while no response was seen. */
  responseTimeMin: number;
  responseTimeMax: number;
}

export interface LogicalMinute {
  readonly key: LogicalKey;
  readonly counts: LinkCounts;
}

interface DestinationOwners {
  readonly key: string;
  readonly owners: Map<string, { owner: ProcessRef; lastMs: number }>;
}

type Phase = "connecting" | "established" | "closed" | "failed";

interface PhysicalConnection extends Endpoints {
  direction: Direction;
  owner: ProcessRef | undefined;
  phase: Phase;
  /**
   * Counts of this minute, not yet reported; undefined while there are none, as for most of the idle
   * connections of a busy host, which then cost no counts object of their own.
   */
  pending: LinkCounts | undefined;
  /** Bytes already credited to some minute, over the connection's life. */
  creditedSent: number;
  creditedReceived: number;
  /** Initial sequence numbers, when capture saw the handshake. */
  localIsn?: number;
  remoteIsn?: number;
  /** The poll that last saw the socket. */
  lastPoll: number;
  lastActivityMs: number;
  /** True once a reset or both FINs were seen: the socket is gone or going, whatever polls still show. */
  closeSeen: boolean;
  localFin: boolean;
  remoteFin: boolean;
  /** When the client's latest request data was seen (the exchange under way), if any. */
  requestEndMs?: number;
  /** When the server's latest data answering that request was seen, if it has answered. */
  responseEndMs?: number;
  /** destinationKey() of an outbound connection once a process was seen on it, the text shared by all. */
  destination: string | undefined;
}

/** A polled socket with its process and direction decided, and endpointsKey() of its endpoints. */
export interface PolledConnection extends Endpoints {
  readonly key: string;
  readonly direction: Direction;
  readonly owner: ProcessRef;
  readonly connecting: boolean;
  readonly bytesSent?: number;
  readonly bytesReceived?: number;
}

const udpIdleMs = 120_000;
/** How long a process that talked to a destination stands for the destination's unattributed connections. */
const destinationMemoryMs = 600_000;
/** How long before a poll a capture-only connection must have been quiet for its absence to mean it ended. */
const captureGraceMs = 2_000;

export class ConnectionTracker {
  private readonly connections = new Map<string, PhysicalConnection>();
  private pollCount = 0;
  /** Per outbound destination, the processes seen connected to it and when each was last seen. */
  private readonly destinationOwners = new Map<string, DestinationOwners>();
  private latestMs = 0;

  /**
   * One poll's connections. On the first poll, connections already open are live, not newly established:
   * the agent did not see them start. A connection missing from a poll has ended: if it had never
   * established, the attempt failed.
   */
  observePoll(polled: readonly PolledConnection[], snapshotMs: number): void {
    const poll = ++this.pollCount;
    for (const socket of polled) {
      const { key } = socket;
      let connection = this.connections.get(key);
      if (connection === undefined || connection.phase === "closed" || connection.phase === "failed") {
        if (connection !== undefined && connection.closeSeen) {
          // Capture saw it end; the socket table lags (FIN-WAIT, CLOSE-WAIT): do not revive it.
          connection.lastPoll = poll;
          continue;
        }
        connection = this.create(socket, socket.direction, socket.connecting ? "connecting" : "established");
        if (!socket.connecting && poll > 1) pendingOf(connection).established++;
        if (poll === 1) {
          // Bytes before the agent started belong to no minute it reports.
          connection.creditedSent = socket.bytesSent ?? 0;
          connection.creditedReceived = socket.bytesReceived ?? 0;
        }
      } else if (connection.phase === "connecting" && !socket.connecting) {
        connection.phase = "established";
        pendingOf(connection).established++;
      }
      connection.owner = socket.owner;
      connection.direction = socket.direction;
      connection.lastPoll = poll;
      connection.lastActivityMs = snapshotMs;
      this.rememberDestinationOwner(connection, snapshotMs);
      this.creditTotals(connection, socket.bytesSent, socket.bytesReceived);
    }
    for (const connection of this.connections.values()) {
      if (connection.lastPoll === poll || connection.phase === "closed" || connection.phase === "failed")
        continue;
      if (connection.lastPoll === 0) {
        // Known from capture only. A UDP flow ends when it falls silent; a TCP connection that the poll
        // would have shown if it were still open has ended without capture seeing how.
        const silentMs = snapshotMs - connection.lastActivityMs;
        if (connection.protocol === "udp" ? silentMs < udpIdleMs : silentMs < captureGraceMs) continue;
      }
      this.end(connection, connection.phase === "connecting" ? "failed" : "closed");
    }
  }

  /** Names the process of a connection that no poll has attributed yet. */
  attribute(endpoints: Endpoints, owner: ProcessRef): void {
    const connection = this.connections.get(endpointsKey(endpoints));
    if (connection === undefined || connection.owner !== undefined) return;
    connection.owner = owner;
    this.rememberDestinationOwner(connection, connection.lastActivityMs);
  }

  /** A SYN: an attempt begins. `fromLocal` tells whether this machine sent it. */
  observeSyn(endpoints: Endpoints, direction: Direction, isn: number, nowMs: number): void {
    const key = endpointsKey(endpoints);
    const existing = this.connections.get(key);
    if (existing !== undefined && existing.phase === "connecting") return; // a retransmitted SYN
    if (existing !== undefined && existing.phase === "established" && !existing.closeSeen) {
      // A poll got there first; the sequence number still gives the final byte count at close.
      if (direction === "outbound") existing.localIsn ??= isn;
      else existing.remoteIsn ??= isn;
      return;
    }
    const connection = this.create(endpoints, direction, "connecting");
    connection.lastActivityMs = nowMs;
    if (direction === "outbound") connection.localIsn = isn;
    else connection.remoteIsn = isn;
  }

  /** A SYN-ACK: the attempt succeeded. */
  observeSynAck(endpoints: Endpoints, sentByLocal: boolean, isn: number, nowMs: number): void {
    const connection = this.connections.get(endpointsKey(endpoints));
    if (connection === undefined) return;
    if (connection.phase === "established" && !connection.closeSeen) {
      if (sentByLocal) connection.localIsn ??= isn;
      else connection.remoteIsn ??= isn;
      return;
    }
    if (connection.phase !== "connecting") return;
    if (sentByLocal) connection.localIsn = isn;
    else connection.remoteIsn = isn;
    connection.phase = "established";
    pendingOf(connection).established++;
    connection.lastActivityMs = nowMs;
  }

  /** A FIN or RST, with the sequence number it carries, sent by this machine or by the peer. */
  observeClose(endpoints: Endpoints, sentByLocal: boolean, reset: boolean, seq: number, nowMs: number): void {
    const connection = this.connections.get(endpointsKey(endpoints));
    if (connection === undefined) return;
    connection.lastActivityMs = nowMs;
    if (connection.phase === "connecting") {
      // A reset answering a SYN: refused (or, inbound, this machine refused it).
      if (reset) {
        connection.closeSeen = true;
        this.end(connection, "failed");
      }
      return;
    }
    if (connection.phase !== "established") return;
    const isn = sentByLocal ? connection.localIsn : connection.remoteIsn;
    if (isn !== undefined) {
      // Every byte before the FIN's sequence number was sent: the side's total, modulo 2^32.
      const relative = (seq - isn - 1 + 2 ** 32) % 2 ** 32;
      if (sentByLocal) this.creditTotals(connection, wrapTotal(relative, connection.creditedSent), undefined);
      else this.creditTotals(connection, undefined, wrapTotal(relative, connection.creditedReceived));
    }
    if (sentByLocal) connection.localFin = true;
    else connection.remoteFin = true;
    if (reset || (connection.localFin && connection.remoteFin)) {
      connection.closeSeen = true;
      this.end(connection, "closed");
    }
  }

  /**
   * A TCP segment carrying data. The seeds' heuristic: a response time runs from the last byte of a request
   * leaving the client to the last byte of the response reaching it, so on each connection the client's data
   * opens (or extends) a request, the server's data after it extends the response, and the client's next
   * data (or the connection's end, or the end of the minute) completes the exchange. The client is this
   * machine on an outbound connection and the peer on an inbound one, so both ends measure.
   */
  observeData(endpoints: Endpoints, sentByLocal: boolean, nowMs: number): void {
    const connection = this.connections.get(endpointsKey(endpoints));
    if (connection === undefined || connection.phase !== "established") return;
    connection.lastActivityMs = nowMs;
    const fromClient = sentByLocal === (connection.direction === "outbound");
    if (fromClient) {
      if (connection.responseEndMs !== undefined) completeExchange(connection);
      connection.requestEndMs = nowMs;
    } else if (connection.requestEndMs !== undefined) {
      connection.responseEndMs = nowMs;
    }
  }

  /** An ICMP error for an attempt: host or port unreachable. */
  observeUnreachable(endpoints: Endpoints, nowMs: number): void {
    const connection = this.connections.get(endpointsKey(endpoints));
    if (connection === undefined || connection.phase !== "connecting") return;
    connection.lastActivityMs = nowMs;
    connection.closeSeen = true;
    this.end(connection, "failed");
  }

  /** A UDP datagram: a flow starts with its first datagram and ends after two idle minutes. True for a new flow. */
  observeDatagram(
    endpoints: Endpoints,
    direction: Direction,
    sentByLocal: boolean,
    bytes: number,
    nowMs: number,
  ): boolean {
    const key = endpointsKey(endpoints);
    let connection = this.connections.get(key);
    const created = connection === undefined || connection.phase !== "established";
    if (connection === undefined || connection.phase !== "established") {
      connection = this.create(endpoints, direction, "established");
      pendingOf(connection).established++;
    }
    connection.lastActivityMs = nowMs;
    if (sentByLocal) {
      pendingOf(connection).bytesSent += bytes;
      connection.creditedSent += bytes;
    } else {
      pendingOf(connection).bytesReceived += bytes;
      connection.creditedReceived += bytes;
    }
    return created;
  }

  /**
   * The minute's logical connections, and a fresh start for the next. `resolveOwner` names the process of
   * connections no poll attributed (they came and went between polls); an outbound one it cannot name goes
   * to the process that alone talked to the same destination in the last ten minutes, if one did.
   */
  takeMinute(resolveOwner: (connection: Endpoints, direction: Direction) => ProcessRef): LogicalMinute[] {
    const logical = new Map<string, LogicalMinute>();
    this.forgetOldDestinationOwners();
    for (const [key, connection] of this.connections) {
      const live = connection.phase === "established" ? 1 : 0;
      const pending = connection.pending ?? noCounts;
      const active =
        live +
        pending.established +
        pending.terminated +
        pending.failed +
        pending.bytesSent +
        pending.bytesReceived;
      completeExchange(connection);
      const responses = connection.pending?.responses ?? 0;
      if (active + responses > 0) {
        connection.owner ??= this.resolve(connection, resolveOwner);
        const logicalKey = logicalKeyOf(connection, connection.owner);
        const id = logicalKeyText(logicalKey);
        let entry = logical.get(id);
        if (entry === undefined) {
          entry = { key: logicalKey, counts: emptyCounts() };
          logical.set(id, entry);
        }
        if (connection.pending !== undefined) addCounts(entry.counts, connection.pending);
        entry.counts.live += live;
      }
      connection.pending = undefined;
      // A connection capture saw close is kept while the socket table still lists it (FIN-WAIT,
      // CLOSE-WAIT), so that a poll does not count it again as a new one.
      const ended = connection.phase === "closed" || connection.phase === "failed";
      if (ended && (!connection.closeSeen || connection.lastPoll < this.pollCount))
        this.connections.delete(key);
    }
    return [...logical.values()];
  }

  private resolve(
    connection: PhysicalConnection,
    resolveOwner: (connection: Endpoints, direction: Direction) => ProcessRef,
  ): ProcessRef {
    const resolved = resolveOwner(connection, connection.direction);
    if (resolved.process !== unknownProcess.process || connection.direction !== "outbound") return resolved;
    const owners = this.destinationOwners.get(connection.destination ?? destinationKey(connection))?.owners;
    if (owners === undefined || owners.size !== 1) return resolved;
    return [...owners.values()][0]!.owner;
  }

  private rememberDestinationOwner(connection: PhysicalConnection, nowMs: number): void {
    this.latestMs = Math.max(this.latestMs, nowMs);
    const { owner } = connection;
    if (
      connection.direction !== "outbound" ||
      owner === undefined ||
      owner.process === unknownProcess.process
    )
      return;
    // Thousands of connections to one destination share one text of its key, built once for each.
    let entry = this.destinationOwners.get((connection.destination ??= destinationKey(connection)));
    if (entry === undefined) {
      entry = { key: connection.destination, owners: new Map() };
      this.destinationOwners.set(entry.key, entry);
    }
    connection.destination = entry.key;
    const { owners } = entry;
    const seen = owners.get(owner.process);
    if (seen !== undefined && seen.owner === owner) seen.lastMs = nowMs;
    else owners.set(owner.process, { owner, lastMs: nowMs });
  }

  private forgetOldDestinationOwners(): void {
    for (const connection of this.connections.values())
      this.latestMs = Math.max(this.latestMs, connection.lastActivityMs);
    const before = this.latestMs - destinationMemoryMs;
    for (const [key, { owners }] of this.destinationOwners) {
      for (const [process, seen] of owners) if (seen.lastMs < before) owners.delete(process);
      if (owners.size === 0) this.destinationOwners.delete(key);
    }
  }

  private create(endpoints: Endpoints, direction: Direction, phase: Phase): PhysicalConnection {
    const connection: PhysicalConnection = {
      netns: endpoints.netns,
      protocol: endpoints.protocol,
      localIp: endpoints.localIp,
      localPort: endpoints.localPort,
      remoteIp: endpoints.remoteIp,
      remotePort: endpoints.remotePort,
      direction,
      owner: undefined,
      phase,
      pending: undefined,
      creditedSent: 0,
      creditedReceived: 0,
      lastPoll: 0,
      lastActivityMs: 0,
      closeSeen: false,
      localFin: false,
      remoteFin: false,
      destination: undefined,
    };
    const previous = this.connections.get(endpointsKey(endpoints));
    if (previous !== undefined) {
      // The same four-tuple again: whatever the old connection had not reported is carried over.
      if (previous.phase === "established") pendingOf(previous).terminated++;
      connection.pending = previous.pending;
      connection.owner = previous.owner;
    }
    this.connections.set(endpointsKey(endpoints), connection);
    return connection;
  }

  private end(connection: PhysicalConnection, phase: "closed" | "failed"): void {
    if (connection.phase === "closed" || connection.phase === "failed") return;
    completeExchange(connection);
    if (phase === "failed") pendingOf(connection).failed++;
    else if (connection.phase === "established") pendingOf(connection).terminated++;
    connection.phase = phase === "failed" || connection.phase === "connecting" ? "failed" : "closed";
  }

  /** Credits the part of life-time totals that no minute has been credited with yet. */
  private creditTotals(
    connection: PhysicalConnection,
    sent: number | undefined,
    received: number | undefined,
  ): void {
    if (sent !== undefined && sent > connection.creditedSent) {
      pendingOf(connection).bytesSent += sent - connection.creditedSent;
      connection.creditedSent = sent;
    }
    if (received !== undefined && received > connection.creditedReceived) {
      pendingOf(connection).bytesReceived += received - connection.creditedReceived;
      connection.creditedReceived = received;
    }
  }
}

function pendingOf(connection: PhysicalConnection): LinkCounts {
  return (connection.pending ??= emptyCounts());
}

const noCounts: Readonly<LinkCounts> = Object.freeze(emptyCounts());

export function emptyCounts(): LinkCounts {
  return {
    established: 0,
    terminated: 0,
    live: 0,
    failed: 0,
    bytesSent: 0,
    bytesReceived: 0,
    responses: 0,
    responseTimeSum: 0,
    responseTimeMin: Infinity,
    responseTimeMax: 0,
  };
}

export function addCounts(into: LinkCounts, from: LinkCounts): void {
  into.established += from.established;
  into.terminated += from.terminated;
  into.live += from.live;
  into.failed += from.failed;
  into.bytesSent += from.bytesSent;
  into.bytesReceived += from.bytesReceived;
  into.responses += from.responses;
  into.responseTimeSum += from.responseTimeSum;
  into.responseTimeMin = Math.min(into.responseTimeMin, from.responseTimeMin);
  into.responseTimeMax = Math.max(into.responseTimeMax, from.responseTimeMax);
}

/** Counts the exchange under way if the server has answered it; a request still unanswered stays open. */
function completeExchange(connection: PhysicalConnection): void {
  const { requestEndMs, responseEndMs } = connection;
  if (requestEndMs === undefined || responseEndMs === undefined) return;
  const ms = responseEndMs - requestEndMs;
  const pending = pendingOf(connection);
  pending.responses++;
  pending.responseTimeSum += ms;
  pending.responseTimeMin = Math.min(pending.responseTimeMin, ms);
  pending.responseTimeMax = Math.max(pending.responseTimeMax, ms);
  connection.requestEndMs = undefined;
  connection.responseEndMs = undefined;
}

// Keys are joined rather than built by template: a template's result is a rope that, once used as a Map
// key, is kept alongside its flattened copy, for every one of tens of thousands of connections.
export function endpointsKey(e: Endpoints): string {
  return [e.netns, e.protocol, e.localIp, e.localPort, e.remoteIp, e.remotePort].join(" ");
}

function destinationKey(e: Endpoints): string {
  return [e.netns, e.protocol, e.remoteIp, e.remotePort].join(" ");
}

/** A PolledConnection with its key, every field present and in one order (one hidden class for all). */
export function polledConnection(c: Omit<PolledConnection, "key">): PolledConnection {
  return {
    key: endpointsKey(c),
    netns: c.netns,
    protocol: c.protocol,
    localIp: c.localIp,
    localPort: c.localPort,
    remoteIp: c.remoteIp,
    remotePort: c.remotePort,
    direction: c.direction,
    owner: c.owner,
    connecting: c.connecting,
    bytesSent: c.bytesSent,
    bytesReceived: c.bytesReceived,
  };
}

function logicalKeyOf(connection: PhysicalConnection, owner: ProcessRef): LogicalKey {
  const inbound = connection.direction === "inbound";
  return {
    direction: connection.direction,
    owner,
    sourceIp: inbound ? connection.remoteIp : connection.localIp,
    destinationIp: inbound ? connection.localIp : connection.remoteIp,
    destinationPort: inbound ? connection.localPort : connection.remotePort,
    protocol: connection.protocol,
  };
}

function logicalKeyText(k: LogicalKey): string {
  return [k.direction, k.owner.process, k.sourceIp, k.destinationIp, k.destinationPort, k.protocol].join(" ");
}

/** The 64-bit total whose low 32 bits are `relative`, nearest above what was already credited. */
function wrapTotal(relative: number, credited: number): number {
  const base = Math.floor(credited / 2 ** 32) * 2 ** 32;
  const candidate = base + relative;
  return candidate + 2 ** 31 < credited ? candidate + 2 ** 32 : candidate;
}

export { unknownProcess };
