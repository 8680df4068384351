// Turns a machine plan (tier, site, operating system, what it runs) into a machine with identity, addresses,
// hardware, hosting and its incidents over the window (reboots, an outage, agent upgrades).

import { machineId } from "@svcmap/model";
import { osRelease, type OsRelease } from "./catalogue/operating-systems.js";
import type { Site } from "./catalogue/sites.js";
import type { AppRuntime, CacheEngine, DatabaseEngine } from "./catalogue/software.js";
import type { AzureHosting, Disk, SimMachine, SimulationWindow, Tier } from "./estate-model.js";
import { hash2, Random } from "./random.js";
import { arcMachineResourceId, virtualMachineResourceId } from "./resource-ids.js";
import { minuteMs } from "./time-profile.js";

export type Workload =
  | { readonly tier: "web"; readonly php: boolean; readonly publicFacing: boolean }
  | { readonly tier: "app"; readonly runtime: AppRuntime; readonly service: string }
  | { readonly tier: "database"; readonly engine: DatabaseEngine }
  | { readonly tier: "cache"; readonly engine: CacheEngine }
  | { readonly tier: "ldap" }
  | { readonly tier: "smb" }
  | { readonly tier: "batch"; readonly export: string };

export interface MachinePlan {
  readonly site: Site;
  readonly osKey: string;
  readonly workload: Workload;
  /** Fixed identities for the machines the documentation's queries name. */
  readonly agentId?: string;
  readonly computer?: string;
  readonly ipv4?: string;
  readonly compromised?: boolean;
  readonly outage?: boolean;
  readonly reboot?: boolean;
}

export interface PlannedMachine {
  readonly plan: MachinePlan;
  readonly machine: SimMachine;
}

const tierSubnet: Readonly<Record<Tier, number>> = {
  web: 10,
  app: 20,
  database: 30,
  cache: 40,
  ldap: 50,
  smb: 60,
  batch: 70,
};
const tierHostPrefix: Readonly<Record<Tier, string>> = {
  web: "web",
  app: "app",
  database: "db",
  cache: "cache",
  ldap: "ldap",
  smb: "files",
  batch: "batch",
};

/** Hosts per /24 in the tier subnets: .4 to .253, leaving the gateway and broadcast neighbourhood free. */
const hostsPerSubnet = 250;

export const baseAgentVersion = "1.4.2";
export const upgradedAgentVersion = "1.5.0";

interface AzureSize {
  readonly name: string;
  readonly cpus: number;
  readonly memoryMB: number;
}

const azureSizes: readonly AzureSize[] = [
  { name: "Standard_B2s", cpus: 2, memoryMB: 4096 },
  { name: "Standard_D2s_v5", cpus: 2, memoryMB: 8192 },
  { name: "Standard_D4s_v5", cpus: 4, memoryMB: 16384 },
  { name: "Standard_D8s_v5", cpus: 8, memoryMB: 32768 },
  { name: "Standard_E8s_v5", cpus: 8, memoryMB: 65536 },
  { name: "Standard_E16s_v5", cpus: 16, memoryMB: 131072 },
];

const hardwareByTier: Readonly<
  Record<Tier, { cpus: readonly number[]; memoryMB: readonly number[]; cpuBase: number }>
> = {
  web: { cpus: [2, 4], memoryMB: [4096, 8192], cpuBase: 18 },
  app: { cpus: [4, 8], memoryMB: [8192, 16384, 32768], cpuBase: 30 },
  database: { cpus: [8, 16], memoryMB: [65536, 131072], cpuBase: 35 },
  cache: { cpus: [2, 4], memoryMB: [16384, 32768], cpuBase: 12 },
  ldap: { cpus: [2], memoryMB: [4096], cpuBase: 6 },
  smb: { cpus: [2, 4], memoryMB: [8192], cpuBase: 10 },
  batch: { cpus: [2, 4], memoryMB: [8192, 16384], cpuBase: 8 },
};

/** Numbers hosts per site and tier, and hands out addresses from each tier's subnet. */
export class MachineNamer {
  private readonly counters = new Map<string, number>();

  next(site: Site, tier: Tier): { hostName: string; ipv4: string; ipv6Suffix: string; ordinal: number } {
    const key = `${site.code}/${tier}`;
    const ordinal = this.counters.get(key) ?? 0;
    this.counters.set(key, ordinal + 1);
    const subnet = tierSubnet[tier] + Math.floor(ordinal / hostsPerSubnet);
    const host = 4 + (ordinal % hostsPerSubnet);
    const width = ordinal + 1 >= 100 ? 3 : 2;
    return {
      hostName: `${tierHostPrefix[tier]}-${site.code}-${String(ordinal + 1).padStart(width, "0")}`,
      ipv4: `10.${site.secondOctet}.${subnet}.${host}`,
      ipv6Suffix: `${subnet.toString(16)}::${host.toString(16)}`,
      ordinal,
    };
  }
}

export interface MachineContext {
  readonly estateSeed: number;
  readonly window: SimulationWindow;
  readonly namer: MachineNamer;
  readonly cloudSubscriptionId: string;
  readonly arcSubscriptionId: string;
}

export function createMachine(plan: MachinePlan, index: number, context: MachineContext): SimMachine {
  const seed = hash2(context.estateSeed, index + 1);
  const rng = new Random(seed);
  const { site } = plan;
  const tier = plan.workload.tier;
  const os: OsRelease = osRelease(plan.osKey);
  const named = context.namer.next(site, tier);
  const hostName = plan.computer ?? named.hostName;
  const computer = plan.computer ?? `${named.hostName}.${site.domain}`;
  const agentId = plan.agentId ?? rng.guid();
  const ipv4 = plan.ipv4 ?? named.ipv4;
  const ipv6 = site.ipv6Prefix === undefined ? undefined : `${site.ipv6Prefix}:${named.ipv6Suffix}`;
  const hardware = hardwareByTier[tier];

  let cpus = rng.pick(hardware.cpus);
  let memoryMB = rng.pick(hardware.memoryMB);
  let azure: AzureHosting | undefined;
  let resourceId: string;
  let subscriptionId: string;
  if (site.azure !== undefined) {
    const size = azureSizes.find((s) => s.cpus === cpus && s.memoryMB >= memoryMB) ?? rng.pick(azureSizes);
    cpus = size.cpus;
    memoryMB = size.memoryMB;
    subscriptionId = context.cloudSubscriptionId;
    azure = {
      subscriptionId,
      resourceGroup: site.azure.resourceGroup,
      location: site.azure.location,
      size: size.name,
      vmId: rng.guid(),
      faultDomain: String(rng.int(0, 2)),
      updateDomain: String(rng.int(0, 4)),
    };
    resourceId = virtualMachineResourceId(subscriptionId, site.azure.resourceGroup, hostName);
  } else {
    subscriptionId = context.arcSubscriptionId;
    resourceId = arcMachineResourceId(subscriptionId, `rg-acme-onprem-${site.code}`, hostName);
  }

  const physical = azure === undefined && tier === "database" && rng.chance(0.3);
  const virtualization = azure
    ? { state: "virtual", machineType: "hyperv", hypervisorType: "hyperv" }
    : physical
      ? { state: "physical", machineType: "", hypervisorType: "" }
      : { state: "virtual", machineType: "vmware", hypervisorType: "" };

  const { window } = context;
  const firstBootMs =
    window.startMs - Math.round(rng.between(0.5, os.key === "centos-7" ? 400 : 90) * 86_400_000);
  const boots: { minute: number; bootMs: number }[] = [{ minute: -1, bootMs: firstBootMs }];
  let upAt: Uint8Array | undefined;
  if (plan.reboot === true && window.minutes >= 30) {
    const at = rng.int(Math.floor(window.minutes * 0.2), Math.floor(window.minutes * 0.8));
    const down = rng.int(2, 5);
    upAt = new Uint8Array(window.minutes).fill(1);
    upAt.fill(0, at, Math.min(window.minutes, at + down));
    const back = Math.min(window.minutes - 1, at + down);
    boots.push({ minute: back, bootMs: window.startMs + back * minuteMs - rng.int(20, 50) * 1000 });
  }
  if (plan.outage === true) {
    // The machine stops reporting shortly before the end: its heartbeat goes missing and clients fail.
    const from = Math.max(1, window.minutes - Math.min(50, Math.floor(window.minutes / 3)));
    upAt ??= new Uint8Array(window.minutes).fill(1);
    upAt.fill(0, from);
  }

  const agentVersions = [{ minute: -1, version: baseAgentVersion }];
  if (rng.chance(0.08) && window.minutes > 10) {
    agentVersions.push({ minute: rng.int(1, window.minutes - 1), version: upgradedAgentVersion });
  }

  const mac = macAddress(rng, azure !== undefined ? "00:0d:3a" : physical ? "3c:ec:ef" : "00:50:56");
  return {
    index,
    seed,
    agentId,
    machine: machineId(agentId),
    computer,
    hostName,
    dnsNames: [computer],
    site,
    tier,
    os,
    ipv4,
    ipv6,
    macAddress: mac,
    cpus,
    cpuSpeedMHz: rng.pick([2100, 2400, 2600, 2900, 3100]),
    memoryMB,
    disks: disksFor(tier, os, rng),
    virtualization,
    vmUuid: (azure?.vmId ?? rng.guid()).toUpperCase(),
    azure,
    resourceId,
    subscriptionId,
    inventoryMinute: rng.int(0, 59),
    boots,
    agentVersions,
    upAt,
    cpuBase: hardware.cpuBase * rng.between(0.6, 1.5),
    memoryUsedFraction: rng.between(0.35, 0.8),
    processes: [],
  };
}

function macAddress(rng: Random, vendorPrefix: string): string {
  const octet = (): string => rng.int(0, 255).toString(16).padStart(2, "0");
  return `${vendorPrefix}:${octet()}:${octet()}:${octet()}`;
}

function disksFor(tier: Tier, os: OsRelease, rng: Random): Disk[] {
  if (os.family === "Windows") {
    return [
      { mountId: "C:", sizeMB: 130_045, usedFraction: rng.between(0.3, 0.6), growthMBPerMinute: 0.2 },
      { mountId: "D:", sizeMB: 261_630, usedFraction: rng.between(0.1, 0.5), growthMBPerMinute: 0.5 },
    ];
  }
  const root: Disk = {
    mountId: "/",
    sizeMB: rng.pick([30_720, 51_200, 102_400]),
    usedFraction: rng.between(0.25, 0.7),
    growthMBPerMinute: 0.05,
  };
  if (tier === "database" || tier === "smb") {
    const mount = tier === "database" ? "/var/lib/data" : "/srv/shares";
    return [
      root,
      {
        mountId: mount,
        sizeMB: rng.pick([512_000, 1_048_576, 2_097_152]),
        usedFraction: rng.between(0.4, 0.85),
        growthMBPerMinute: rng.between(5, 40),
      },
    ];
  }
  return [root];
}

/** Whether the machine was up and reporting in minute `minute`. */
export function isUp(machine: SimMachine, minute: number): boolean {
  return machine.upAt === undefined || machine.upAt[minute] === 1;
}
