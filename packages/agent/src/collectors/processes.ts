// Processes from /proc: who holds which socket (by inode, from /proc/PID/fd), in which network namespace,
// and what the process is (executable, command line, working directory, user, start, systemd unit or
// container). One pass over /proc per poll; a process's description is read once and kept while it lives.

import { readdirSync, readFileSync, readlinkSync, realpathSync } from "node:fs";
import { userNameOf } from "./users.js";

export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly executablePath: string;
  readonly executableName: string;
  readonly commandLine: string;
  readonly workingDirectory: string;
  readonly userName: string;
  readonly startTime: Date;
  /** The systemd unit or container the process runs in, or "". */
  readonly group: string;
  /** The inode of its network namespace, as in /proc/PID/ns/net. */
  readonly netns: string;
}

export interface ProcessScan {
  readonly processes: ReadonlyMap<number, ProcessInfo>;
  /** Socket inode → the PID that holds it, or the PIDs (a listening socket is often shared by a pool of workers). */
  readonly socketOwners: ReadonlyMap<number, number | readonly number[]>;
}

const clockTicksPerSecond = 100;

export class ProcessScanner {
  private readonly known = new Map<number, ProcessInfo>();
  private readonly bootTimeMs: number;

  constructor(private readonly procRoot = "/proc") {
    this.bootTimeMs = readBootTimeMs(procRoot);
  }

  /** Every process that holds at least one socket, with its socket inodes. */
  scan(): ProcessScan {
    const processes = new Map<number, ProcessInfo>();
    // Most sockets have one holder: a number, not an array, for each of them.
    const socketOwners = new Map<number, number | number[]>();
    const alive = new Set<number>();
    for (const pid of this.pids()) {
      alive.add(pid);
      const inodes = this.socketInodes(pid);
      if (inodes.length === 0) continue;
      const info = this.describe(pid);
      if (info === undefined) continue;
      processes.set(pid, info);
      for (const inode of inodes) {
        const owners = socketOwners.get(inode);
        if (owners === undefined) socketOwners.set(inode, pid);
        else if (typeof owners === "number") socketOwners.set(inode, [owners, pid]);
        else owners.push(pid);
      }
    }
    for (const pid of this.known.keys()) if (!alive.has(pid)) this.known.delete(pid);
    return { processes, socketOwners };
  }

  /**
   * The processes holding these socket inodes, read now and described at once: for connections that live
   * a few milliseconds, in processes that may live hardly longer. The newest processes are searched first,
   * since a short-lived program is among them, and the search stops once every inode is found.
   */
  holdersOf(inodes: ReadonlySet<number>): Map<number, ProcessInfo> {
    const found = new Map<number, ProcessInfo>();
    for (const pid of this.pids().sort((a, b) => b - a)) {
      if (found.size === inodes.size) break;
      const held = this.socketInodes(pid).filter((inode) => inodes.has(inode) && !found.has(inode));
      if (held.length === 0) continue;
      const info = this.describe(pid);
      if (info === undefined) continue;
      for (const inode of held) found.set(inode, this.maker(info, inode));
    }
    return found;
  }

  /**
   * A child shares its parent's sockets (a shell's `cat <&3`): the socket is the oldest ancestor's that
   * still holds it, as the poll attributes a shared socket to the process that made it.
   */
  private maker(info: ProcessInfo, inode: number): ProcessInfo {
    let maker = info;
    for (let parent = this.describe(maker.ppid); parent !== undefined && parent.pid > 1;) {
      if (!this.socketInodes(parent.pid).includes(inode)) break;
      maker = parent;
      parent = this.describe(parent.ppid);
    }
    return maker;
  }

  /** The PIDs of the processes running now. */
  private pids(): number[] {
    return safeReaddir(this.procRoot)
      .map(Number)
      .filter((pid) => Number.isInteger(pid));
  }

  private socketInodes(pid: number): number[] {
    const dir = `${this.procRoot}/${pid}/fd`;
    const inodes: number[] = [];
    for (const fd of safeReaddir(dir)) {
      let target: string;
      try {
        target = readlinkSync(`${dir}/${fd}`);
      } catch {
        continue;
      }
      if (target.startsWith("socket:[")) inodes.push(Number(target.slice(8, -1)));
    }
    return inodes;
  }

  /** One process, read now (or from the cache while it lives). */
  describe(pid: number): ProcessInfo | undefined {
    const stat = readText(`${this.procRoot}/${pid}/stat`);
    if (stat === undefined) return undefined;
    // The command name in parentheses may itself contain spaces and parentheses.
    const afterName = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const startTicks = Number(afterName[19] ?? 0);
    const startTime = new Date(this.bootTimeMs + (startTicks * 1000) / clockTicksPerSecond);
    const cached = this.known.get(pid);
    // A PID reused by another program has another start time.
    if (cached !== undefined && cached.startTime.getTime() === startTime.getTime()) return cached;
    const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const executablePath = startedAs(
      readLink(`${this.procRoot}/${pid}/exe`).replace(/ \(deleted\)$/, ""),
      comm,
    );
    const argv = (readText(`${this.procRoot}/${pid}/cmdline`) ?? "").split("\0").filter((a) => a !== "");
    const uid = /^Uid:\s+(\d+)/m.exec(readText(`${this.procRoot}/${pid}/status`) ?? "")?.[1];
    const info: ProcessInfo = {
      pid,
      ppid: Number(afterName[1] ?? 0),
      executablePath,
      executableName: executablePath === "" ? comm : (executablePath.split("/").at(-1) ?? comm),
      commandLine: argv.length === 0 ? `[${comm}]` : argv.join(" "),
      workingDirectory: readLink(`${this.procRoot}/${pid}/cwd`),
      userName: uid === undefined ? "" : userNameOf(Number(uid)),
      startTime,
      group: groupOf(readText(`${this.procRoot}/${pid}/cgroup`) ?? ""),
      netns: readLink(`${this.procRoot}/${pid}/ns/net`),
    };
    this.known.set(pid, info);
    return info;
  }
}

/**
 * A program started through a symlink in the same directory (redis-server → redis-check-rdb) is known by
 * the link's name: the kernel keeps it as the command name, and the package database registers the link.
 * Command names are cut at 15 characters, so only a shorter one can be the whole name.
 */
function startedAs(executablePath: string, comm: string): string {
  const slash = executablePath.lastIndexOf("/");
  if (slash < 0 || comm.length >= 15 || executablePath.slice(slash + 1) === comm || comm.includes("/")) {
    return executablePath;
  }
  const link = `${executablePath.slice(0, slash)}/${comm}`;
  try {
    return realpathSync(link) === executablePath ? link : executablePath;
  } catch {
    return executablePath;
  }
}

/** The systemd unit (nginx.service) or container (docker 0123456789ab) from /proc/PID/cgroup. */
export function groupOf(cgroup: string): string {
  const path = cgroup
    .split("\n")
    .map((line) => line.split(":").slice(2).join(":"))
    .find((p) => p !== "" && p !== "/");
  if (path === undefined) return "";
  const container = /(?:docker|containerd|crio|libpod)[-/]([0-9a-f]{12,64})/.exec(path);
  if (container?.[1] !== undefined) {
    const runtime = /crio/.test(path) ? "cri-o" : /libpod/.test(path) ? "podman" : "docker";
    return `${runtime} ${container[1].slice(0, 12)}`;
  }
  const units = path.split("/").filter((part) => /\.(service|scope)$/.test(part));
  const unit = units.at(-1);
  if (unit === undefined || /^(session-\d+|init)\.scope$/.test(unit)) return "";
  return unit;
}

export function readBootTimeMs(procRoot = "/proc"): number {
  const btime = /^btime (\d+)/m.exec(readText(`${procRoot}/stat`) ?? "")?.[1];
  return btime === undefined ? 0 : Number(btime) * 1000;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function readLink(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return "";
  }
}

function safeReaddir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
