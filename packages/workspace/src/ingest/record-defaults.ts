// What the workspace fills in where a record does not carry it, table by table. Kept in one place so
// that the choices can be read, and changed, together.

import type { StoredTableName } from "@svcmap/model";

/** The agent kind VM insights records name: "Insights" for the map and metrics, "Linux" for Heartbeat. */
export const defaultSourceSystem: Readonly<Record<StoredTableName, string>> = {
  VMComputer: "Insights",
  VMProcess: "Insights",
  VMConnection: "Insights",
  VMBoundPort: "Insights",
  InsightsMetrics: "Insights",
  Heartbeat: "Linux",
  // Usage records are written by the workspace itself, not by an agent.
  Usage: "OMS",
};

/** The solution a table's Usage rows are reported under. */
export const usageSolution: Readonly<Record<StoredTableName, string>> = {
  VMComputer: "VMInsights",
  VMProcess: "VMInsights",
  VMConnection: "VMInsights",
  VMBoundPort: "VMInsights",
  InsightsMetrics: "VMInsights",
  Heartbeat: "LogManagement",
  Usage: "LogManagement",
};

/**
 * Azure bills ingestion for every table except a few free ones, Heartbeat and Usage among them
 * (Azure Monitor Logs pricing, "Excluded tables"); `_IsBillable` and Usage's `IsBillable` say so.
 */
export function isBillableTable(table: StoredTableName): boolean {
  return table !== "Heartbeat" && table !== "Usage";
}

/** The resource a record belongs to: the process for VMProcess, otherwise the machine. */
export function resourceIdFor(
  table: StoredTableName,
  identity: { machine?: string; process?: string; computer?: string },
): string {
  const machine = nonEmpty(identity.machine) ?? nonEmpty(identity.computer);
  if (machine === undefined) return "";
  const process = nonEmpty(identity.process);
  if (table === "VMProcess" && process !== undefined) return `/machines/${machine}/processes/${process}`;
  return `/machines/${machine}`;
}

export function workspaceResourceUri(workspaceId: string): string {
  return `/workspaces/${workspaceId}`;
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text === "" ? undefined : text;
}
