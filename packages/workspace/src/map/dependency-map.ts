// The dependency map of one machine or a group: the focus machines' processes, the processes they talk to on
// monitored machines, and, for addresses without an agent, a client group per process (inbound) or a server
// port group per remote port (outbound). Remote ends are matched to monitored machines through VMComputer's
// addresses and to processes through VMBoundPort, as the seed documents' dependency query does; inbound
// clients on monitored machines are matched to their process through that machine's outbound record.

import type { DependencyMapResponse, MapEdge, MapNode } from "@svcmap/model";
import { kqlStringList } from "./kql-literal.js";
import {
  addressesLet,
  inventoryLookback,
  MapQuerySet,
  num,
  rangeOf,
  str,
  stringArray,
  windowLets,
  type MapWindow,
  type Row,
} from "./map-query.js";
import { distinguishingLabels } from "./process-labels.js";
import { processRole, processRoles } from "./roles.js";

export interface DependencyMapOptions {
  /** Draw connections of a machine with itself (loopback, or to its own address). */
  readonly selfLinks?: boolean;
  /** Group maps: keep only processes with a connection to another machine of the group. */
  readonly onlyGroupConnected?: boolean;
}

export function connectionsKql(window: MapWindow, focus: readonly string[]): string {
  const machines = kqlStringList(focus);
  return (
    windowLets(window) +
    `${addressesLet}
let connections = materialize(VMConnection
| where TimeGenerated >= start and TimeGenerated < end and Machine in ${machines}
| summarize Links = sum(LinksEstablished), FailedLinks = sum(LinksFailed), BytesSent = sum(BytesSent), BytesReceived = sum(BytesReceived), Responses = sum(Responses), ResponseTimeSum = sum(ResponseTimeSum), RemoteDnsQuestions = max(RemoteDnsQuestions) by Machine, Direction, Process, RemoteIp, DestinationPort, Protocol
| join kind=leftouter addresses on $left.RemoteIp == $right.Ip
| extend RemoteMachine = iff(RemoteIp startswith "127." or RemoteIp == "::1", Machine, RemoteMachine));
// Only the remote machines' ports and outbound connections can match, which keeps a day-long map fast.
let remoteMachines = connections | where isnotempty(RemoteMachine) | summarize by RemoteMachine;
let ports = VMBoundPort
| where TimeGenerated >= start and TimeGenerated < end and Machine in (remoteMachines);
let exactPorts = ports
| summarize PortProcess = min(Process) by PortMachine = Machine, PortIp = Ip, Port, PortProtocol = Protocol;
let wildcardPorts = ports
| where Ip in ("0.0.0.0", "::")
| summarize WildcardProcess = min(Process) by WildcardMachine = Machine, WildcardPort = Port, WildcardProtocol = Protocol;
let clients = VMConnection
| where TimeGenerated >= start and TimeGenerated < end and Direction == "outbound" and Machine in (remoteMachines)
| summarize ClientProcess = min(Process) by ClientMachine = Machine, ClientIp = SourceIp, ServerPort = DestinationPort, ClientProtocol = Protocol;
let before = VMConnection
| where TimeGenerated >= start - 1d and TimeGenerated < start and Machine in ${machines}
| summarize BeforeLinks = sum(LinksEstablished), BeforeFailed = sum(LinksFailed) by BeforeMachine = Machine, BeforeDirection = Direction, BeforeProcess = Process, BeforeRemoteIp = RemoteIp, BeforePort = DestinationPort, BeforeProtocol = Protocol;
connections
| join kind=leftouter exactPorts on $left.RemoteMachine == $right.PortMachine, $left.RemoteIp == $right.PortIp, $left.DestinationPort == $right.Port, $left.Protocol == $right.PortProtocol
| join kind=leftouter wildcardPorts on $left.RemoteMachine == $right.WildcardMachine, $left.DestinationPort == $right.WildcardPort, $left.Protocol == $right.WildcardProtocol
| join kind=leftouter clients on $left.RemoteMachine == $right.ClientMachine, $left.RemoteIp == $right.ClientIp, $left.DestinationPort == $right.ServerPort, $left.Protocol == $right.ClientProtocol
| join kind=leftouter before on $left.Machine == $right.BeforeMachine, $left.Direction == $right.BeforeDirection, $left.Process == $right.BeforeProcess, $left.RemoteIp == $right.BeforeRemoteIp, $left.DestinationPort == $right.BeforePort, $left.Protocol == $right.BeforeProtocol
| extend RemoteProcess = iff(Direction == "outbound", iff(isempty(PortProcess), WildcardProcess, PortProcess), ClientProcess)
| project Machine, Direction, Process, RemoteIp, DestinationPort, Protocol, RemoteMachine, RemoteProcess, Links, FailedLinks, BytesSent, BytesReceived, Responses, ResponseTimeSum, RemoteDnsQuestions, WorkedBefore = FailedLinks > Links and coalesce(BeforeLinks, 0) > 0 and coalesce(BeforeFailed, 0) == 0
| order by Machine asc, Direction asc, Process asc, RemoteIp asc, DestinationPort asc, Protocol asc`
  );
}

export function processesKql(window: MapWindow, machines: readonly string[]): string {
  return (
    windowLets(window) +
    `VMProcess
| where TimeGenerated >= start - ${inventoryLookback} and TimeGenerated < end and Machine in ${kqlStringList(machines)}
| summarize arg_max(TimeGenerated, DisplayName, ExecutableName, Group, Role, CommandLine) by Machine, Process
| project Machine, Process, DisplayName, ExecutableName, Group, Role, CommandLine
| order by Machine asc, Process asc`
  );
}

export function computersKql(window: MapWindow, machines: readonly string[]): string {
  return (
    windowLets(window) +
    `VMComputer
| where TimeGenerated >= start - ${inventoryLookback} and TimeGenerated < end and Machine in ${kqlStringList(machines)}
| summarize arg_max(TimeGenerated, Computer, DisplayName, Ipv4Addresses) by Machine
| project Machine, Computer, DisplayName, Ipv4Addresses
| order by Machine asc`
  );
}

interface Connection {
  readonly machine: string;
  readonly direction: "inbound" | "outbound";
  readonly process: string;
  readonly remoteIp: string;
  readonly port: number;
  readonly protocol: string;
  readonly remoteMachine: string;
  readonly remoteProcess: string;
  readonly links: number;
  readonly failedLinks: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly responses: number;
  readonly responseTimeSum: number;
  readonly dnsName: string;
  readonly workedBefore: boolean;
}

function toConnection(row: Row): Connection {
  return {
    machine: str(row["Machine"]),
    direction: str(row["Direction"]) === "inbound" ? "inbound" : "outbound",
    process: str(row["Process"]),
    remoteIp: str(row["RemoteIp"]),
    port: num(row["DestinationPort"]),
    protocol: str(row["Protocol"]),
    remoteMachine: str(row["RemoteMachine"]),
    remoteProcess: str(row["RemoteProcess"]),
    links: num(row["Links"]),
    failedLinks: num(row["FailedLinks"]),
    bytesSent: num(row["BytesSent"]),
    bytesReceived: num(row["BytesReceived"]),
    responses: num(row["Responses"]),
    responseTimeSum: num(row["ResponseTimeSum"]),
    dnsName: stringArray(row["RemoteDnsQuestions"])[0] ?? "",
    workedBefore: row["WorkedBefore"] === true,
  };
}

/** The label of the node standing for connections whose owning process the agent could not find. */
export const unknownProcessLabel = "unknown process";

export const unattributedNote =
  "The agent saw this traffic but not the process that owned it: the process had ended (or was hidden from the agent) by the time it looked.";

function uninventoriedNote(process: string): string {
  return `The agent tied this traffic to process ${process}, but no inventory (VMProcess) of it was reported from an hour before the range to its end: most likely it ran too briefly to be listed.`;
}

export const nodeId = {
  machine: (machine: string): string => `machine:${machine}`,
  processGroup: (machine: string, group: string): string => `pgroup:${machine}:${group}`,
  process: (machine: string, process: string): string => `process:${machine}:${process}`,
  clients: (machine: string, process: string): string => `clients:${machine}:${process}`,
  serverPort: (port: number, protocol: string): string => `port:${protocol}:${port}`,
};

export async function dependencyMap(
  queries: MapQuerySet,
  window: MapWindow,
  focus: readonly string[],
  options: DependencyMapOptions = {},
): Promise<DependencyMapResponse> {
  const empty = { range: rangeOf(window), focus, nodes: [], edges: [] };
  if (focus.length === 0) return { ...empty, queries: queries.queries };
  const focusSet = new Set(focus);
  const all = (await queries.rows("connections", connectionsKql(window, focus))).map(toConnection);
  // A process whose only traffic is with its own machine is still one of the machine's processes: it is
  // drawn even while self-links are hidden.
  const hiddenSelfLinks = options.selfLinks ? [] : all.filter((c) => c.remoteMachine === c.machine);
  const connections = all.filter((c) => {
    const selfLink = c.remoteMachine === c.machine;
    if (selfLink && !options.selfLinks) return false;
    // Between two focus machines the connection is reported at both ends; the outbound record stands for it.
    if (c.direction === "inbound" && focusSet.has(c.remoteMachine)) return false;
    if (options.onlyGroupConnected && !focusSet.has(c.remoteMachine)) return false;
    return true;
  });

  const machines = [
    ...new Set([...focus, ...connections.map((c) => c.remoteMachine).filter((m) => m !== "")]),
  ].sort();
  const [processRows, computerRows] = await Promise.all([
    queries.rows("processes", processesKql(window, machines)),
    queries.rows("machines", computersKql(window, machines)),
  ]);
  const processInfo = new Map(processRows.map((r) => [`${str(r["Machine"])}|${str(r["Process"])}`, r]));

  const nodes = new Map<string, MapNode>();
  const edges = new Map<string, MapEdgeBuilder>();
  for (const row of computerRows) {
    const machine = str(row["Machine"]);
    nodes.set(nodeId.machine(machine), {
      id: nodeId.machine(machine),
      kind: "machine",
      label: str(row["DisplayName"]) || str(row["Computer"]) || machine,
      machine,
      focus: focusSet.has(machine),
    });
  }
  for (const machine of machines) {
    if (!nodes.has(nodeId.machine(machine))) {
      nodes.set(nodeId.machine(machine), {
        id: nodeId.machine(machine),
        kind: "machine",
        label: machine,
        machine,
        focus: focusSet.has(machine),
      });
    }
  }

  // Processes of one program (VMProcess.Group) on a machine share a process group when there are several.
  const used = new Set<string>();
  const addProcess = (machine: string, process: string): string => {
    const id = nodeId.process(machine, process);
    used.add(`${machine}|${process}`);
    if (!nodes.has(id)) {
      const info = processInfo.get(`${machine}|${process}`);
      const role = processRole(str(info?.["Role"]));
      nodes.set(id, {
        id,
        kind: "process",
        label:
          str(info?.["DisplayName"]) ||
          str(info?.["ExecutableName"]) ||
          (process === "" ? unknownProcessLabel : `process ${process.slice(0, 12)}…`),
        parent: nodeId.machine(machine),
        machine,
        process,
        ...(role === undefined ? {} : { roles: [role] }),
        ...(process === ""
          ? { unattributed: true, note: unattributedNote }
          : info === undefined
            ? { note: uninventoriedNote(process) }
            : {}),
      });
    }
    return id;
  };

  for (const c of hiddenSelfLinks) {
    addProcess(c.machine, c.process);
    if (c.remoteProcess !== "") addProcess(c.machine, c.remoteProcess);
  }

  for (const c of connections) {
    const local = addProcess(c.machine, c.process);
    let remote: string;
    if (c.remoteMachine !== "") {
      remote =
        c.remoteProcess === ""
          ? nodeId.machine(c.remoteMachine)
          : addProcess(c.remoteMachine, c.remoteProcess);
    } else if (c.direction === "inbound") {
      remote = nodeId.clients(c.machine, c.process);
      const group = nodes.get(remote);
      const members = [...(group?.members ?? [])];
      if (!members.some((m) => m.ip === c.remoteIp)) members.push({ ip: c.remoteIp });
      nodes.set(remote, {
        id: remote,
        kind: "clientGroup",
        label: `Clients of ${nodes.get(local)?.label ?? c.process}`,
        machine: c.machine,
        process: c.process,
        members,
        count: members.length,
      });
    } else {
      remote = nodeId.serverPort(c.port, c.protocol);
      const group = nodes.get(remote);
      const members = [...(group?.members ?? [])];
      if (!members.some((m) => m.ip === c.remoteIp))
        members.push(c.dnsName === "" ? { ip: c.remoteIp } : { ip: c.remoteIp, name: c.dnsName });
      nodes.set(remote, {
        id: remote,
        kind: "serverPortGroup",
        label: `Port ${c.port}${c.protocol === "tcp" ? "" : `/${c.protocol}`}`,
        port: c.port,
        protocol: c.protocol,
        members,
        count: members.length,
        failedLinks: (group?.failedLinks ?? 0) + c.failedLinks,
      });
    }
    const [source, target] = c.direction === "outbound" ? [local, remote] : [remote, local];
    const key = `${source}->${target}`;
    const edge = edges.get(key) ?? new MapEdgeBuilder(key, source, target, c.remoteMachine === c.machine);
    edge.add(c);
    edges.set(key, edge);
  }

  relabelSameNames(nodes, processInfo, [...hiddenSelfLinks, ...connections]);

  // Process groups, where a program runs as more than one process on a machine.
  const byGroup = new Map<string, string[]>();
  for (const key of used) {
    const [machine = "", process = ""] = key.split("|");
    const group = str(processInfo.get(key)?.["Group"]);
    if (group === "") continue;
    const groupKey = `${machine}|${group}`;
    byGroup.set(groupKey, [...(byGroup.get(groupKey) ?? []), process]);
  }
  for (const [groupKey, processes] of byGroup) {
    if (processes.length < 2) continue;
    const [machine = "", group = ""] = groupKey.split("|");
    const id = nodeId.processGroup(machine, group);
    const roles = processRoles(processes.map((p) => str(processInfo.get(`${machine}|${p}`)?.["Role"])));
    nodes.set(id, {
      id,
      kind: "processGroup",
      label: group,
      parent: nodeId.machine(machine),
      machine,
      roles,
    });
    for (const process of processes) {
      const node = nodes.get(nodeId.process(machine, process));
      if (node !== undefined) nodes.set(node.id, { ...node, parent: id });
    }
  }

  return {
    ...empty,
    nodes: [...nodes.values()],
    edges: [...edges.values()].map((e) => e.build()),
    queries: queries.queries,
  };
}

/** Sums the logical connections drawn as one edge. */
class MapEdgeBuilder {
  private links = 0;
  private failedLinks = 0;
  private bytesSent = 0;
  private bytesReceived = 0;
  private responses = 0;
  private responseTimeSum = 0;
  private readonly ports = new Set<number>();
  private workedBefore = false;

  constructor(
    private readonly id: string,
    private readonly source: string,
    private readonly target: string,
    private readonly selfLink: boolean,
  ) {}

  add(c: Connection): void {
    this.links += c.links;
    this.failedLinks += c.failedLinks;
    this.bytesSent += c.bytesSent;
    this.bytesReceived += c.bytesReceived;
    this.responses += c.responses;
    this.responseTimeSum += c.responseTimeSum;
    this.ports.add(c.port);
    this.workedBefore ||= c.workedBefore;
  }

  build(): MapEdge {
    return {
      id: this.id,
      source: this.source,
      target: this.target,
      links: this.links,
      failedLinks: this.failedLinks,
      bytesSent: this.bytesSent,
      bytesReceived: this.bytesReceived,
      responseTimeMs: this.responses === 0 ? null : this.responseTimeSum / this.responses,
      ports: [...this.ports].sort((a, b) => a - b),
      workedBefore: this.workedBefore,
      ...(this.selfLink ? { selfLink: true } : {}),
    };
  }
}

/** Gives processes of one machine that share a name labels that tell them apart (and their client groups). */
function relabelSameNames(
  nodes: Map<string, MapNode>,
  processInfo: ReadonlyMap<string, Row>,
  connections: readonly Connection[],
): void {
  const ports = new Map<string, Set<number>>();
  const served = (machine: string, process: string, port: number): void => {
    const key = `${machine}|${process}`;
    ports.set(key, (ports.get(key) ?? new Set()).add(port));
  };
  for (const c of connections) {
    if (c.direction === "inbound") served(c.machine, c.process, c.port);
    else if (c.remoteMachine !== "" && c.remoteProcess !== "")
      served(c.remoteMachine, c.remoteProcess, c.port);
  }
  const processes = [...nodes.values()].filter((n) => n.kind === "process" && !n.unattributed);
  const labels = distinguishingLabels(
    processes.map((n) => {
      const key = `${n.machine ?? ""}|${n.process ?? ""}`;
      const info = processInfo.get(key);
      return {
        id: n.id,
        machine: n.machine ?? "",
        process: n.process ?? "",
        label: n.label,
        commandLine: str(info?.["CommandLine"]),
        group: str(info?.["Group"]),
        ports: [...(ports.get(key) ?? [])],
      };
    }),
  );
  for (const [id, label] of labels) {
    const node = nodes.get(id);
    if (node !== undefined) nodes.set(id, { ...node, label });
  }
  for (const node of nodes.values()) {
    if (node.kind !== "clientGroup") continue;
    const label = labels.get(nodeId.process(node.machine ?? "", node.process ?? ""));
    if (label !== undefined) nodes.set(node.id, { ...node, label: `Clients of ${label}` });
  }
}
