// User names from /etc/passwd, read again only when an unknown uid turns up.

import { readFileSync } from "node:fs";

let names: Map<number, string> | undefined;

export function userNameOf(uid: number): string {
  if (names === undefined || !names.has(uid)) names = readPasswd();
  return names.get(uid) ?? String(uid);
}

function readPasswd(): Map<number, string> {
  const map = new Map<number, string>();
  try {
    for (const line of readFileSync("/etc/passwd", "utf8").split("\n")) {
      const [name, , uid] = line.split(":");
      if (name !== undefined && uid !== undefined && name !== "") map.set(Number(uid), name);
    }
  } catch {
    // No passwd file (a minimal container): numeric uids it is.
  }
  return map;
}
