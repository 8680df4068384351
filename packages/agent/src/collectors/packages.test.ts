// Product names and versions from the real package databases: dpkg's, and rpm's with a package built and
// installed by the test (rpm from Debian's packages), asked together in one batch.

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PackageDatabase } from "./packages.js";

/** A package's version as dpkg's status file records it: the ground truth, read without dpkg-query. */
function dpkgStatusVersion(name: string): string | undefined {
  for (const stanza of readFileSync("/var/lib/dpkg/status", "utf8").split("\n\n")) {
    if (new RegExp(`^Package: ${name}$`, "m").test(stanza) && /^Status: install ok installed$/m.test(stanza))
      return /^Version: (.+)$/m.exec(stanza)?.[1];
  }
  return undefined;
}

function has(command: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const rpmPackage = "svcmap-rpm-probe";
const rpmFile = `/opt/${rpmPackage}/bin/probe`;
const canBuildRpm = has("rpmbuild") && process.getuid?.() === 0;
const work = mkdtempSync(join(tmpdir(), "svcmap-packages-"));

beforeAll(() => {
  if (!canBuildRpm) return;
  const top = join(work, "rpmbuild");
  mkdirSync(join(top, "SPECS"), { recursive: true });
  writeFileSync(
    join(top, "SPECS", "probe.spec"),
    [
      `Name: ${rpmPackage}`,
      "Version: 1.2.3",
      "Release: 4",
      "Summary: a file owned by an rpm package",
      "License: MIT",
      "BuildArch: noarch",
      "%description",
      "A file owned by an rpm package.",
      "%install",
      `mkdir -p %{buildroot}/opt/${rpmPackage}/bin`,
      `printf '#!/bin/sh\\n' > %{buildroot}${rpmFile}`,
      `chmod 755 %{buildroot}${rpmFile}`,
      "%files",
      rpmFile,
      "",
    ].join("\n"),
  );
  execFileSync("rpmbuild", ["--define", `_topdir ${top}`, "-bb", join(top, "SPECS", "probe.spec")], {
    stdio: "ignore",
  });
  const built = join(top, "RPMS", "noarch");
  const [file] = readdirSync(built);
  execFileSync("rpm", ["-i", "--nodeps", "--force", join(built, file!)], { stdio: "ignore" });
}, 120_000);

afterAll(() => {
  if (canBuildRpm) execFileSync("rpm", ["-e", "--nodeps", rpmPackage], { stdio: "ignore" });
  rmSync(work, { recursive: true, force: true });
});

describe("product names from the package databases", () => {
  it("names the dpkg package of a path, also under the merged /usr, and nothing for an unowned file", async () => {
    const unowned = join(work, "unowned");
    writeFileSync(unowned, "");
    const packages = new PackageDatabase();
    await packages.learn(["/usr/bin/dpkg-query", "/usr/bin/bash", unowned, "/no/such/file"]);
    expect(packages.known("/usr/bin/dpkg-query")).toEqual({
      productName: "dpkg",
      productVersion: dpkgStatusVersion("dpkg"),
    });
    // bash registers /bin/bash; since the /usr merge its processes run /usr/bin/bash.
    expect(packages.known("/usr/bin/bash")).toEqual({
      productName: "bash",
      productVersion: dpkgStatusVersion("bash"),
    });
    expect(packages.known(unowned)).toEqual({ productName: "", productVersion: "" });
    expect(packages.known("/no/such/file")).toEqual({ productName: "", productVersion: "" });
  });

  it.skipIf(!canBuildRpm)(
    "names the rpm package of a path dpkg does not know, in the same batch",
    async () => {
      const packages = new PackageDatabase();
      const unowned = join(work, "unowned-too");
      writeFileSync(unowned, "");
      await packages.learn([unowned, rpmFile, "/usr/bin/dpkg-query", "/no/such/file"]);
      expect(packages.known(rpmFile)).toEqual({ productName: rpmPackage, productVersion: "1.2.3-4" });
      expect(packages.known("/usr/bin/dpkg-query").productName).toBe("dpkg");
      expect(packages.known(unowned).productName).toBe("");
    },
  );

  it("asks about a path once", async () => {
    const packages = new PackageDatabase();
    await packages.learn(["/usr/bin/dpkg-query"]);
    const before = packages.known("/usr/bin/dpkg-query");
    await packages.learn(["/usr/bin/dpkg-query"]);
    expect(packages.known("/usr/bin/dpkg-query")).toBe(before);
  });
});
