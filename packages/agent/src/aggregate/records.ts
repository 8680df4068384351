// Table records as the workspace stores them (column names of the Azure Monitor reference). Only columns
// the agent truly knows are set; the workspace fills TenantId, Type, _ResourceId and the other columns it
// owns, and every column left out stays empty.

import { connectionId, machineId, portId } from "@svcmap/model";
import type { DnsCache } from "../collectors/dns-answers.js";
import type { MachineInventory } from "../collectors/inventory.js";
import type { MetricSample } from "../collectors/metrics.js";
import type { BoundPortMinute } from "./bound-ports.js";
import type { LinkCounts, LogicalMinute } from "./connection-tracker.js";

export type AgentRecord = Readonly<Record<string, string | number | boolean | readonly string[]>>;

/** Who reports: the same on every record of one agent. */
export interface Reporter {
  readonly agentId: string;
  readonly computer: string;
  readonly agentVersion: string;
}

export function machineOf(reporter: Reporter): string {
  return machineId(reporter.agentId);
}

export function computerRecord(reporter: Reporter, inventory: MachineInventory, at: Date): AgentRecord {
  return {
    TimeGenerated: at.toISOString(),
    AgentId: reporter.agentId,
    Machine: machineOf(reporter),
    Computer: reporter.computer,
    HostName: inventory.hostName,
    DisplayName: inventory.hostName,
    FullDisplayName: inventory.fqdn,
    DnsNames: inventory.dnsNames,
    Ipv4Addresses: inventory.ipv4Addresses,
    Ipv4SubnetMasks: inventory.ipv4SubnetMasks,
    Ipv4DefaultGateways: inventory.ipv4DefaultGateways,
    Ipv6Addresses: inventory.ipv6Addresses,
    MacAddresses: inventory.macAddresses,
    OperatingSystemFamily: inventory.operatingSystemFamily,
    OperatingSystemFullName: inventory.operatingSystemFullName,
    Cpus: inventory.cpus,
    CpuSpeed: inventory.cpuSpeedMHz,
    PhysicalMemoryMB: inventory.physicalMemoryMB,
    BootTime: inventory.bootTime.toISOString(),
    TimeZone: inventory.timeZone,
    DependencyAgentVersion: reporter.agentVersion,
    VirtualizationState: inventory.virtualizationState,
    VirtualMachineType: inventory.virtualMachineType,
    HypervisorType: inventory.hypervisorType,
    HypervisorId: inventory.hypervisorId,
    VirtualMachineNativeId: inventory.virtualMachineNativeId,
    VirtualMachineNativeName: inventory.virtualizationState === "virtual" ? inventory.hostName : "",
  };
}

export interface ProcessDescription {
  readonly process: string;
  readonly executableName: string;
  readonly executablePath: string;
  readonly commandLine: string;
  readonly workingDirectory: string;
  readonly userName: string;
  readonly startTime: Date;
  readonly firstPid: number;
  readonly group: string;
  readonly productName: string;
  readonly productVersion: string;
  readonly role: string;
}

export function processRecord(reporter: Reporter, p: ProcessDescription, at: Date): AgentRecord {
  return {
    TimeGenerated: at.toISOString(),
    AgentId: reporter.agentId,
    Machine: machineOf(reporter),
    Process: p.process,
    Computer: reporter.computer,
    CommandLine: p.commandLine,
    DisplayName: p.executableName,
    ExecutableName: p.executableName,
    ExecutablePath: p.executablePath,
    FirstPid: p.firstPid,
    Group: p.group,
    InternalName: p.executableName,
    ProductName: p.productName,
    ProductVersion: p.productVersion,
    FileVersion: p.productVersion,
    Role: p.role,
    Services: p.group.endsWith(".service") ? [p.group] : [],
    StartTime: p.startTime.toISOString(),
    UserName: p.userName,
    WorkingDirectory: p.workingDirectory,
  };
}

export function connectionRecord(reporter: Reporter, c: LogicalMinute, at: Date, dns: DnsCache): AgentRecord {
  const { key, counts } = c;
  const machine = machineOf(reporter);
  const remoteIp = key.direction === "inbound" ? key.sourceIp : key.destinationIp;
  const names = dns.lookup(remoteIp);
  return {
    TimeGenerated: at.toISOString(),
    AgentId: reporter.agentId,
    Machine: machine,
    Computer: reporter.computer,
    Process: key.owner.process,
    ProcessName: key.owner.processName,
    Direction: key.direction,
    SourceIp: key.sourceIp,
    DestinationIp: key.destinationIp,
    DestinationPort: key.destinationPort,
    Protocol: key.protocol,
    RemoteIp: remoteIp,
    ConnectionId: connectionId({ ...key, machine, process: key.owner.process }),
    LinksEstablished: counts.established,
    LinksTerminated: counts.terminated,
    LinksLive: counts.live,
    LinksFailed: counts.failed,
    BytesSent: counts.bytesSent,
    BytesReceived: counts.bytesReceived,
    ...responseColumns(counts),
    RemoteDnsQuestions: names?.questions ?? [],
    RemoteDnsCanonicalNames: names?.canonicalNames ?? [],
  };
}

export function boundPortRecord(reporter: Reporter, p: BoundPortMinute, at: Date): AgentRecord {
  return {
    TimeGenerated: at.toISOString(),
    AgentId: reporter.agentId,
    Machine: machineOf(reporter),
    Computer: reporter.computer,
    Process: p.owner.process,
    ProcessName: p.owner.processName,
    Ip: p.ip,
    Port: p.port,
    Protocol: p.protocol,
    PortId: portId(p.owner.process, p.ip, p.port, p.protocol),
    IsWildcardBind: p.isWildcardBind,
    LinksEstablished: p.counts.established,
    LinksTerminated: p.counts.terminated,
    LinksLive: p.counts.live,
    BytesSent: p.counts.bytesSent,
    BytesReceived: p.counts.bytesReceived,
    ...responseColumns(p.counts),
  };
}

/** Responses always; the response times only when there was one, since the reference leaves them blank. */
function responseColumns(counts: LinkCounts): AgentRecord {
  if (counts.responses === 0) return { Responses: 0 };
  return {
    Responses: counts.responses,
    ResponseTimeMin: Math.round(counts.responseTimeMin),
    ResponseTimeMax: Math.round(counts.responseTimeMax),
    ResponseTimeSum: Math.round(counts.responseTimeSum),
  };
}

export function metricRecord(reporter: Reporter, m: MetricSample, at: Date): AgentRecord {
  return {
    TimeGenerated: at.toISOString(),
    AgentId: reporter.agentId,
    Computer: reporter.computer,
    Origin: "vm.azm.ms",
    Namespace: m.namespace,
    Name: m.name,
    Val: m.value,
    Tags: Object.keys(m.tags).length === 0 ? "" : JSON.stringify(m.tags),
  };
}

export function heartbeatRecord(
  reporter: Reporter,
  inventory: MachineInventory,
  capabilities: readonly string[],
  at: Date,
): AgentRecord {
  return {
    TimeGenerated: at.toISOString(),
    Computer: reporter.computer,
    Category: "Direct Agent",
    ComputerEnvironment: "Non-Azure",
    ComputerIP: inventory.ipv4Addresses[0] ?? inventory.ipv6Addresses[0] ?? "",
    ComputerPrivateIPs: [...inventory.ipv4Addresses, ...inventory.ipv6Addresses],
    OSType: "Linux",
    OSName: inventory.osName,
    OSMajorVersion: inventory.osMajorVersion,
    OSMinorVersion: inventory.osMinorVersion,
    SCAgentChannel: "Direct",
    Solutions: ['"vminsights"', '"servicemap"', ...capabilities.map((c) => `"${c}"`)].join(", "),
    Version: reporter.agentVersion,
    VMUUID: inventory.virtualMachineNativeId,
  };
}
