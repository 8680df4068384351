// InsightsMetrics and Heartbeat: what every machine reports each minute while it is up. The metric set is
// VM insights' own (Namespace/Name pairs and vm.azm.ms/ tag keys), one LogicalDisk series per mount.

import { sites } from "../catalogue/sites.js";
import type { Estate, SimMachine, Tier } from "../estate-model.js";
import { isUp } from "../machine-factory.js";
import { hash2, Random } from "../random.js";
import { minuteStartMs, officeHoursProfile } from "../time-profile.js";
import type { MinuteRows } from "./minute-rows.js";
import { estimateBilledSize, meteredTables, type UsageMeter } from "./usage-meter.js";

type MetricKind =
  | "heartbeat"
  | "cpu"
  | "memory"
  | "netRead"
  | "netWrite"
  | "diskFreePercent"
  | "diskFreeMB"
  | "diskReads"
  | "diskWrites"
  | "diskTransfers"
  | "diskReadBytes"
  | "diskWriteBytes"
  | "diskBytes"
  | "diskReadLatency"
  | "diskWriteLatency"
  | "diskTransferLatency";

/** One metric series of one machine; a class so that all series share one hidden class. */
class MetricSeries {
  readonly billedSize: number;
  readonly TenantId: string;
  readonly AgentId: string;
  readonly Computer: string;
  readonly Tags: string;
  readonly _ResourceId: string;
  readonly _SubscriptionId: string;

  constructor(
    estate: Estate,
    machine: SimMachine,
    readonly kind: MetricKind,
    readonly diskIndex: number,
    readonly Namespace: string,
    readonly Name: string,
    tags: Record<string, string | number> | undefined,
  ) {
    this.TenantId = estate.tenantId;
    this.AgentId = machine.agentId;
    this.Computer = machine.computer;
    this.Tags = tags === undefined ? "" : JSON.stringify(tags);
    this._ResourceId = machine.resourceId;
    this._SubscriptionId = machine.subscriptionId;
    this.billedSize = estimateBilledSize(this, 110);
  }
}

const diskMetrics: readonly (readonly [string, MetricKind])[] = [
  ["WritesPerSecond", "diskWrites"],
  ["WriteLatencyMs", "diskWriteLatency"],
  ["WriteBytesPerSecond", "diskWriteBytes"],
  ["TransfersPerSecond", "diskTransfers"],
  ["TransferLatencyMs", "diskTransferLatency"],
  ["ReadsPerSecond", "diskReads"],
  ["ReadLatencyMs", "diskReadLatency"],
  ["ReadBytesPerSecond", "diskReadBytes"],
  ["FreeSpacePercentage", "diskFreePercent"],
  ["FreeSpaceMB", "diskFreeMB"],
  ["BytesPerSecond", "diskBytes"],
];

function seriesOf(estate: Estate, machine: SimMachine): MetricSeries[] {
  const series: MetricSeries[] = [];
  const add = (
    kind: MetricKind,
    namespace: string,
    name: string,
    tags: Record<string, string | number> | undefined,
    diskIndex = -1,
  ): void => {
    series.push(new MetricSeries(estate, machine, kind, diskIndex, namespace, name, tags));
  };
  const nic = machine.os.family === "Windows" ? "Microsoft Hyper-V Network Adapter" : "eth0";
  add("heartbeat", "Computer", "Heartbeat", undefined);
  add("memory", "Memory", "AvailableMB", { "vm.azm.ms/memorySizeMB": machine.memoryMB });
  add("netWrite", "Network", "WriteBytesPerSecond", { "vm.azm.ms/networkDeviceId": nic });
  add("netRead", "Network", "ReadBytesPerSecond", { "vm.azm.ms/networkDeviceId": nic });
  add("cpu", "Processor", "UtilizationPercentage", { "vm.azm.ms/totalCpus": machine.cpus });
  machine.disks.forEach((disk, diskIndex) => {
    for (const [name, kind] of diskMetrics) {
      const tags: Record<string, string | number> = { "vm.azm.ms/mountId": disk.mountId };
      if (kind === "diskFreeMB") tags["vm.azm.ms/diskSizeMB"] = disk.sizeMB;
      add(kind, "LogicalDisk", name, tags, diskIndex);
    }
  });
  return series;
}

/** Network volume per tier, in bytes per second at peak. */
const networkPeak: Readonly<Record<Tier, number>> = {
  web: 4_000_000,
  app: 2_500_000,
  database: 6_000_000,
  cache: 3_000_000,
  ldap: 80_000,
  smb: 5_000_000,
  batch: 900_000,
};

/** One minute's readings of a machine, drawn once and shared by its series. */
class MachineReadings {
  cpu = 0;
  availableMB = 0;
  netRead = 0;
  netWrite = 0;
  readonly reads: number[] = [];
  readonly writes: number[] = [];
  readonly readLatency: number[] = [];
  readonly writeLatency: number[] = [];
  readonly freeMB: number[] = [];
  private readonly rng = new Random(0);

  take(machine: SimMachine, minute: number, load: number): void {
    const rng = this.rng.reseed(hash2(machine.seed, minute));
    this.cpu = Math.min(99.5, Math.max(0.5, machine.cpuBase * (0.4 + load) + (rng.next() - 0.5) * 8));
    const used = Math.min(
      0.97,
      machine.memoryUsedFraction * (0.92 + 0.16 * load) + (rng.next() - 0.5) * 0.02,
    );
    this.availableMB = Math.round(machine.memoryMB * (1 - used));
    const peak = networkPeak[machine.tier];
    this.netRead = Math.round(peak * load * (0.7 + 0.6 * rng.next()));
    this.netWrite = Math.round(peak * 0.6 * load * (0.7 + 0.6 * rng.next()));
    machine.disks.forEach((disk, i) => {
      const busy = i === 0 ? 0.2 : 1;
      this.reads[i] = Math.round(busy * 120 * load * (0.5 + rng.next()) * 10) / 10;
      this.writes[i] = Math.round(busy * 80 * load * (0.5 + rng.next()) * 10) / 10;
      this.readLatency[i] = Math.round((0.4 + 2 * rng.next() * load) * 100) / 100;
      this.writeLatency[i] = Math.round((0.6 + 3 * rng.next() * load) * 100) / 100;
      this.freeMB[i] = Math.max(
        0,
        Math.round(disk.sizeMB * (1 - disk.usedFraction) - disk.growthMBPerMinute * minute),
      );
    });
  }

  value(series: MetricSeries, machine: SimMachine): number {
    const d = series.diskIndex;
    const reads = this.reads[d] ?? 0;
    const writes = this.writes[d] ?? 0;
    switch (series.kind) {
      case "heartbeat":
        return 1;
      case "cpu":
        return Math.round(this.cpu * 100) / 100;
      case "memory":
        return this.availableMB;
      case "netRead":
        return this.netRead;
      case "netWrite":
        return this.netWrite;
      case "diskFreeMB":
        return this.freeMB[d] ?? 0;
      case "diskFreePercent":
        return Math.round(((this.freeMB[d] ?? 0) / (machine.disks[d]?.sizeMB ?? 1)) * 10_000) / 100;
      case "diskReads":
        return reads;
      case "diskWrites":
        return writes;
      case "diskTransfers":
        return Math.round((reads + writes) * 10) / 10;
      case "diskReadBytes":
        return Math.round(reads * 16_384);
      case "diskWriteBytes":
        return Math.round(writes * 24_576);
      case "diskBytes":
        return Math.round(reads * 16_384 + writes * 24_576);
      case "diskReadLatency":
        return this.readLatency[d] ?? 0;
      case "diskWriteLatency":
        return this.writeLatency[d] ?? 0;
      case "diskTransferLatency":
        return (
          Math.round(
            (((this.readLatency[d] ?? 0) * reads + (this.writeLatency[d] ?? 0) * writes) /
              Math.max(1, reads + writes)) *
              100,
          ) / 100
        );
    }
  }
}

export function metricRows(estate: Estate, usage: UsageMeter): MinuteRows {
  const { window } = estate;
  const series = estate.machines.map((machine) => seriesOf(estate, machine));
  const profiles = new Map(sites.map((site) => [site.code, officeHoursProfile(window, site)]));
  const readings = new MachineReadings();
  const slot = meteredTables.indexOf("InsightsMetrics");
  return function* (fromMinute, toMinute) {
    for (let minute = fromMinute; minute < toMinute; minute++) {
      const time = new Date(minuteStartMs(window, minute));
      for (const machine of estate.machines) {
        if (!isUp(machine, minute)) continue;
        readings.take(machine, minute, profiles.get(machine.site.code)?.[minute] ?? 0.5);
        for (const s of series[machine.index] ?? []) {
          usage.add(machine.index, slot, minute, s.billedSize);
          yield {
            TenantId: s.TenantId,
            AgentId: s.AgentId,
            _BilledSize: s.billedSize,
            Computer: s.Computer,
            _IsBillable: "true",
            Name: s.Name,
            Namespace: s.Namespace,
            Origin: "vm.azm.ms",
            _ResourceId: s._ResourceId,
            SourceSystem: "Insights",
            _SubscriptionId: s._SubscriptionId,
            Tags: s.Tags,
            TimeGenerated: time,
            Type: "InsightsMetrics",
            Val: readings.value(s, machine),
          };
        }
      }
    }
  };
}

/** What a machine's heartbeat says that does not change from minute to minute. */
class HeartbeatColumns {
  readonly billedSize: number;
  readonly TenantId: string;
  readonly Computer: string;
  readonly ComputerEnvironment: string;
  readonly ComputerIP: string;
  readonly ComputerPrivateIPs: readonly string[];
  readonly OSMajorVersion: string;
  readonly OSMinorVersion: string;
  readonly OSName: string;
  readonly OSType: string;
  readonly RemoteIPCountry: string;
  readonly RemoteIPLatitude: number;
  readonly RemoteIPLongitude: number;
  readonly Resource: string;
  readonly ResourceGroup: string;
  readonly ResourceId: string;
  readonly ResourceProvider: string;
  readonly ResourceType: string;
  readonly SourceSystem: string;
  readonly SubscriptionId: string;
  readonly VMUUID: string;

  constructor(
    estate: Estate,
    readonly machine: SimMachine,
  ) {
    const azure = machine.azure;
    this.billedSize = 0;
    this.TenantId = estate.tenantId;
    this.Computer = machine.computer;
    this.ComputerEnvironment = azure === undefined ? "Non-Azure" : "Azure";
    this.ComputerIP = machine.site.publicIp;
    this.ComputerPrivateIPs = [machine.ipv4];
    this.OSMajorVersion = machine.os.major;
    this.OSMinorVersion = machine.os.minor;
    this.OSName = machine.os.name;
    this.OSType = machine.os.family;
    this.RemoteIPCountry = machine.site.country;
    this.RemoteIPLatitude = machine.site.latitude;
    this.RemoteIPLongitude = machine.site.longitude;
    this.Resource = machine.hostName;
    this.ResourceGroup = azure?.resourceGroup ?? `rg-acme-onprem-${machine.site.code}`;
    this.ResourceId = machine.resourceId;
    this.ResourceProvider = azure === undefined ? "Microsoft.HybridCompute" : "Microsoft.Compute";
    this.ResourceType = azure === undefined ? "machines" : "virtualMachines";
    this.SourceSystem = machine.os.family === "Windows" ? "OpsManager" : "Linux";
    this.SubscriptionId = machine.subscriptionId;
    this.VMUUID = machine.vmUuid;
    this.billedSize = estimateBilledSize({ ...this, machine: undefined }, 200);
  }
}

export function heartbeatRows(estate: Estate, usage: UsageMeter): MinuteRows {
  const { window } = estate;
  const statics = estate.machines.map((machine) => new HeartbeatColumns(estate, machine));
  const slot = meteredTables.indexOf("Heartbeat");
  return function* (fromMinute, toMinute) {
    for (let minute = fromMinute; minute < toMinute; minute++) {
      const time = new Date(minuteStartMs(window, minute));
      for (const h of statics) {
        const machine = h.machine;
        if (!isUp(machine, minute)) continue;
        let version = machine.agentVersions[0]?.version ?? "";
        for (const v of machine.agentVersions) if (v.minute <= minute) version = v.version;
        usage.add(machine.index, slot, minute, h.billedSize);
        yield {
          TenantId: h.TenantId,
          _BilledSize: h.billedSize,
          Category: "Direct Agent",
          Computer: h.Computer,
          ComputerEnvironment: h.ComputerEnvironment,
          ComputerIP: h.ComputerIP,
          ComputerPrivateIPs: h.ComputerPrivateIPs,
          _IsBillable: "true",
          IsGatewayInstalled: false,
          ManagementGroupName: "",
          OSMajorVersion: h.OSMajorVersion,
          OSMinorVersion: h.OSMinorVersion,
          OSName: h.OSName,
          OSType: h.OSType,
          RemoteIPCountry: h.RemoteIPCountry,
          RemoteIPLatitude: h.RemoteIPLatitude,
          RemoteIPLongitude: h.RemoteIPLongitude,
          Resource: h.Resource,
          ResourceGroup: h.ResourceGroup,
          ResourceId: h.ResourceId,
          _ResourceId: h.ResourceId,
          ResourceProvider: h.ResourceProvider,
          ResourceType: h.ResourceType,
          SCAgentChannel: "Direct",
          Solutions: '"vminsights", "servicemap"',
          SourceSystem: h.SourceSystem,
          SubscriptionId: h.SubscriptionId,
          _SubscriptionId: h.SubscriptionId,
          TimeGenerated: time,
          Type: "Heartbeat",
          Version: version,
          VMUUID: h.VMUUID,
        };
      }
    }
  };
}
