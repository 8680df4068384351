import { readFileSync } from "node:fs";

/** The agent's version, from its package.json (DependencyAgentVersion, Heartbeat Version). */
export const agentVersion: string = (() => {
  try {
    const version: unknown = JSON.parse(
      readFileSync(new URL("../package.json", import.meta.url), "utf8"),
    ).version;
    return typeof version === "string" ? version : "unknown";
  } catch {
    return "unknown";
  }
})();
