// Builds the agent's netlink sock_diag module (sock_diag.c) with the machine's C compiler against Node.js's
// own headers. It is an optimisation, not a requirement: where there is no compiler or no headers, or on
// another operating system, the agent reads sockets with iproute2's ss instead, so a failure here is
// reported and the build goes on.

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const output = join(here, "build", "sock_diag.node");

function headerDirectory() {
  const candidates = [
    process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, "include", "node"),
    resolve(process.execPath, "..", "..", "include", "node"),
    "/usr/include/node",
    "/usr/local/include/node",
  ].filter(Boolean);
  return candidates.find((dir) => existsSync(join(dir, "node_api.h")));
}

function skip(reason) {
  console.log(`sock_diag module not built (${reason}): the agent will read sockets with ss`);
  process.exit(0);
}

if (process.platform !== "linux") skip(`not Linux but ${process.platform}`);
const headers = headerDirectory();
if (headers === undefined) skip("Node.js's headers (node_api.h) were not found");
mkdirSync(dirname(output), { recursive: true });
try {
  execFileSync(
    process.env.CC ?? "cc",
    ["-O2", "-Wall", "-shared", "-fPIC", `-I${headers}`, join(here, "sock_diag.c"), "-o", output],
    { stdio: ["ignore", "inherit", "inherit"] },
  );
} catch (error) {
  skip(error instanceof Error ? error.message.split("\n")[0] : String(error));
}
console.log(`built ${output}`);
