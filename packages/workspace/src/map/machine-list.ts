// The machine list: every machine that reported inventory in the range, with what the list shows beside
// its name. One KQL query; groups come from the workspace's own group tables.

import type { MachineListItem, MachineListResponse } from "@svcmap/model";
import { kqlString } from "./kql-literal.js";
import type { MachineGroupStore } from "./machine-groups.js";
import {
  connectionTotalsLet,
  inventoryLookback,
  MapQuerySet,
  num,
  rangeOf,
  str,
  stringArray,
  windowLets,
  type MapWindow,
} from "./map-query.js";
import { processRoles } from "./roles.js";

export function machineListKql(window: MapWindow, search: string): string {
  const term = search.trim();
  const filter =
    term === ""
      ? ""
      : `| where Computer contains ${kqlString(term)} or DisplayName contains ${kqlString(term)}` +
        ` or Machine contains ${kqlString(term)} or tostring(Ipv4Addresses) contains ${kqlString(term)}\n`;
  return (
    windowLets(window) +
    `let processes = VMProcess
| where TimeGenerated >= start - ${inventoryLookback} and TimeGenerated < end
| summarize Role = max(Role) by Machine, Process
| summarize Roles = make_set_if(Role, Role != "") by Machine;
// Processes are counted as the map draws them: each process with a connection in the range, inventoried
// or not, and the "unknown process" standing for traffic whose process the agent could not find.
${connectionTotalsLet(window)}let connections = connectionTotals
| summarize Keys = count(), Failed = sum(FailedLinks) by Machine, Process
| summarize Processes = count(), Connections = sum(Keys), FailedLinks = sum(Failed) by Machine;
VMComputer
| where TimeGenerated >= start - ${inventoryLookback} and TimeGenerated < end
| summarize arg_max(TimeGenerated, Computer, DisplayName, OperatingSystemFamily, OperatingSystemFullName, Ipv4Addresses) by Machine
${filter}| join kind=leftouter processes on Machine
| join kind=leftouter connections on Machine
| project Machine, Computer, DisplayName, OperatingSystemFamily, OperatingSystemFullName, Ipv4Addresses, Processes = coalesce(Processes, 0), Roles, Connections = coalesce(Connections, 0), FailedLinks = coalesce(FailedLinks, 0)
| order by Computer asc, Machine asc`
  );
}

export async function listMachines(
  queries: MapQuerySet,
  groups: MachineGroupStore,
  window: MapWindow,
  search = "",
): Promise<MachineListResponse> {
  const [rows, allGroups] = await Promise.all([
    queries.rows("machines", machineListKql(window, search)),
    groups.list(),
  ]);
  const machines: MachineListItem[] = rows.map((row) => {
    const machine = str(row["Machine"]);
    return {
      machine,
      computer: str(row["Computer"]),
      displayName: str(row["DisplayName"]) || str(row["Computer"]),
      osFamily: str(row["OperatingSystemFamily"]),
      osName: str(row["OperatingSystemFullName"]),
      ipv4: stringArray(row["Ipv4Addresses"]),
      processes: num(row["Processes"]),
      connections: num(row["Connections"]),
      failedLinks: num(row["FailedLinks"]),
      roles: processRoles(stringArray(row["Roles"])),
      groups: allGroups.filter((g) => g.machines.includes(machine)).map(({ id, name }) => ({ id, name })),
    };
  });
  return { range: rangeOf(window), machines, queries: queries.queries };
}
