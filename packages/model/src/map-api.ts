// The map API's response shapes (/api/map/…): the workspace answers them, the web UI draws them. Types only.

/** The KQL that reproduces an answer, by the part of the answer it produced; run it on the Logs page as is. */
export type MapQueries = Readonly<Record<string, string>>;

export interface MapTimeRange {
  /** ISO 8601, inclusive. */
  readonly start: string;
  /** ISO 8601, exclusive. */
  readonly end: string;
}

export interface MachineGroupRef {
  readonly id: string;
  readonly name: string;
}

export interface MachineGroupInfo extends MachineGroupRef {
  readonly machines: readonly string[];
}

/** Service Map's process roles, from VMProcess.Role, lower-cased. */
export type ProcessRole = "webserver" | "appserver" | "databaseserver" | "ldapserver" | "smbserver";

export interface MachineListItem {
  readonly machine: string;
  readonly computer: string;
  readonly displayName: string;
  readonly osFamily: string;
  readonly osName: string;
  readonly ipv4: readonly string[];
  /**
   * Processes with a connection in the range, as the machine's map draws them: inventoried or not, and the
   * "unknown process" for traffic the agent could not tie to one.
   */
  readonly processes: number;
  /** Distinct logical connections (direction, process, remote address, port, protocol) in the range. */
  readonly connections: number;
  readonly failedLinks: number;
  readonly roles: readonly ProcessRole[];
  readonly groups: readonly MachineGroupRef[];
}

export interface MachineListResponse {
  readonly range: MapTimeRange;
  readonly machines: readonly MachineListItem[];
  readonly queries: MapQueries;
}

export type MapNodeKind =
  "machine" | "processGroup" | "process" | "clientGroup" | "serverPortGroup" | "aggregate";

export interface MapNode {
  readonly id: string;
  readonly kind: MapNodeKind;
  readonly label: string;
  /** The compound node this one sits in (machine ▸ process group ▸ process). */
  readonly parent?: string;
  readonly machine?: string;
  readonly process?: string;
  readonly roles?: readonly ProcessRole[];
  /** True for the machines the map was asked about. */
  readonly focus?: boolean;
  /** Client and server port groups: the remote addresses (with a DNS name when one was seen). */
  readonly members?: readonly { readonly ip: string; readonly name?: string }[];
  /** Aggregates: how many machines they stand for; groups: how many addresses. */
  readonly count?: number;
  readonly port?: number;
  readonly protocol?: string;
  readonly failedLinks?: number;
  /** A process node standing for connections whose owning process the agent could not find. */
  readonly unattributed?: boolean;
  /** Something the page should tell about this node (a tooltip, a line in the table). */
  readonly note?: string;
}

export interface MapEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly links: number;
  readonly failedLinks: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  /** Mean response time in milliseconds, or null when no responses were seen. */
  readonly responseTimeMs: number | null;
  readonly ports: readonly number[];
  /** Fails more often than it connects in the range, yet in the day before it connected and never failed. */
  readonly workedBefore: boolean;
  readonly selfLink?: boolean;
}

export interface DependencyMapResponse {
  readonly range: MapTimeRange;
  readonly focus: readonly string[];
  readonly nodes: readonly MapNode[];
  readonly edges: readonly MapEdge[];
  readonly queries: MapQueries;
}

export interface MetricSeries {
  readonly namespace: string;
  readonly name: string;
  /** [ISO time, average value] per interval. */
  readonly points: readonly (readonly [string, number])[];
}

export interface MachineSummaryResponse {
  readonly range: MapTimeRange;
  readonly machine: string;
  readonly properties: Readonly<Record<string, string | number | boolean | null>>;
  readonly ipv4: readonly string[];
  readonly health: {
    readonly state: "healthy" | "stale" | "no heartbeat";
    readonly lastHeartbeat: string | null;
    readonly heartbeats: number;
    readonly agentVersion: string;
  };
  readonly metrics: readonly MetricSeries[];
  readonly groups: readonly MachineGroupRef[];
  readonly queries: MapQueries;
}

export interface ProcessConnectionSummary {
  readonly direction: "inbound" | "outbound";
  readonly remoteIp: string;
  readonly port: number;
  readonly protocol: string;
  readonly links: number;
  readonly failedLinks: number;
}

export interface ProcessSummaryResponse {
  readonly range: MapTimeRange;
  readonly machine: string;
  readonly process: string;
  readonly properties: Readonly<Record<string, string | number | boolean | null>>;
  readonly boundPorts: readonly {
    readonly ip: string;
    readonly port: number;
    readonly protocol: string;
    readonly wildcard: boolean;
  }[];
  readonly connections: readonly ProcessConnectionSummary[];
  readonly totals: {
    readonly inbound: number;
    readonly outbound: number;
    readonly failed: number;
  };
  readonly queries: MapQueries;
}

export type EstateAggregation = "site" | "subnet" | "group";

export interface EstateResponse {
  readonly range: MapTimeRange;
  readonly by: EstateAggregation;
  /** The aggregate drawn as its machines (or, when it has many, as its subnets), if one was opened. */
  readonly within?: string;
  /** The subnet of `within` drawn as its machines, if one was opened. */
  readonly subnet?: string;
  readonly nodes: readonly MapNode[];
  readonly edges: readonly MapEdge[];
  readonly queries: MapQueries;
}
