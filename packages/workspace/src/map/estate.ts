// The estate view: too many machines to draw one by one, so machines are aggregated by site (the DNS domain
// of the computer name), subnet (/24 of the first IPv4 address) or machine group, with the traffic between
// the aggregates. Opening one aggregate (`within`) draws its machines individually and leaves the rest
// aggregated; an opened aggregate too big to draw machine by machine shows its subnets first, and opening
// one of those (`subnet`) draws its machines. That is how a user drills down from the estate to one server.

import type { EstateAggregation, EstateResponse, MapEdge, MapNode } from "@svcmap/model";
import { kqlString } from "./kql-literal.js";
import type { MachineGroup } from "./machine-groups.js";
import {
  addressesLet,
  connectionTotalsLet,
  inventoryLookback,
  MapQuerySet,
  num,
  rangeOf,
  str,
  windowLets,
  type MapWindow,
  type Row,
} from "./map-query.js";

export const estateAggregations: readonly EstateAggregation[] = ["site", "subnet", "group"];
export const unmonitoredPrivate = "(unmonitored, private)";
export const internet = "(internet)";
export const noGroup = "(no group)";
/** An opened aggregate with more machines than this shows its subnets rather than its machines. */
export const maxMachinesDrawn = 60;

const subnetExpr = `strcat(extract(@"^(\\d+\\.\\d+\\.\\d+)\\.", 1, tostring(todynamic(Ipv4Addresses)[0])), ".0/24")`;

/** How the traffic query names each machine's node. */
export interface EstateOpening {
  readonly within: string;
  /** Draw the opened aggregate's subnets rather than its machines. */
  readonly bySubnet: boolean;
  /** The opened subnet, when `bySubnet`. */
  readonly subnet: string;
}

export function subnetNodeName(within: string, subnet: string): string {
  return `${within} › ${subnet}`;
}

function aggregateKql(
  by: EstateAggregation,
  groups: readonly MachineGroup[],
): { lets: string; expr: string } {
  if (by === "site") {
    return {
      lets: "",
      expr: `iff(indexof(Computer, ".") > 0, substring(Computer, indexof(Computer, ".") + 1), "(no domain)")`,
    };
  }
  if (by === "subnet") return { lets: "", expr: subnetExpr };
  // A machine in several groups is drawn in the first by name, so each machine is drawn once.
  const first = new Map<string, string>();
  for (const g of [...groups].sort((a, b) => a.name.localeCompare(b.name))) {
    for (const m of g.machines) if (!first.has(m)) first.set(m, g.name);
  }
  const rows = [...first].map(([m, g]) => `${kqlString(m)}, ${kqlString(g)}`);
  return {
    lets: `let membership = datatable(GroupMachine: string, GroupName: string) [${rows.join(", ")}];\n`,
    expr: `iff(isempty(GroupName), ${kqlString(noGroup)}, GroupName)`,
  };
}

export function estateMachinesKql(
  window: MapWindow,
  by: EstateAggregation,
  groups: readonly MachineGroup[],
): string {
  const { lets, expr } = aggregateKql(by, groups);
  const join =
    by === "group" ? "| join kind=leftouter membership on $left.Machine == $right.GroupMachine\n" : "";
  return (
    windowLets(window) +
    lets +
    `VMComputer
| where TimeGenerated >= start - ${inventoryLookback} and TimeGenerated < end
| summarize arg_max(TimeGenerated, Computer, DisplayName, Ipv4Addresses) by Machine
${join}| extend Aggregate = ${expr}, Subnet = ${subnetExpr}
| project Machine, Computer, DisplayName, Ipv4Addresses, Aggregate, Subnet
| order by Aggregate asc, Computer asc`
  );
}

export function estateTrafficKql(
  window: MapWindow,
  by: EstateAggregation,
  groups: readonly MachineGroup[],
  opening: EstateOpening,
): string {
  const { lets, expr } = aggregateKql(by, groups);
  const join =
    by === "group" ? "| join kind=leftouter membership on $left.Machine == $right.GroupMachine\n" : "";
  const opened = kqlString(opening.within);
  const inside = opening.bySubnet
    ? `iff(Subnet == ${kqlString(opening.subnet)}, Machine, strcat(${kqlString(subnetNodeName(opening.within, ""))}, Subnet))`
    : "Machine";
  return (
    windowLets(window) +
    lets +
    `let machines = VMComputer
| where TimeGenerated >= start - ${inventoryLookback} and TimeGenerated < end
| summarize arg_max(TimeGenerated, Computer, Ipv4Addresses) by Machine
${join}| extend Aggregate = ${expr}, Subnet = ${subnetExpr}
| project Machine, Node = iff(Aggregate == ${opened}, ${inside}, Aggregate);
${addressesLet}
${connectionTotalsLet(window)}connectionTotals
| summarize Links = sum(Links), FailedLinks = sum(FailedLinks), BytesSent = sum(BytesSent), BytesReceived = sum(BytesReceived), Responses = sum(Responses), ResponseTimeSum = sum(ResponseTimeSum) by Machine, Direction, RemoteIp, DestinationPort
| where not(RemoteIp startswith "127." or RemoteIp == "::1")
| join kind=leftouter addresses on $left.RemoteIp == $right.Ip
// A connection between monitored machines is reported at both ends: its outbound record stands for it.
| where Direction == "outbound" or isempty(RemoteMachine)
| join kind=inner machines on Machine
| join kind=leftouter (machines | project RemoteMachine = Machine, RemoteNode = Node) on RemoteMachine
| extend Remote = iff(isnotempty(RemoteMachine), RemoteNode, iff(ipv4_is_private(RemoteIp), ${kqlString(unmonitoredPrivate)}, ${kqlString(internet)}))
| extend Source = iff(Direction == "outbound", Node, Remote), Target = iff(Direction == "outbound", Remote, Node)
| where Source != Target
| summarize Links = sum(Links), FailedLinks = sum(FailedLinks), BytesSent = sum(BytesSent), BytesReceived = sum(BytesReceived), Responses = sum(Responses), ResponseTimeSum = sum(ResponseTimeSum), Ports = make_set(DestinationPort, 20) by Source, Target
| order by Source asc, Target asc`
  );
}

export async function estateMap(
  queries: MapQuerySet,
  window: MapWindow,
  by: EstateAggregation,
  groups: readonly MachineGroup[],
  within = "",
  subnet = "",
  maxDrawn = maxMachinesDrawn,
): Promise<EstateResponse> {
  let machines: Row[];
  let traffic: Row[];
  let opening: EstateOpening = { within, bySubnet: false, subnet: "" };
  if (within === "") {
    [machines, traffic] = await Promise.all([
      queries.rows("machines", estateMachinesKql(window, by, groups)),
      queries.rows("traffic", estateTrafficKql(window, by, groups, opening)),
    ]);
  } else {
    // How to draw the opened aggregate depends on its size, so its machines are counted first.
    machines = await queries.rows("machines", estateMachinesKql(window, by, groups));
    const inside = machines.filter((m) => str(m["Aggregate"]) === within);
    const bySubnet = by !== "subnet" && inside.length > maxDrawn;
    opening = { within, bySubnet, subnet: bySubnet ? subnet : "" };
    traffic = await queries.rows("traffic", estateTrafficKql(window, by, groups, opening));
  }

  const nodes = new Map<string, MapNode>();
  const count = (id: string, node: Omit<MapNode, "count">): void => {
    nodes.set(id, { ...node, count: (nodes.get(id)?.count ?? 0) + 1 });
  };
  for (const m of machines) {
    const aggregate = str(m["Aggregate"]);
    const machine = str(m["Machine"]);
    if (within === "" || aggregate !== within) {
      count(`aggregate:${aggregate}`, { id: `aggregate:${aggregate}`, kind: "aggregate", label: aggregate });
      continue;
    }
    const openedId = `aggregate:${aggregate}`;
    count(openedId, { id: openedId, kind: "aggregate", label: aggregate, focus: true });
    let parent = openedId;
    if (opening.bySubnet) {
      const machineSubnet = str(m["Subnet"]);
      const name = subnetNodeName(within, machineSubnet);
      const subnetId = `aggregate:${name}`;
      const open = machineSubnet === opening.subnet;
      count(subnetId, {
        id: subnetId,
        kind: "aggregate",
        label: machineSubnet,
        parent: openedId,
        ...(open ? { focus: true } : {}),
      });
      if (!open) continue;
      parent = subnetId;
    }
    nodes.set(`machine:${machine}`, {
      id: `machine:${machine}`,
      kind: "machine",
      label: str(m["DisplayName"]) || str(m["Computer"]) || machine,
      machine,
      parent,
    });
  }
  const idOf = (node: string): string => {
    if (node === unmonitoredPrivate || node === internet) {
      const id = `external:${node}`;
      if (!nodes.has(id))
        nodes.set(id, { id, kind: node === internet ? "serverPortGroup" : "clientGroup", label: node });
      return id;
    }
    return node.startsWith("m-") && nodes.has(`machine:${node}`) ? `machine:${node}` : `aggregate:${node}`;
  };
  const edges: MapEdge[] = traffic.map((t) => {
    const source = idOf(str(t["Source"]));
    const target = idOf(str(t["Target"]));
    const responses = num(t["Responses"]);
    let ports: number[] = [];
    try {
      const parsed: unknown = JSON.parse(str(t["Ports"]) || "[]");
      if (Array.isArray(parsed))
        ports = parsed
          .map(Number)
          .filter(Number.isFinite)
          .sort((a, b) => a - b);
    } catch {
      ports = [];
    }
    return {
      id: `${source}->${target}`,
      source,
      target,
      links: num(t["Links"]),
      failedLinks: num(t["FailedLinks"]),
      bytesSent: num(t["BytesSent"]),
      bytesReceived: num(t["BytesReceived"]),
      responseTimeMs: responses === 0 ? null : num(t["ResponseTimeSum"]) / responses,
      ports,
      workedBefore: false,
    };
  });
  for (const e of edges) {
    if (e.failedLinks === 0) continue;
    const node = nodes.get(e.source);
    if (node !== undefined)
      nodes.set(node.id, { ...node, failedLinks: (node.failedLinks ?? 0) + e.failedLinks });
  }
  return {
    range: rangeOf(window),
    by,
    ...(within === "" ? {} : { within }),
    ...(opening.subnet === "" ? {} : { subnet: opening.subnet }),
    nodes: [...nodes.values()],
    edges,
    queries: queries.queries,
  };
}
