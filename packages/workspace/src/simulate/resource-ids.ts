// Azure resource IDs as Log Analytics writes them into _ResourceId (lower case). Cloud machines are virtual
// machines; on-premises machines reach a workspace through Azure Arc, so theirs are hybrid-compute machines.
// The VM insights documentation says _ResourceId identifies a process uniquely, so a process's ID extends
// its machine's.

export function virtualMachineResourceId(
  subscriptionId: string,
  resourceGroup: string,
  name: string,
): string {
  return `/subscriptions/${subscriptionId}/resourcegroups/${resourceGroup}/providers/microsoft.compute/virtualmachines/${name}`.toLowerCase();
}

export function arcMachineResourceId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourcegroups/${resourceGroup}/providers/microsoft.hybridcompute/machines/${name}`.toLowerCase();
}

export function processResourceId(machineResourceId: string, process: string): string {
  return `${machineResourceId}/processes/${process}`;
}
