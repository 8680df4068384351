// The agent's identity: a GUID made once and kept in the state directory, so that the machine stays the
// same `m-{AgentId}` across restarts and upgrades.

import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function loadAgentId(stateDir: string): string {
  mkdirSync(stateDir, { recursive: true });
  const file = join(stateDir, "agent-id");
  try {
    const existing = readFileSync(file, "utf8").trim().toLowerCase();
    if (guidPattern.test(existing)) return existing;
  } catch {
    // First start: no id yet.
  }
  const id = randomUUID();
  writeFileSync(file, `${id}\n`);
  return id;
}
