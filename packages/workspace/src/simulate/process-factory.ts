// Puts a program on a machine: its stable Process id, when each instance of it started (boot, reboots,
// upgrades, crashes, or an hourly cron schedule) and which version ran when.

import { processId } from "@svcmap/model";
import type { Software } from "./catalogue/software.js";
import type {
  ProcessRun,
  ProcessVersion,
  SimBoundPort,
  SimMachine,
  SimProcess,
  SimulationWindow,
} from "./estate-model.js";
import { isUp } from "./machine-factory.js";
import { Random } from "./random.js";
import { processResourceId } from "./resource-ids.js";
import { minuteMs, minuteStartMs } from "./time-profile.js";

export interface CronSchedule {
  /** Minute of the clock hour the job starts at. */
  readonly minuteOfHour: number;
  readonly durationMinutes: number;
}

export interface ProcessPlan {
  readonly schedule?: CronSchedule;
  /** Upgrade to the software's next version at this minute. */
  readonly upgradeAt?: number;
  /** Chance of an upgrade at a random minute, when the software has a next version. */
  readonly upgradeChance?: number;
  /** Chance of a restart (same version) at a random minute. */
  readonly restartChance?: number;
}

export class ProcessFactory {
  private readonly nextPid = new Map<number, number>();

  constructor(private readonly window: SimulationWindow) {}

  add(machine: SimMachine, software: Software, rng: Random, plan: ProcessPlan = {}): SimProcess {
    const { identity } = software;
    const id = processId(machine.machine, identity.executablePath, identity.commandLine);
    const versions: ProcessVersion[] = [
      { minute: -1, productVersion: software.version, fileVersion: software.version },
    ];
    // Listed field by field rather than spread, so that every process shares one hidden class: the
    // generators read these objects millions of times.
    const process: SimProcess = {
      executableName: identity.executableName,
      executablePath: identity.executablePath,
      commandLine: identity.commandLine,
      displayName: identity.displayName,
      group: identity.group,
      description: identity.description,
      companyName: identity.companyName,
      productName: identity.productName,
      internalName: identity.internalName,
      role: identity.role,
      services: identity.services,
      userName: identity.userName,
      userDomain: identity.userDomain,
      workingDirectory: identity.workingDirectory,
      machine,
      process: id,
      resourceId: processResourceId(machine.resourceId, id),
      versions,
      runs: [],
      runningAt: undefined,
      boundPorts: [],
    };
    if (plan.schedule !== undefined) this.scheduleRuns(process, plan.schedule, rng);
    else this.serviceRuns(process, software, rng, plan);
    for (const spec of software.ports) {
      const bindIps =
        spec.bind === "wildcard"
          ? ["0.0.0.0"]
          : spec.bind === "loopback"
            ? [spec.protocol === "udp" && spec.port === 53 ? "127.0.0.53" : "127.0.0.1"]
            : ["127.0.0.1", machine.ipv4];
      const port: SimBoundPort = {
        process,
        port: spec.port,
        protocol: spec.protocol,
        wildcard: spec.bind === "wildcard",
        bindIps,
        inbound: [],
      };
      process.boundPorts.push(port);
    }
    machine.processes.push(process);
    return process;
  }

  private pid(machine: SimMachine, rng: Random): number {
    const next = this.nextPid.get(machine.index) ?? rng.int(900, 30_000);
    this.nextPid.set(machine.index, next + rng.int(1, 400));
    return next;
  }

  private serviceRuns(process: SimProcess, software: Software, rng: Random, plan: ProcessPlan): void {
    const { machine } = process;
    const minutes = this.window.minutes;
    const firstBoot = machine.boots[0];
    if (firstBoot === undefined) throw new Error(`machine ${machine.computer} has no boot time`);
    // Most services started with the machine; some were restarted since, before the window began.
    const restartedEarlier = rng.chance(0.25);
    const startMs = restartedEarlier
      ? rng.int(firstBoot.bootMs, this.window.startMs - minuteMs)
      : firstBoot.bootMs + rng.int(3, 90) * 1000;
    const starts: { minute: number; startMs: number; version?: ProcessVersion }[] = [{ minute: -1, startMs }];
    for (const boot of machine.boots.slice(1)) {
      starts.push({ minute: boot.minute, startMs: boot.bootMs + rng.int(3, 20) * 1000 });
    }
    const upgradeMinute =
      software.upgradeVersion === undefined
        ? undefined
        : (plan.upgradeAt ?? (rng.chance(plan.upgradeChance ?? 0) ? rng.int(1, minutes - 1) : undefined));
    if (
      upgradeMinute !== undefined &&
      software.upgradeVersion !== undefined &&
      isUp(machine, upgradeMinute)
    ) {
      const version = {
        minute: upgradeMinute,
        productVersion: software.upgradeVersion,
        fileVersion: software.upgradeVersion,
      };
      starts.push({
        minute: upgradeMinute,
        startMs: minuteStartMs(this.window, upgradeMinute) + rng.int(0, 59) * 1000,
        version,
      });
    }
    if (rng.chance(plan.restartChance ?? 0) && minutes > 2) {
      const minute = rng.int(1, minutes - 1);
      if (isUp(machine, minute))
        starts.push({ minute, startMs: minuteStartMs(this.window, minute) + rng.int(0, 59) * 1000 });
    }
    starts.sort((a, b) => a.minute - b.minute);
    let previous = -2;
    for (const start of starts) {
      if (start.minute === previous) continue;
      previous = start.minute;
      process.runs.push({ minute: start.minute, startMs: start.startMs, pid: this.pid(machine, rng) });
      if (start.version !== undefined) process.versions.push(start.version);
    }
  }

  private scheduleRuns(process: SimProcess, schedule: CronSchedule, rng: Random): void {
    const { machine } = process;
    const minutes = this.window.minutes;
    const runningAt = new Uint8Array(minutes);
    const firstClockMinute = Math.floor(this.window.startMs / minuteMs);
    for (let m = 0; m < minutes; m++) {
      if ((firstClockMinute + m) % 60 !== schedule.minuteOfHour || !isUp(machine, m)) continue;
      // Each run of a cron job is a new process instance: a new StartTime and PID under the same Process id.
      const run: ProcessRun = {
        minute: m,
        startMs: minuteStartMs(this.window, m) + rng.int(0, 2) * 1000,
        pid: this.pid(machine, rng),
      };
      process.runs.push(run);
      const end = Math.min(minutes, m + schedule.durationMinutes);
      for (let r = m; r < end && isUp(machine, r); r++) runningAt[r] = 1;
    }
    process.runningAt = runningAt;
  }
}

/** Whether the process was running in minute `minute` (its machine up, and for a cron job, a run under way). */
export function isRunning(process: SimProcess, minute: number): boolean {
  if (process.runningAt !== undefined) return process.runningAt[minute] === 1;
  return isUp(process.machine, minute);
}
