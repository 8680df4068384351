// The map API's routes as the page calls them; the range travels as the Query API's timespan.

import type {
  DependencyMapResponse,
  EstateAggregation,
  EstateResponse,
  MachineGroupInfo,
  MachineListResponse,
  MachineSummaryResponse,
  ProcessSummaryResponse,
} from "@svcmap/model";
import { getJson, sendJson } from "../api/client.js";

function path(route: string, params: Record<string, string | boolean | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === false || value === "") continue;
    search.set(key, value === true ? "true" : value);
  }
  const text = search.toString();
  return `api/map/${route}${text === "" ? "" : `?${text}`}`;
}

const seg = encodeURIComponent;

export const mapApi = {
  machines: (timespan: string, search: string, signal?: AbortSignal) =>
    getJson<MachineListResponse>(path("machines", { timespan, search }), signal),
  machineMap: (machine: string, timespan: string, selfLinks: boolean, signal?: AbortSignal) =>
    getJson<DependencyMapResponse>(path(`machines/${seg(machine)}/map`, { timespan, selfLinks }), signal),
  groupMap: (
    group: string,
    timespan: string,
    selfLinks: boolean,
    onlyGroupConnected: boolean,
    signal?: AbortSignal,
  ) =>
    getJson<DependencyMapResponse>(
      path(`groups/${seg(group)}/map`, { timespan, selfLinks, onlyGroupConnected }),
      signal,
    ),
  estate: (timespan: string, by: EstateAggregation, within: string, subnet: string, signal?: AbortSignal) =>
    getJson<EstateResponse>(path("estate", { timespan, by, within, subnet }), signal),
  machineSummary: (machine: string, timespan: string, signal?: AbortSignal) =>
    getJson<MachineSummaryResponse>(path(`machines/${seg(machine)}/summary`, { timespan }), signal),
  processSummary: (machine: string, process: string, timespan: string, signal?: AbortSignal) =>
    getJson<ProcessSummaryResponse>(
      path(`machines/${seg(machine)}/processes/${seg(process)}/summary`, { timespan }),
      signal,
    ),
  groups: (signal?: AbortSignal) => getJson<{ groups: MachineGroupInfo[] }>(path("groups", {}), signal),
  createGroup: (name: string, machines: readonly string[]) =>
    sendJson<MachineGroupInfo>("POST", path("groups", {}), { name, machines }),
  renameGroup: (id: string, name: string) =>
    sendJson<MachineGroupInfo>("PATCH", path(`groups/${seg(id)}`, {}), { name }),
  deleteGroup: (id: string) => sendJson<void>("DELETE", path(`groups/${seg(id)}`, {})),
  addToGroup: (id: string, machines: readonly string[]) =>
    sendJson<MachineGroupInfo>("POST", path(`groups/${seg(id)}/machines`, {}), { machines }),
  removeFromGroup: (id: string, machine: string) =>
    sendJson<MachineGroupInfo>("DELETE", path(`groups/${seg(id)}/machines/${seg(machine)}`, {})),
};
