// Product name and version of an executable from the package database (dpkg, else rpm), asked once per
// path: a package does not change under a running program often enough to ask again.

import { execFileSync } from "node:child_process";

export interface PackageInfo {
  readonly productName: string;
  readonly productVersion: string;
}

const none: PackageInfo = { productName: "", productVersion: "" };

export class PackageDatabase {
  private readonly cache = new Map<string, PackageInfo>();

  lookup(executablePath: string): PackageInfo {
    if (executablePath === "") return none;
    let info = this.cache.get(executablePath);
    if (info === undefined) {
      info = queryDpkg(executablePath) ?? queryRpm(executablePath) ?? none;
      this.cache.set(executablePath, info);
    }
    return info;
  }
}

function run(command: string, args: readonly string[]): string | undefined {
  try {
    return execFileSync(command, args, { timeout: 5000, encoding: "utf8", stdio: "pipe" }).trim();
  } catch {
    return undefined;
  }
}

function queryDpkg(path: string): PackageInfo | undefined {
  // Since the /usr merge a file may be registered under /bin or /sbin rather than /usr/bin.
  const candidates = [path, path.replace(/^\/usr\/(s?bin|lib)\//, "/$1/")];
  for (const candidate of [...new Set(candidates)]) {
    const owner = run("dpkg-query", ["-S", candidate]);
    const name = owner?.split("\n")[0]?.split(":")[0]?.split(",")[0]?.trim();
    if (name === undefined || name === "") continue;
    const version = run("dpkg-query", ["-W", "-f=${Version}", name]) ?? "";
    return { productName: name, productVersion: version };
  }
  return undefined;
}

function queryRpm(path: string): PackageInfo | undefined {
  const text = run("rpm", ["-qf", "--qf", "%{NAME}\\t%{VERSION}-%{RELEASE}\\n", path]);
  const [name, version] = text?.split("\n")[0]?.split("\t") ?? [];
  if (name === undefined || version === undefined || /not owned/.test(text ?? "")) return undefined;
  return { productName: name, productVersion: version };
}
