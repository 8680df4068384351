// The agent: polls processes and sockets, follows connections (with packet capture where it can), and
// once per report interval turns what it saw into table records, spools them and ships them.

import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { DnsCache, parseDnsAnswer } from "./collectors/dns-answers.js";
import { readInventory, type MachineInventory } from "./collectors/inventory.js";
import { MetricsSampler } from "./collectors/metrics.js";
import { PacketCapture } from "./collectors/packet-capture.js";
import { tcpFlags, type DecodedPacket } from "./collectors/packet-decoder.js";
import { PackageDatabase } from "./collectors/packages.js";
import { ProcessScanner, type ProcessInfo } from "./collectors/processes.js";
import { roleOf } from "./collectors/roles.js";
import { nativeSockDiagUnavailable, socketInodeNative } from "./collectors/sock-diag.js";
import { findSocketOwners } from "./collectors/socket-owners.js";
import { isLoopbackIp } from "./collectors/addresses.js";
import { boundPortsOf, type Listener } from "./aggregate/bound-ports.js";
import { ConnectionTracker, type Direction, type Endpoints } from "./aggregate/connection-tracker.js";
import { unknownProcess, type ProcessRef } from "./aggregate/owners.js";
import {
  boundPortRecord,
  computerRecord,
  connectionRecord,
  heartbeatRecord,
  machineOf,
  metricRecord,
  processRecord,
  type AgentRecord,
  type ProcessDescription,
  type Reporter,
} from "./aggregate/records.js";
import { loadAgentId } from "./identity.js";
import { Poller, type PollResult } from "./poller.js";
import { Shipper } from "./ship/shipper.js";
import { defaultSpoolBytes, Spool } from "./ship/spool.js";
import { agentVersion } from "./version.js";

export interface AgentOptions {
  readonly workspaceUrl: string;
  /** An API key with the agent (or contributor) role; none for a loopback workspace without keys. */
  readonly key?: string;
  /** The agent id, spool and state live here. */
  readonly stateDir: string;
  /** User tags (site, rack, ...), reported with the machine. */
  readonly tags?: Readonly<Record<string, string>>;
  /** How often processes and sockets are polled (default 15 s). */
  readonly pollIntervalMs?: number;
  /** The interval each VMConnection / VMBoundPort record covers (default one minute, as in Azure). */
  readonly reportIntervalMs?: number;
  /** How often VMComputer and every VMProcess are reported again without a change (default one hour). */
  readonly inventoryIntervalMs?: number;
  /** "all" (default) reads every network namespace in view (containers); "own" only the agent's. */
  readonly namespaces?: "own" | "all";
  /** "auto" (default) captures packets when tcpdump runs here; "off" never does. */
  readonly capture?: "auto" | "off";
  readonly captureCommand?: string;
  readonly spoolMaxBytes?: number;
  /** The name reported as Computer (default the host name). */
  readonly computerName?: string;
  readonly log?: (message: string) => void;
}

export interface AgentStatus {
  readonly agentId: string;
  readonly machine: string;
  readonly capabilities: readonly string[];
  /** Report intervals closed so far: each wrote one Heartbeat. */
  readonly reports: number;
  readonly spooledBatches: number;
  readonly droppedBatches: number;
  readonly droppedRows: number;
  readonly rejectedBatches: number;
  readonly lastShippingError: string;
}

const oneMinuteMs = 60_000;

export class Agent {
  private readonly tracker = new ConnectionTracker();
  private readonly scanner = new ProcessScanner();
  private readonly packages = new PackageDatabase();
  private readonly metrics = new MetricsSampler();
  private readonly dns = new DnsCache();
  private readonly spool: Spool;
  private readonly shipper: Shipper;
  private readonly poller: Poller;
  private readonly reporter: Reporter;
  private readonly log: (message: string) => void;
  private inventory: MachineInventory;
  private capture: PacketCapture | undefined;
  private captureState = "off";
  private localIps = new Set<string>();
  /** The listening sockets of the last poll: who takes an inbound connection capture saw. */
  private listeners: readonly Listener[] = [];
  /** Every listening socket seen during the interval, for VMBoundPort. */
  private intervalListeners = new Map<string, Listener>();
  private udpPortOwners: ReadonlyMap<number, ProcessRef> = new Map();
  private readonly processes = new Map<string, ProcessDescription>();
  private readonly reported = new Set<string>();
  private lastFullInventoryMs = 0;
  private lastInventoryText = "";
  private namespaceFailures: readonly string[] = [];
  private pollTimer: NodeJS.Timeout | undefined;
  private reportTimer: NodeJS.Timeout | undefined;
  private busy: Promise<unknown> = Promise.resolve();
  private intervalStartMs = 0;
  private stopped = false;

  constructor(private readonly options: AgentOptions) {
    this.log = options.log ?? ((message) => process.stderr.write(`svcmap agent: ${message}\n`));
    const agentId = loadAgentId(options.stateDir);
    this.inventory = readInventory();
    this.reporter = { agentId, computer: options.computerName ?? this.inventory.hostName, agentVersion };
    this.poller = new Poller(this.scanner, machineOf(this.reporter), (options.namespaces ?? "all") === "all");
    this.spool = new Spool(join(options.stateDir, "spool"), options.spoolMaxBytes ?? defaultSpoolBytes);
    this.shipper = new Shipper({
      workspaceUrl: options.workspaceUrl,
      ...(options.key === undefined ? {} : { key: options.key }),
      spool: this.spool,
      log: this.log,
    });
  }

  get machine(): string {
    return machineOf(this.reporter);
  }

  status(): AgentStatus {
    const drops = this.spool.drops;
    return {
      agentId: this.reporter.agentId,
      machine: this.machine,
      capabilities: this.capabilities(),
      reports: this.reports,
      spooledBatches: this.spool.list().length,
      droppedBatches: drops.batches,
      droppedRows: drops.rows,
      rejectedBatches: this.shipper.rejectedBatches,
      lastShippingError: this.shipper.lastFailure,
    };
  }

  async start(): Promise<void> {
    this.refreshLocalIps();
    if ((this.options.capture ?? "auto") === "auto") this.startCapture();
    else this.captureState = "off (disabled)";
    const interval = this.reportIntervalMs;
    this.intervalStartMs = Math.floor(Date.now() / interval) * interval;
    await this.exclusive(async () => {
      await this.pollOnce();
      // The machine and its processes are known at once; the first interval's traffic follows.
      const now = new Date();
      const tables: Record<string, AgentRecord[]> = {};
      this.describeMachine(now, (table, record) => (tables[table] ??= []).push(record));
      this.spoolTables(tables);
    });
    this.shipper.start();
    this.pollTimer = setInterval(() => {
      void this.exclusive(() => this.pollOnce());
    }, this.options.pollIntervalMs ?? 15_000);
    this.scheduleReport();
    this.log(
      `machine ${this.machine} (${this.reporter.computer}) reporting to ${this.options.workspaceUrl}; ` +
        this.capabilities().join(", "),
    );
  }

  /** Reports what the current interval has so far, sends what the spool holds (up to `deadlineMs`), stops. */
  async stop(deadlineMs = 10_000): Promise<number> {
    if (this.stopped) return 0;
    this.stopped = true;
    clearInterval(this.pollTimer);
    clearTimeout(this.reportTimer);
    await this.exclusive(() => this.report(Date.now()));
    this.capture?.stop();
    const left = await this.shipper.flushAndStop(deadlineMs);
    if (left > 0) this.log(`${left} batches stay in the spool for the next start`);
    return left;
  }

  private get reportIntervalMs(): number {
    return this.options.reportIntervalMs ?? oneMinuteMs;
  }

  private scheduleReport(): void {
    const interval = this.reportIntervalMs;
    const next = Math.floor(Date.now() / interval) * interval + interval;
    this.reportTimer = setTimeout(() => {
      void this.exclusive(() => this.report(next)).finally(() => {
        if (!this.stopped) this.scheduleReport();
      });
    }, next - Date.now());
  }

  /** Runs polls and reports one at a time. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.busy.then(work);
    this.busy = next.catch((error: unknown) => {
      this.log(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    });
    return next;
  }

  private async pollOnce(): Promise<PollResult> {
    const result = await this.poller.poll();
    this.tracker.observePoll(result.connections, result.snapshotMs);
    this.listeners = result.listeners;
    for (const listener of result.listeners) {
      this.intervalListeners.set(listenerKey(listener), listener);
    }
    this.udpPortOwners = result.udpPortOwners;
    await this.noteProcesses(result.processes.values(), result.listeners);
    this.namespaceFailures = result.failures;
    return result;
  }

  private async noteProcesses(infos: Iterable<ProcessInfo>, listeners: readonly Listener[]): Promise<void> {
    const portsByProcess = new Map<string, number[]>();
    for (const l of listeners) {
      const ports = portsByProcess.get(l.owner.process) ?? [];
      ports.push(l.port);
      portsByProcess.set(l.owner.process, ports);
    }
    const changed: { info: ProcessInfo; process: string; role: string; firstPid: number; startTime: Date }[] =
      [];
    for (const info of infos) {
      const ref = this.poller.refOf(info);
      const known = this.processes.get(ref.process);
      const ports = portsByProcess.get(ref.process) ?? [];
      const role = roleOf(info.executableName, ports) || known?.role || "";
      const firstPid = known === undefined ? info.pid : Math.min(known.firstPid, info.pid);
      const startTime =
        known === undefined || info.startTime < known.startTime ? info.startTime : known.startTime;
      if (
        known !== undefined &&
        known.role === role &&
        known.firstPid === firstPid &&
        known.startTime === startTime
      )
        continue;
      changed.push({ info, process: ref.process, role, firstPid, startTime });
    }
    await this.packages.learn(changed.map(({ info }) => info.executablePath));
    for (const { info, process, role, firstPid, startTime } of changed) {
      const product = this.packages.known(info.executablePath);
      this.processes.set(process, {
        process,
        executableName: info.executableName,
        executablePath: info.executablePath,
        commandLine: info.commandLine,
        workingDirectory: info.workingDirectory,
        userName: info.userName,
        startTime,
        firstPid,
        group: info.group,
        productName: product.productName,
        productVersion: product.productVersion,
        role,
      });
      // A changed description is reported again at the next report.
      this.reported.delete(process);
    }
  }

  private async report(endMs: number): Promise<void> {
    await this.pollOnce();
    const at = new Date(this.intervalStartMs);
    this.intervalStartMs = Math.floor(endMs / this.reportIntervalMs) * this.reportIntervalMs;
    const now = new Date();
    const logical = this.tracker.takeMinute((e, d) => this.resolveOwner(e, d));
    const ports = boundPortsOf(this.intervalListeners.values(), logical);
    this.intervalListeners = new Map(this.listeners.map((l) => [listenerKey(l), l]));
    this.dns.prune(now.getTime());

    const tables: Record<string, AgentRecord[]> = {};
    const add = (table: string, record: AgentRecord): void => {
      (tables[table] ??= []).push(record);
    };
    this.describeMachine(now, add);
    for (const c of logical) add("VMConnection", connectionRecord(this.reporter, c, at, this.dns));
    for (const p of ports) add("VMBoundPort", boundPortRecord(this.reporter, p, at));
    for (const m of this.metrics.sample(now.getTime()))
      add("InsightsMetrics", metricRecord(this.reporter, m, now));
    add(
      "InsightsMetrics",
      metricRecord(
        this.reporter,
        { namespace: "Computer", name: "Heartbeat", value: 1, tags: this.options.tags ?? {} },
        now,
      ),
    );
    add("Heartbeat", heartbeatRecord(this.reporter, this.inventory, this.capabilities(), now));
    this.spoolTables(tables);
    this.reports++;
    const drops = this.spool.drops;
    if (drops.batches > 0 && drops.batches !== this.reportedDrops) {
      this.reportedDrops = drops.batches;
      this.log(`spool full: dropped the oldest ${drops.batches} batches (${drops.rows} rows) so far`);
    }
  }

  private reportedDrops = 0;
  private reports = 0;

  /** VMComputer when due, and every process not yet described (or changed). */
  private describeMachine(now: Date, add: (table: string, record: AgentRecord) => void): void {
    this.refreshInventory(now, add);
    for (const description of this.processes.values()) {
      if (this.reported.has(description.process)) continue;
      add("VMProcess", processRecord(this.reporter, description, now));
      this.reported.add(description.process);
    }
  }

  private spoolTables(tables: Readonly<Record<string, readonly AgentRecord[]>>): void {
    for (const [table, records] of Object.entries(tables)) this.spool.add(table, records);
    this.shipper.notify();
  }
  private lookups: Endpoints[] = [];
  private lookupTimer: NodeJS.Timeout | undefined;

  /**
   * Looks up, a few milliseconds after capture saw them start, who holds new outbound connections: one
   * `ss` at a time for everything queued meanwhile, so a storm of connections costs a few lookups a second.
   */
  private queueOwnerLookup(e: Endpoints): void {
    if (this.lookups.length < 5000) this.lookups.push(e);
    this.lookupTimer ??= setTimeout(() => {
      const batch = this.lookups.splice(0, 500);
      void this.lookUpOwners(batch).finally(() => {
        this.lookupTimer = undefined;
        if (this.lookups.length > 0) this.queueOwnerLookup(this.lookups.pop()!);
      });
    }, 2);
  }

  private async lookUpOwners(batch: readonly Endpoints[]): Promise<void> {
    const owners = this.lookUpOwnersNow(batch) ?? (await this.lookUpOwnersWithSs(batch));
    for (const [e, info] of owners) this.tracker.attribute(e, this.poller.refOf(info));
    // Described now: a program gone before the next poll would otherwise have no VMProcess record.
    if (owners.size > 0) await this.noteProcesses(new Set(owners.values()), this.listeners);
  }

  /**
   * Through the kernel's exact lookup of each socket and a search of the newest processes' file
   * descriptors, in this process: without a child process to start, it is done within a few milliseconds
   * of the SYN, while a program that connects once and exits is still there to be named. Undefined without
   * the native module, or when the kernel refuses the lookup.
   */
  private lookUpOwnersNow(batch: readonly Endpoints[]): Map<Endpoints, ProcessInfo> | undefined {
    const inodes = new Map<Endpoints, number>();
    try {
      for (const e of batch) {
        const inode = socketInodeNative(e);
        if (inode === undefined) return undefined;
        if (inode !== 0) inodes.set(e, inode);
      }
    } catch {
      return undefined;
    }
    const owners = new Map<Endpoints, ProcessInfo>();
    if (inodes.size === 0) return owners;
    const holders = this.scanner.holdersOf(new Set(inodes.values()));
    for (const [e, inode] of inodes) {
      const info = holders.get(inode);
      if (info !== undefined) owners.set(e, info);
    }
    return owners;
  }

  /** The same with `ss -p` for the connections' ports, where the native module is not built. */
  private async lookUpOwnersWithSs(batch: readonly Endpoints[]): Promise<Map<Endpoints, ProcessInfo>> {
    const owners = new Map<Endpoints, ProcessInfo>();
    for (const protocol of ["tcp", "udp"] as const) {
      const wanted = batch.filter((e) => e.protocol === protocol);
      if (wanted.length === 0) continue;
      let found;
      try {
        found = await findSocketOwners(protocol, [...new Set(wanted.map((e) => e.localPort))]);
      } catch {
        continue;
      }
      for (const e of wanted) {
        const owner = found.find(
          (o) =>
            o.localPort === e.localPort &&
            // An unconnected UDP socket names no peer.
            (protocol === "udp" || (o.remotePort === e.remotePort && o.remoteIp === e.remoteIp)),
        );
        const info = owner === undefined ? undefined : this.scanner.describe(owner.pid);
        if (info !== undefined) owners.set(e, info);
      }
    }
    return owners;
  }

  /** VMComputer at start, hourly, and whenever the inventory changes; every VMProcess again hourly. */
  private refreshInventory(now: Date, add: (table: string, record: AgentRecord) => void): void {
    this.inventory = readInventory();
    this.refreshLocalIps();
    const text = JSON.stringify({ ...this.inventory, bootTime: undefined, tags: this.options.tags });
    const hourly =
      now.getTime() - this.lastFullInventoryMs >= (this.options.inventoryIntervalMs ?? 3_600_000);
    if (hourly || text !== this.lastInventoryText) {
      add("VMComputer", computerRecord(this.reporter, this.inventory, now));
      this.lastInventoryText = text;
    }
    if (hourly) {
      this.lastFullInventoryMs = now.getTime();
      this.reported.clear();
    }
  }

  private capabilities(): string[] {
    const namespaces =
      (this.options.namespaces ?? "all") === "all" ? "all network namespaces" : "own network namespace";
    const failures =
      this.namespaceFailures.length === 0 ? "" : ` (${this.namespaceFailures.length} unreadable)`;
    const reader = nativeSockDiagUnavailable() === "" ? "sock_diag" : "sock_diag via ss";
    return [`sockets: ${reader}, ${namespaces}${failures}`, `capture: ${this.captureState}`];
  }

  /** The process of a connection no poll saw: the listener for inbound, else the last user of that peer. */
  private resolveOwner(e: Endpoints, direction: Direction): ProcessRef {
    if (direction === "inbound") {
      for (const l of this.listeners) {
        if (
          l.protocol === e.protocol &&
          l.port === e.localPort &&
          (l.ip === e.localIp || l.ip === "0.0.0.0" || l.ip === "::")
        ) {
          return l.owner;
        }
      }
    }
    // A UDP socket often outlives its flows; a TCP port is reused too quickly to go by.
    return (e.protocol === "udp" ? this.udpPortOwners.get(e.localPort) : undefined) ?? unknownProcess;
  }

  private refreshLocalIps(): void {
    const ips = new Set<string>();
    for (const addresses of Object.values(networkInterfaces())) {
      for (const a of addresses ?? []) ips.add(a.family === "IPv6" ? a.address.split("%")[0]! : a.address);
    }
    this.localIps = ips;
  }

  private isLocal(ip: string): boolean {
    return this.localIps.has(ip) || isLoopbackIp(ip);
  }

  private startCapture(): void {
    this.captureState = "starting";
    this.capture = PacketCapture.start({
      ...(this.options.captureCommand === undefined ? {} : { command: this.options.captureCommand }),
      onPacket: (packet, timeMs) => this.onPacket(packet, timeMs),
      onStop: (reason) => {
        this.captureState = `off (${reason})`;
        this.capture = undefined;
        this.log(
          `packet capture is off: ${reason}; connections that open and close between polls are not seen`,
        );
      },
    });
    this.captureState = "tcpdump (short-lived and failed connections, DNS answers)";
  }

  private onPacket(packet: DecodedPacket, timeMs: number): void {
    const srcLocal = this.isLocal(packet.src);
    const dstLocal = this.isLocal(packet.dst);
    if (packet.kind === "unreachable") {
      // An ICMP error about a packet this machine sent.
      if (srcLocal) this.tracker.observeUnreachable(this.endpoints(packet, true), timeMs);
      return;
    }
    if (packet.kind === "udp") {
      if (packet.dnsPayload !== undefined && dstLocal) {
        const answer = parseDnsAnswer(packet.dnsPayload);
        if (answer !== undefined) this.dns.add(answer, timeMs);
      }
      for (const sentByLocal of [true, false]) {
        if (sentByLocal ? !srcLocal : !dstLocal) continue;
        const e = this.endpoints(packet, sentByLocal);
        const direction = this.isUdpServerPort(e.localPort) ? "inbound" : "outbound";
        const created = this.tracker.observeDatagram(e, direction, sentByLocal, packet.payloadLength, timeMs);
        if (created && sentByLocal && direction === "outbound") this.queueOwnerLookup(e);
      }
      return;
    }
    const { flags } = packet;
    const syn = (flags & tcpFlags.syn) !== 0;
    const ack = (flags & tcpFlags.ack) !== 0;
    const closing = (flags & (tcpFlags.fin | tcpFlags.rst)) !== 0;
    for (const sentByLocal of [true, false]) {
      if (sentByLocal ? !srcLocal : !dstLocal) continue;
      const e = this.endpoints(packet, sentByLocal);
      if (syn && !ack) {
        if (sentByLocal) {
          this.tracker.observeSyn(e, "outbound", packet.seq, timeMs);
          this.queueOwnerLookup(e);
        } else {
          // Also on a port nothing listens on: the machine's reset (or silence) makes it a failed inbound
          // attempt, which is how scanners and misconfigured clients show.
          this.tracker.observeSyn(e, "inbound", packet.seq, timeMs);
        }
      } else if (syn && ack) {
        this.tracker.observeSynAck(e, sentByLocal, packet.seq, timeMs);
      } else {
        // Data before a FIN in the same segment belongs to the exchange the FIN ends.
        if (packet.payloadLength > 0) this.tracker.observeData(e, sentByLocal, timeMs);
        if (closing)
          this.tracker.observeClose(e, sentByLocal, (flags & tcpFlags.rst) !== 0, packet.seq, timeMs);
      }
    }
  }

  private endpoints(
    p: { src: string; dst: string; srcPort: number; dstPort: number; protocol?: "tcp" | "udp"; kind: string },
    sentByLocal: boolean,
  ): Endpoints {
    const protocol = p.kind === "unreachable" ? (p.protocol ?? "tcp") : p.kind === "udp" ? "udp" : "tcp";
    return sentByLocal
      ? { netns: "", protocol, localIp: p.src, localPort: p.srcPort, remoteIp: p.dst, remotePort: p.dstPort }
      : { netns: "", protocol, localIp: p.dst, localPort: p.dstPort, remoteIp: p.src, remotePort: p.srcPort };
  }

  private isUdpServerPort(port: number): boolean {
    for (const l of this.listeners) if (l.protocol === "udp" && l.port === port) return true;
    return false;
  }
}

function listenerKey(l: Listener): string {
  return `${l.owner.process} ${l.protocol} ${l.ip} ${l.port}`;
}
