// VMComputer and VMProcess: an inventory record once an hour per machine and per running process, and one
// more whenever something changes: a boot, an agent upgrade, a process (re)start or a new version. The
// estate is taken to join the workspace at the start of the window, so every machine and process also
// reports then, as agents do when a machine is added; a short window still lists everything.

import type { StoredRecord } from "../../store/table-appender.js";
import type { Estate, ProcessRun, ProcessVersion, SimMachine, SimProcess } from "../estate-model.js";
import { timeZoneLabel } from "../catalogue/sites.js";
import { isUp } from "../machine-factory.js";
import { isRunning } from "../process-factory.js";
import { minuteStartMs } from "../time-profile.js";
import type { MinuteRows } from "./minute-rows.js";
import { estimateBilledSize, meteredTables, type UsageMeter } from "./usage-meter.js";

/** The minutes in [from, to) at which a machine writes its inventory: on joining, then hourly. */
function inventoryMinutes(estate: Estate, machine: SimMachine, from: number, to: number): number[] {
  const firstClockMinute = Math.floor(estate.window.startMs / 60_000);
  const offset = (((machine.inventoryMinute - firstClockMinute - from) % 60) + 60) % 60;
  const minutes: number[] = from === 0 && offset !== 0 ? [0] : [];
  for (let m = from + offset; m < to; m += 60) minutes.push(m);
  return minutes;
}

const within = (minute: number, from: number, to: number): boolean => minute >= from && minute < to;

function latest<T extends { readonly minute: number }>(items: readonly T[], minute: number): T {
  let found = items[0];
  for (const item of items) if (item.minute <= minute) found = item;
  if (found === undefined) throw new Error("an inventory history cannot be empty");
  return found;
}

interface InventoryEvent<T> {
  readonly minute: number;
  readonly subject: T;
}

/** Events in time order; ties keep estate order, so the output is the same on every run. */
function inTimeOrder<T>(events: InventoryEvent<T>[]): InventoryEvent<T>[] {
  return events
    .map((event, order) => ({ event, order }))
    .sort((a, b) => a.event.minute - b.event.minute || a.order - b.order)
    .map(({ event }) => event);
}

function azureColumns(machine: SimMachine): Record<string, string> {
  const azure = machine.azure;
  const image = machine.os.azureImage;
  const onAzure = azure !== undefined;
  return {
    AzureFaultDomain: azure?.faultDomain ?? "",
    AzureImageOffering: onAzure ? (image?.offer ?? "") : "",
    AzureImagePublisher: onAzure ? (image?.publisher ?? "") : "",
    AzureImageSku: onAzure ? (image?.sku ?? "") : "",
    AzureImageVersion: onAzure ? (image?.version ?? "") : "",
    AzureLocation: azure?.location ?? "",
    AzureResourceGroup: azure?.resourceGroup ?? "",
    AzureSize: azure?.size ?? "",
    AzureSubscriptionId: azure?.subscriptionId ?? "",
    AzureUpdateDomain: azure?.updateDomain ?? "",
    AzureVmId: azure?.vmId ?? "",
  };
}

function computerRecord(estate: Estate, machine: SimMachine, minute: number): StoredRecord {
  const gateway = machine.ipv4.replace(/\.\d+$/, ".1");
  const columns = {
    TenantId: estate.tenantId,
    AgentId: machine.agentId,
    ...azureColumns(machine),
    // The documentation's queries treat AzureResourceName as the machine's resource name (m-GUID), joining
    // it with Machine; Service Map filled it so for every machine, so it is filled here too.
    AzureResourceName: machine.machine,
    BootTime: new Date(latest(machine.boots, minute).bootMs),
    Computer: machine.computer,
    Cpus: machine.cpus,
    CpuSpeed: machine.cpuSpeedMHz,
    DependencyAgentVersion: latest(machine.agentVersions, minute).version,
    DisplayName: machine.hostName,
    DnsNames: machine.dnsNames,
    FullDisplayName: machine.computer,
    HostingProvider: machine.azure === undefined ? "" : "azure",
    HostName: machine.hostName,
    HypervisorType: machine.virtualization.hypervisorType,
    Ipv4Addresses: [machine.ipv4],
    Ipv4DefaultGateways: [gateway],
    Ipv4SubnetMasks: ["255.255.255.0"],
    Ipv6Addresses: machine.ipv6 === undefined ? [] : [machine.ipv6],
    _IsBillable: "true",
    MacAddresses: [machine.macAddress],
    Machine: machine.machine,
    OperatingSystemFamily: machine.os.family,
    OperatingSystemFullName: machine.os.fullName,
    PhysicalMemoryMB: machine.memoryMB,
    _ResourceId: machine.resourceId,
    SourceSystem: "Insights",
    _SubscriptionId: machine.subscriptionId,
    TimeGenerated: new Date(minuteStartMs(estate.window, minute)),
    TimeZone: timeZoneLabel(machine.site),
    Type: "VMComputer",
    VirtualizationState: machine.virtualization.state,
    VirtualMachineNativeId: machine.virtualization.state === "virtual" ? machine.vmUuid.toLowerCase() : "",
    VirtualMachineNativeName: machine.virtualization.state === "virtual" ? machine.hostName : "",
    VirtualMachineType: machine.virtualization.machineType,
  };
  return { ...columns, _BilledSize: estimateBilledSize(columns, 0) };
}

export function computerRows(estate: Estate, usage: UsageMeter): MinuteRows {
  return function* (from, to) {
    const events: InventoryEvent<SimMachine>[] = [];
    for (const machine of estate.machines) {
      const minutes = new Set(inventoryMinutes(estate, machine, from, to));
      for (const boot of machine.boots) if (within(boot.minute, from, to)) minutes.add(boot.minute);
      for (const upgrade of machine.agentVersions)
        if (within(upgrade.minute, from, to)) minutes.add(upgrade.minute);
      for (const minute of [...minutes].sort((a, b) => a - b)) {
        if (isUp(machine, minute)) events.push({ minute, subject: machine });
      }
    }
    const slot = meteredTables.indexOf("VMComputer");
    for (const { minute, subject } of inTimeOrder(events)) {
      const record = computerRecord(estate, subject, minute);
      usage.add(subject.index, slot, minute, record["_BilledSize"] as number);
      yield record;
    }
  };
}

function processRecord(
  estate: Estate,
  process: SimProcess,
  run: ProcessRun,
  version: ProcessVersion,
  minute: number,
): StoredRecord {
  const machine = process.machine;
  const columns = {
    TenantId: estate.tenantId,
    AgentId: machine.agentId,
    CommandLine: process.commandLine,
    CompanyName: process.companyName,
    Computer: machine.computer,
    Description: process.description,
    DisplayName: process.displayName,
    ExecutableName: process.executableName,
    ExecutablePath: process.executablePath,
    FileVersion: version.fileVersion,
    FirstPid: run.pid,
    Group: process.group,
    InternalName: process.internalName,
    _IsBillable: "true",
    Machine: machine.machine,
    Process: process.process,
    ProductName: process.productName,
    ProductVersion: version.productVersion,
    _ResourceId: process.resourceId,
    Role: process.role,
    Services: process.services,
    SourceSystem: "Insights",
    StartTime: new Date(run.startMs),
    _SubscriptionId: machine.subscriptionId,
    TimeGenerated: new Date(minuteStartMs(estate.window, minute)),
    Type: "VMProcess",
    UserDomain: process.userDomain,
    UserName: process.userName,
    WorkingDirectory: process.workingDirectory,
  };
  return { ...columns, _BilledSize: estimateBilledSize(columns, 0) };
}

export function processRows(estate: Estate, usage: UsageMeter): MinuteRows {
  return function* (from, to) {
    const events: InventoryEvent<SimProcess>[] = [];
    for (const machine of estate.machines) {
      const hourly = inventoryMinutes(estate, machine, from, to);
      for (const process of machine.processes) {
        const minutes = new Set<number>();
        for (const run of process.runs) if (within(run.minute, from, to)) minutes.add(run.minute);
        for (const minute of hourly)
          if (isRunning(process, minute) && process.runs.some((r) => r.minute <= minute)) minutes.add(minute);
        for (const minute of [...minutes].sort((a, b) => a - b)) {
          if (isUp(machine, minute)) events.push({ minute, subject: process });
        }
      }
    }
    const slot = meteredTables.indexOf("VMProcess");
    for (const { minute, subject } of inTimeOrder(events)) {
      const record = processRecord(
        estate,
        subject,
        latest(subject.runs, minute),
        latest(subject.versions, minute),
        minute,
      );
      usage.add(subject.machine.index, slot, minute, record["_BilledSize"] as number);
      yield record;
    }
  };
}
