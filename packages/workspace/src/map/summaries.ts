// The properties and summary panes: one machine (inventory, agent health from Heartbeat, performance from
// InsightsMetrics) or one process (inventory, bound ports, connections), for the range.

import type { MachineSummaryResponse, MetricSeries, ProcessSummaryResponse } from "@svcmap/model";
import type { ResultValue } from "../kql/result.js";
import { kqlString } from "./kql-literal.js";
import type { MachineGroupStore } from "./machine-groups.js";
import {
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

const machineColumns = [
  "Computer",
  "DisplayName",
  "FullDisplayName",
  "OperatingSystemFamily",
  "OperatingSystemFullName",
  "Ipv4Addresses",
  "Ipv6Addresses",
  "DnsNames",
  "MacAddresses",
  "Cpus",
  "CpuSpeed",
  "PhysicalMemoryMB",
  "BootTime",
  "TimeZone",
  "VirtualizationState",
  "VirtualMachineType",
  "HostingProvider",
  "DependencyAgentVersion",
  "AzureLocation",
  "AzureSize",
  "_ResourceId",
];

const processColumns = [
  "DisplayName",
  "ExecutableName",
  "ExecutablePath",
  "CommandLine",
  "WorkingDirectory",
  "Group",
  "Role",
  "Description",
  "CompanyName",
  "ProductName",
  "ProductVersion",
  "FileVersion",
  "StartTime",
  "FirstPid",
  "UserName",
  "UserDomain",
  "Services",
];

/** The VM insights performance counters shown as charts, as the Performance tab of VM insights shows them. */
export const summaryMetrics: readonly (readonly [string, string])[] = [
  ["Processor", "UtilizationPercentage"],
  ["Memory", "AvailableMB"],
  ["Network", "ReadBytesPerSecond"],
  ["Network", "WriteBytesPerSecond"],
  ["LogicalDisk", "FreeSpacePercentage"],
];

/** About 60 points per chart, in whole minutes. */
export function metricBinMinutes(window: MapWindow): number {
  return Math.max(1, Math.ceil((window.end.getTime() - window.start.getTime()) / 60_000 / 60));
}

export function machinePropertiesKql(window: MapWindow, machine: string): string {
  return (
    windowLets(window) +
    `VMComputer
| where TimeGenerated >= start - ${inventoryLookback} and TimeGenerated < end and Machine == ${kqlString(machine)}
| summarize arg_max(TimeGenerated, *) by Machine
| project Machine, ${machineColumns.join(", ")}, LastReported = TimeGenerated`
  );
}

function sameMachine(computer: string, resourceId: string): string {
  return resourceId === ""
    ? `Computer == ${kqlString(computer)}`
    : `(_ResourceId == ${kqlString(resourceId)} or Computer == ${kqlString(computer)})`;
}

export function heartbeatKql(window: MapWindow, computer: string, resourceId: string): string {
  return (
    windowLets(window) +
    `Heartbeat
| where TimeGenerated >= start and TimeGenerated < end and ${sameMachine(computer, resourceId)}
| summarize Heartbeats = count(), LastHeartbeat = max(TimeGenerated), arg_max(TimeGenerated, Version)`
  );
}

export function metricsKql(window: MapWindow, computer: string, resourceId: string): string {
  const names = summaryMetrics.map(
    ([ns, name]) => `(Namespace == ${kqlString(ns)} and Name == ${kqlString(name)})`,
  );
  return (
    windowLets(window) +
    `InsightsMetrics
| where TimeGenerated >= start and TimeGenerated < end and ${sameMachine(computer, resourceId)}
| where ${names.join(" or ")}
| summarize Val = avg(Val) by Namespace, Name, TimeGenerated = bin(TimeGenerated, ${metricBinMinutes(window)}m)
| order by Namespace asc, Name asc, TimeGenerated asc`
  );
}

function properties(row: Row | undefined, columns: readonly string[]): Record<string, ResultValue> {
  return Object.fromEntries(columns.map((c) => [c, row?.[c] ?? null]));
}

export async function machineSummary(
  queries: MapQuerySet,
  groups: MachineGroupStore,
  window: MapWindow,
  machine: string,
): Promise<MachineSummaryResponse | undefined> {
  const [row] = await queries.rows("properties", machinePropertiesKql(window, machine));
  if (row === undefined) return undefined;
  const computer = str(row["Computer"]);
  const resourceId = str(row["_ResourceId"]);
  const [[beat], metricRows, allGroups] = await Promise.all([
    queries.rows("heartbeat", heartbeatKql(window, computer, resourceId)),
    queries.rows("metrics", metricsKql(window, computer, resourceId)),
    groups.list(),
  ]);
  const lastHeartbeat = str(beat?.["LastHeartbeat"]);
  // The agent beats once a minute; three missed beats before the range's end make it stale.
  const fresh = lastHeartbeat !== "" && window.end.getTime() - Date.parse(lastHeartbeat) <= 3 * 60_000;
  const series = new Map<string, MetricSeries>();
  for (const m of metricRows) {
    const key = `${str(m["Namespace"])}/${str(m["Name"])}`;
    const entry = series.get(key) ?? { namespace: str(m["Namespace"]), name: str(m["Name"]), points: [] };
    series.set(key, {
      ...entry,
      points: [...entry.points, [str(m["TimeGenerated"]), num(m["Val"])] as const],
    });
  }
  return {
    range: rangeOf(window),
    machine,
    properties: properties(row, [...machineColumns, "LastReported"]),
    ipv4: stringArray(row["Ipv4Addresses"]),
    health: {
      state: lastHeartbeat === "" ? "no heartbeat" : fresh ? "healthy" : "stale",
      lastHeartbeat: lastHeartbeat === "" ? null : lastHeartbeat,
      heartbeats: num(beat?.["Heartbeats"]),
      agentVersion: str(beat?.["Version"]),
    },
    metrics: summaryMetrics.flatMap(([ns, name]) => {
      const s = series.get(`${ns}/${name}`);
      return s === undefined ? [] : [s];
    }),
    groups: allGroups.filter((g) => g.machines.includes(machine)).map(({ id, name }) => ({ id, name })),
    queries: queries.queries,
  };
}

function processFilter(machine: string, process: string): string {
  return `Machine == ${kqlString(machine)} and Process == ${kqlString(process)}`;
}

export function processPropertiesKql(window: MapWindow, machine: string, process: string): string {
  return (
    windowLets(window) +
    `VMProcess
| where TimeGenerated >= start - ${inventoryLookback} and TimeGenerated < end and ${processFilter(machine, process)}
| summarize arg_max(TimeGenerated, *) by Process
| project Process, ${processColumns.join(", ")}`
  );
}

export function boundPortsKql(window: MapWindow, machine: string, process: string): string {
  return (
    windowLets(window) +
    `VMBoundPort
| where TimeGenerated >= start and TimeGenerated < end and ${processFilter(machine, process)}
| summarize by Ip, Port, Protocol, IsWildcardBind
| order by Port asc, Protocol asc, Ip asc`
  );
}

export function processConnectionsKql(window: MapWindow, machine: string, process: string): string {
  return (
    windowLets(window) +
    `VMConnection
| where TimeGenerated >= start and TimeGenerated < end and ${processFilter(machine, process)}
| summarize Links = sum(LinksEstablished), FailedLinks = sum(LinksFailed) by Direction, RemoteIp, DestinationPort, Protocol
| order by Direction asc, FailedLinks desc, Links desc, RemoteIp asc, DestinationPort asc`
  );
}

export async function processSummary(
  queries: MapQuerySet,
  window: MapWindow,
  machine: string,
  process: string,
): Promise<ProcessSummaryResponse | undefined> {
  const [[row], ports, connections] = await Promise.all([
    queries.rows("properties", processPropertiesKql(window, machine, process)),
    queries.rows("boundPorts", boundPortsKql(window, machine, process)),
    queries.rows("connections", processConnectionsKql(window, machine, process)),
  ]);
  if (row === undefined) return undefined;
  const summary = connections.map((c) => ({
    direction: str(c["Direction"]) === "inbound" ? ("inbound" as const) : ("outbound" as const),
    remoteIp: str(c["RemoteIp"]),
    port: num(c["DestinationPort"]),
    protocol: str(c["Protocol"]),
    links: num(c["Links"]),
    failedLinks: num(c["FailedLinks"]),
  }));
  return {
    range: rangeOf(window),
    machine,
    process,
    properties: properties(row, processColumns),
    boundPorts: ports.map((p) => ({
      ip: str(p["Ip"]),
      port: num(p["Port"]),
      protocol: str(p["Protocol"]),
      wildcard: p["IsWildcardBind"] === true,
    })),
    connections: summary,
    totals: {
      inbound: summary.filter((c) => c.direction === "inbound").length,
      outbound: summary.filter((c) => c.direction === "outbound").length,
      failed: summary.filter((c) => c.failedLinks > 0).length,
    },
    queries: queries.queries,
  };
}
