// The simulated estate: machines, the processes on them, the ports they listen on and the logical
// connections (flows) between them and the outside world. Everything here is fixed before the first row is
// written; the generators only add what varies from minute to minute.

import type { GeoLocation, ThreatIndicator } from "./catalogue/internet.js";
import type { OsRelease } from "./catalogue/operating-systems.js";
import type { Site } from "./catalogue/sites.js";

export type Tier = "web" | "app" | "database" | "cache" | "ldap" | "smb" | "batch";

/** The simulated time range: `minutes` one-minute intervals, the first starting at `startMs`. */
export interface SimulationWindow {
  readonly startMs: number;
  readonly minutes: number;
}

export interface AzureHosting {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly location: string;
  readonly size: string;
  readonly vmId: string;
  readonly faultDomain: string;
  readonly updateDomain: string;
}

export interface Disk {
  readonly mountId: string;
  readonly sizeMB: number;
  readonly usedFraction: number;
  /** Databases and log-heavy machines fill their disks over the day. */
  readonly growthMBPerMinute: number;
}

export interface SimMachine {
  readonly index: number;
  readonly seed: number;
  readonly agentId: string;
  readonly machine: string;
  readonly computer: string;
  readonly hostName: string;
  readonly dnsNames: readonly string[];
  readonly site: Site;
  readonly tier: Tier;
  readonly os: OsRelease;
  readonly ipv4: string;
  readonly ipv6: string | undefined;
  readonly macAddress: string;
  readonly cpus: number;
  readonly cpuSpeedMHz: number;
  readonly memoryMB: number;
  readonly disks: readonly Disk[];
  readonly virtualization: {
    readonly state: string;
    readonly machineType: string;
    readonly hypervisorType: string;
  };
  readonly vmUuid: string;
  readonly azure: AzureHosting | undefined;
  readonly resourceId: string;
  readonly subscriptionId: string;
  /** Minute of each hour at which the hourly inventory records are written. */
  readonly inventoryMinute: number;
  /** Boot times (ms); the first is before the window, later ones follow reboots inside it. */
  readonly boots: readonly { readonly minute: number; readonly bootMs: number }[];
  /** Agent versions over the window; a later entry is an upgrade at that minute. */
  readonly agentVersions: readonly { readonly minute: number; readonly version: string }[];
  /** 1 for each minute the machine was up and reporting; undefined when it was up throughout. */
  readonly upAt: Uint8Array | undefined;
  /** Typical CPU load (percent) and the share of memory in use, for InsightsMetrics. */
  readonly cpuBase: number;
  readonly memoryUsedFraction: number;
  readonly processes: SimProcess[];
}

export interface ProcessRun {
  /** Minute index of the start; negative when the process started before the window. */
  readonly minute: number;
  readonly startMs: number;
  readonly pid: number;
}

export interface ProcessVersion {
  readonly minute: number;
  readonly productVersion: string;
  readonly fileVersion: string;
}

export interface ProcessIdentity {
  readonly executableName: string;
  readonly executablePath: string;
  readonly commandLine: string;
  readonly displayName: string;
  readonly group: string;
  readonly description: string;
  readonly companyName: string;
  readonly productName: string;
  readonly internalName: string;
  readonly role: string;
  readonly services: readonly string[];
  readonly userName: string;
  readonly userDomain: string;
  readonly workingDirectory: string;
}

export interface SimProcess extends ProcessIdentity {
  readonly machine: SimMachine;
  readonly process: string;
  readonly resourceId: string;
  readonly versions: ProcessVersion[];
  readonly runs: ProcessRun[];
  /** 1 for each minute a scheduled job is running; undefined for services, which run whenever the machine is up. */
  runningAt: Uint8Array | undefined;
  readonly boundPorts: SimBoundPort[];
}

export interface SimBoundPort {
  readonly process: SimProcess;
  readonly port: number;
  readonly protocol: "tcp" | "udp";
  /** A wildcard bind (0.0.0.0) reports per local address used; a specific bind reports each bound address. */
  readonly wildcard: boolean;
  readonly bindIps: readonly string[];
  /** Inbound flows arriving on this port, filled in as the flows are wired. */
  readonly inbound: Flow[];
}

/** What is known about the far end of a connection, as the workspace would enrich RemoteIp. */
export interface RemoteFacts {
  readonly geo: GeoLocation | undefined;
  readonly dnsQuestions: readonly string[];
  readonly dnsCanonicalNames: readonly string[];
  readonly threat: ThreatIndicator | undefined;
}

/** How a flow behaves per minute. */
export interface TrafficShape {
  /** Chance that the flow is seen in a given minute (scaled by office hours when `followsOfficeHours`). */
  readonly activity: number;
  readonly followsOfficeHours: boolean;
  readonly requestsPerMinute: number;
  readonly requestBytes: number;
  readonly responseBytes: number;
  readonly responseMs: number;
  /** Long-lived connections kept open (a pool); 0 for one connection per few requests. */
  readonly pooledLinks: number;
  readonly requestsPerLink: number;
}

export interface Flow {
  readonly seed: number;
  readonly protocol: "tcp" | "udp";
  readonly sourceIp: string;
  readonly destinationIp: string;
  readonly destinationPort: number;
  /** The initiating process when its machine is monitored (it reports the outbound record). */
  readonly client: SimProcess | undefined;
  /** The accepting process when its machine is monitored (it reports the inbound record). */
  readonly server: SimProcess | undefined;
  readonly clientFacts: RemoteFacts;
  readonly serverFacts: RemoteFacts;
  readonly shape: TrafficShape;
  readonly officeHours: Float32Array;
  /** From this minute on, every attempt fails ("used to work, now fails"); Infinity when it never does. */
  readonly failingFrom: number;
  /** Share of minutes with some failed attempts even while the flow works. */
  readonly flakiness: number;
}

export interface Estate {
  readonly seed: number;
  readonly window: SimulationWindow;
  readonly tenantId: string;
  readonly machines: readonly SimMachine[];
  readonly flows: readonly Flow[];
}
