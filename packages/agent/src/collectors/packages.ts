// Product name and version of executables from the package database (dpkg, else rpm), asked once per
// path: a package does not change under a running program often enough to ask again. The paths a poll
// brings are asked together, one dpkg-query (and at most one rpm) for all of them, without blocking the
// agent while the databases answer.

import { execFile } from "node:child_process";
import { existsSync } from "node:fs";

export interface PackageInfo {
  readonly productName: string;
  readonly productVersion: string;
}

const none: PackageInfo = { productName: "", productVersion: "" };

interface Output {
  readonly stdout: string;
  /** False when the command could not be run at all (not installed). */
  readonly ran: boolean;
}

/** stdout even when the command exits non-zero, as both do when some path is owned by no package. */
function run(command: string, args: readonly string[]): Promise<Output> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 30_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
      const missing = (error as NodeJS.ErrnoException | null)?.code === "ENOENT";
      resolve({ stdout: missing ? "" : String(stdout), ran: !missing });
    });
  });
}

export class PackageDatabase {
  private readonly cache = new Map<string, PackageInfo>();
  private dpkgMissing = false;
  private rpmMissing = false;

  /** Looks up the paths not asked before; afterwards `known` answers for every one of them. */
  async learn(paths: Iterable<string>): Promise<void> {
    const unknown = [...new Set(paths)].filter((p) => p !== "" && !this.cache.has(p));
    if (unknown.length === 0) return;
    const found = await this.queryDpkg(unknown);
    const rest = unknown.filter((p) => !found.has(p));
    for (const [path, info] of await this.queryRpm(rest)) found.set(path, info);
    for (const path of unknown) this.cache.set(path, found.get(path) ?? none);
  }

  /** What `learn` found for a path; empty names for a path no package owns or not learned yet. */
  known(executablePath: string): PackageInfo {
    return this.cache.get(executablePath) ?? none;
  }

  private async queryDpkg(paths: readonly string[]): Promise<Map<string, PackageInfo>> {
    const found = new Map<string, PackageInfo>();
    if (this.dpkgMissing) return found;
    // Since the /usr merge a file may be registered under /bin or /sbin rather than /usr/bin.
    const asked = new Map<string, string>();
    for (const path of paths) {
      asked.set(path, path);
      asked.set(path.replace(/^\/usr\/(s?bin|lib)\//, "/$1/"), path);
    }
    const owners = await run("dpkg-query", ["-S", "--", ...asked.keys()]);
    if (!owners.ran) {
      this.dpkgMissing = true;
      return found;
    }
    const packageOf = new Map<string, string>();
    for (const line of owners.stdout.split("\n")) {
      // "bash: /bin/bash", "libc6:amd64: /lib/x86_64-linux-gnu/libc.so.6", "a, b: /usr/bin/x"
      const colon = line.indexOf(": /");
      if (colon <= 0 || line.startsWith("diversion by ")) continue;
      const path = asked.get(line.slice(colon + 2));
      if (path !== undefined && !packageOf.has(path))
        packageOf.set(path, line.slice(0, colon).split(",")[0]!.trim());
    }
    if (packageOf.size === 0) return found;
    const versions = new Map<string, string>();
    const listed = await run("dpkg-query", [
      "-W",
      "-f=${binary:Package}\\t${Version}\\n",
      "--",
      ...new Set(packageOf.values()),
    ]);
    for (const line of listed.stdout.split("\n")) {
      const [name, version] = line.split("\t");
      if (name !== undefined && version !== undefined) versions.set(name, version);
    }
    for (const [path, qualified] of packageOf) {
      const name = qualified.split(":")[0]!;
      // ${binary:Package} keeps the architecture only for packages installable for several at once.
      const version = versions.get(qualified) ?? versions.get(name);
      found.set(path, { productName: name, productVersion: version ?? "" });
    }
    return found;
  }

  private async queryRpm(paths: readonly string[]): Promise<Map<string, PackageInfo>> {
    const found = new Map<string, PackageInfo>();
    // rpm prints nothing to stdout for a path that does not exist, which would shift every answer after it.
    const existing = paths.filter((p) => existsSync(p));
    if (this.rpmMissing || existing.length === 0) return found;
    const answer = await run("rpm", ["-qf", "--qf", "%{NAME}\\t%{VERSION}-%{RELEASE}\\n", "--", ...existing]);
    if (!answer.ran) {
      this.rpmMissing = true;
      return found;
    }
    const lines = answer.stdout.split("\n").filter((line) => line !== "");
    // One line per path, in order; a file in two packages gets two, and then the order cannot be trusted.
    if (lines.length !== existing.length) return found;
    existing.forEach((path, i) => {
      const [name, version] = lines[i]!.split("\t");
      if (name !== undefined && version !== undefined && !/ is not owned by /.test(lines[i]!))
        found.set(path, { productName: name, productVersion: version });
    });
    return found;
  }
}
