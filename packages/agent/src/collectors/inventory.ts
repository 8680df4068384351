// The machine as VMComputer describes it: names, addresses, operating system, hardware, virtualization.
// Read from the kernel's own files (/proc, /sys, /etc/os-release) and Node's view of the interfaces.

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { arch, cpus, hostname, networkInterfaces, release, totalmem } from "node:os";
import { canonicalIpv6 } from "./addresses.js";
import { readBootTimeMs } from "./processes.js";

export interface MachineInventory {
  readonly hostName: string;
  readonly fqdn: string;
  readonly dnsNames: readonly string[];
  readonly ipv4Addresses: readonly string[];
  readonly ipv4SubnetMasks: readonly string[];
  readonly ipv4DefaultGateways: readonly string[];
  readonly ipv6Addresses: readonly string[];
  readonly macAddresses: readonly string[];
  readonly operatingSystemFamily: string;
  readonly operatingSystemFullName: string;
  readonly osName: string;
  readonly osMajorVersion: string;
  readonly osMinorVersion: string;
  readonly bitness: string;
  readonly cpus: number;
  readonly cpuSpeedMHz: number;
  readonly physicalMemoryMB: number;
  readonly virtualizationState: string;
  readonly virtualMachineType: string;
  readonly hypervisorType: string;
  readonly hypervisorId: string;
  readonly virtualMachineNativeId: string;
  readonly bootTime: Date;
  readonly timeZone: string;
}

export function readInventory(): MachineInventory {
  const host = hostname();
  const fqdn = readFqdn(host);
  const interfaces = Object.entries(networkInterfaces()).flatMap(([name, addresses]) =>
    (addresses ?? []).map((a) => ({ name, ...a })),
  );
  const external = interfaces.filter((a) => !a.internal);
  const v4 = external.filter((a) => a.family === "IPv4");
  const v6 = external.filter((a) => a.family === "IPv6" && !a.address.startsWith("fe80"));
  const macs = [...new Set(external.map((a) => a.mac).filter((m) => m !== "00:00:00:00:00:00"))];
  const os = readOsRelease();
  const [major = "", minor = ""] = (os["VERSION_ID"] ?? "").split(".");
  const cpuInfo = readText("/proc/cpuinfo");
  const virtualization = readVirtualization(cpuInfo);
  const speed = cpus()[0]?.speed ?? Number(/^cpu MHz\s*:\s*([\d.]+)/m.exec(cpuInfo)?.[1] ?? 0);
  return {
    hostName: host.split(".")[0] ?? host,
    fqdn,
    dnsNames: [...new Set([fqdn, host])],
    ipv4Addresses: v4.map((a) => a.address),
    ipv4SubnetMasks: v4.map((a) => a.netmask),
    ipv4DefaultGateways: readDefaultGateways(),
    ipv6Addresses: v6.map((a) => canonicalIpv6(a.address)),
    macAddresses: macs,
    operatingSystemFamily: "Linux",
    operatingSystemFullName: os["PRETTY_NAME"] ?? `Linux ${release()}`,
    osName: os["NAME"] ?? "Linux",
    osMajorVersion: major,
    osMinorVersion: minor,
    bitness: /64/.test(arch()) ? "64bit" : "32bit",
    cpus: cpus().length,
    cpuSpeedMHz: Math.round(speed),
    physicalMemoryMB: Math.round(totalmem() / 1_048_576),
    ...virtualization,
    bootTime: new Date(readBootTimeMs()),
    timeZone: utcOffsetLabel(new Date()),
  };
}

/** "UTC", "UTC+01:00", "UTC-05:30": the local offset, as VMComputer.TimeZone spells it. */
export function utcOffsetLabel(at: Date): string {
  const minutes = -at.getTimezoneOffset();
  if (minutes === 0) return "UTC";
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

let fqdnCache: { host: string; fqdn: string; atMs: number } | undefined;

/** The FQDN, asked of the resolver at most hourly: `hostname --fqdn` is a process spawn each time. */
function readFqdn(host: string): string {
  if (host.includes(".")) return host;
  if (fqdnCache !== undefined && fqdnCache.host === host && Date.now() - fqdnCache.atMs < 3_600_000) {
    return fqdnCache.fqdn;
  }
  const fqdn = askFqdn(host);
  fqdnCache = { host, fqdn, atMs: Date.now() };
  return fqdn;
}

function askFqdn(host: string): string {
  try {
    const name = execFileSync("hostname", ["--fqdn"], {
      timeout: 2000,
      encoding: "utf8",
      stdio: "pipe",
    }).trim();
    return name === "" ? host : name;
  } catch {
    return host;
  }
}

function readOsRelease(): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of readText("/etc/os-release").split("\n")) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) fields[match[1]] = match[2].replace(/^"|"$/g, "");
  }
  return fields;
}

/** Gateways of the default routes, IPv4, from /proc/net/route (little-endian hex). */
function readDefaultGateways(): string[] {
  const gateways: string[] = [];
  for (const line of readText("/proc/net/route").split("\n").slice(1)) {
    const [, destination, gateway] = line.trim().split(/\s+/);
    if (destination !== "00000000" || gateway === undefined || gateway === "00000000") continue;
    const value = parseInt(gateway, 16);
    gateways.push([value & 255, (value >> 8) & 255, (value >> 16) & 255, (value >>> 24) & 255].join("."));
  }
  return [...new Set(gateways)];
}

const hypervisorsByVendor: readonly [RegExp, string][] = [
  [/vmware/i, "vmware"],
  [/microsoft/i, "hyperv"],
  [/xen/i, "xen"],
  [/qemu|kvm|red hat|openstack|google|amazon ec2/i, "kvm"],
  [/innotek|virtualbox|oracle/i, "virtualbox"],
  [/parallels/i, "parallels"],
];

function readVirtualization(
  cpuInfo: string,
): Pick<
  MachineInventory,
  "virtualizationState" | "virtualMachineType" | "hypervisorType" | "hypervisorId" | "virtualMachineNativeId"
> {
  const vendor =
    `${readText("/sys/class/dmi/id/sys_vendor")} ${readText("/sys/class/dmi/id/product_name")}`.trim();
  const flagged = /^flags\s*:.*\bhypervisor\b/m.test(cpuInfo);
  const hypervisor = readText("/sys/hypervisor/type").trim();
  const byVendor = hypervisorsByVendor.find(([pattern]) => pattern.test(vendor))?.[1];
  const type = byVendor ?? (hypervisor !== "" ? hypervisor : "");
  const virtual = flagged || type !== "";
  return {
    virtualizationState: virtual ? "virtual" : "physical",
    virtualMachineType: virtual ? type || "unknown" : "",
    hypervisorType: virtual ? type || "unknown" : "",
    hypervisorId: "",
    virtualMachineNativeId: virtual ? readText("/sys/class/dmi/id/product_uuid").trim().toLowerCase() : "",
  };
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
