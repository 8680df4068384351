// The VM insights performance pairs (InsightsMetrics Namespace/Name, with their vm.azm.ms/ tags), sampled
// once a minute from /proc: processor utilisation and network rates are differences since the last sample.

import { statfsSync, readFileSync } from "node:fs";
import { cpus, freemem, totalmem } from "node:os";

export interface MetricSample {
  readonly namespace: string;
  readonly name: string;
  readonly value: number;
  readonly tags: Readonly<Record<string, string | number>>;
}

interface CpuTimes {
  readonly busy: number;
  readonly total: number;
}

interface NetCounters {
  readonly received: number;
  readonly sent: number;
}

export class MetricsSampler {
  private lastCpu: CpuTimes | undefined;
  private lastNet = new Map<string, NetCounters>();
  private lastAtMs = 0;

  sample(nowMs: number): MetricSample[] {
    const samples: MetricSample[] = [];
    const cpu = readCpuTimes();
    const totalCpus = cpus().length;
    if (this.lastCpu !== undefined && cpu.total > this.lastCpu.total) {
      const utilisation = (100 * (cpu.busy - this.lastCpu.busy)) / (cpu.total - this.lastCpu.total);
      samples.push(
        metric("Processor", "UtilizationPercentage", round(utilisation), {
          "vm.azm.ms/totalCpus": totalCpus,
        }),
      );
    }
    this.lastCpu = cpu;
    const memorySizeMB = Math.round(totalmem() / 1_048_576);
    samples.push(
      metric("Memory", "AvailableMB", round(readAvailableMemory() / 1_048_576), {
        "vm.azm.ms/memorySizeMB": memorySizeMB,
      }),
    );
    const seconds = (nowMs - this.lastAtMs) / 1000;
    const net = readNetCounters();
    for (const [device, counters] of net) {
      const last = this.lastNet.get(device);
      if (last === undefined || seconds <= 0) continue;
      const tags = { "vm.azm.ms/networkDeviceId": device };
      samples.push(
        metric("Network", "ReadBytesPerSecond", round((counters.received - last.received) / seconds), tags),
      );
      samples.push(
        metric("Network", "WriteBytesPerSecond", round((counters.sent - last.sent) / seconds), tags),
      );
    }
    this.lastNet = net;
    this.lastAtMs = nowMs;
    for (const mount of readMounts()) {
      try {
        const fs = statfsSync(mount);
        const sizeMB = (fs.blocks * fs.bsize) / 1_048_576;
        if (sizeMB <= 0) continue;
        const freeMB = (fs.bavail * fs.bsize) / 1_048_576;
        samples.push(
          metric("LogicalDisk", "FreeSpaceMB", round(freeMB), {
            "vm.azm.ms/mountId": mount,
            "vm.azm.ms/diskSizeMB": Math.round(sizeMB),
          }),
        );
        samples.push(
          metric("LogicalDisk", "FreeSpacePercentage", round((100 * freeMB) / sizeMB), {
            "vm.azm.ms/mountId": mount,
          }),
        );
      } catch {
        // A mount that vanished or that we may not stat: nothing to report for it.
      }
    }
    return samples;
  }
}

function metric(
  namespace: string,
  name: string,
  value: number,
  tags: Readonly<Record<string, string | number>>,
): MetricSample {
  return { namespace, name, value, tags };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function readCpuTimes(): CpuTimes {
  const line = readText("/proc/stat").split("\n")[0] ?? "";
  const values = line.split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = values;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

function readAvailableMemory(): number {
  const kb = /^MemAvailable:\s+(\d+)/m.exec(readText("/proc/meminfo"))?.[1];
  return kb === undefined ? freemem() : Number(kb) * 1024;
}

function readNetCounters(): Map<string, NetCounters> {
  const counters = new Map<string, NetCounters>();
  for (const line of readText("/proc/net/dev").split("\n").slice(2)) {
    const [name, rest] = line.split(":");
    if (name === undefined || rest === undefined || name.trim() === "lo") continue;
    const fields = rest.trim().split(/\s+/).map(Number);
    counters.set(name.trim(), { received: fields[0] ?? 0, sent: fields[8] ?? 0 });
  }
  return counters;
}

const diskFileSystems = new Set([
  "ext2",
  "ext3",
  "ext4",
  "xfs",
  "btrfs",
  "zfs",
  "vfat",
  "f2fs",
  "jfs",
  "reiserfs",
  "overlay",
]);

function readMounts(): string[] {
  const mounts: string[] = [];
  for (const line of readText("/proc/self/mounts").split("\n")) {
    const [, mountPoint, type] = line.split(" ");
    if (mountPoint !== undefined && type !== undefined && diskFileSystems.has(type)) {
      mounts.push(mountPoint.replace(/\\040/g, " "));
    }
  }
  return [...new Set(mounts)];
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
