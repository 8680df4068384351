import type { ProcessRole } from "@svcmap/model";

const known: readonly ProcessRole[] = ["webserver", "appserver", "databaseserver", "ldapserver", "smbserver"];

/** VMProcess.Role as a known role; agents differ in case (webServer, webserver), so it is compared lowered. */
export function processRole(value: string): ProcessRole | undefined {
  const lowered = value.toLowerCase();
  return known.find((role) => role === lowered);
}

export function processRoles(values: readonly string[]): ProcessRole[] {
  return [...new Set(values.map(processRole).filter((r): r is ProcessRole => r !== undefined))].sort();
}
