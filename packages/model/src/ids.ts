import { createHash } from "node:crypto";

/** `Machine` is the agent's GUID with `m-` in front, as Service Map named machine resources. */
export function machineId(agentId: string): string {
  return `m-${agentId.toLowerCase()}`;
}

/**
 * `Process` is stable across restarts of the same program on the same machine, so it hashes what
 * identifies the program (machine, executable path, command line) and nothing that changes per start.
 */
export function processId(machine: string, executablePath: string, commandLine: string): string {
  return `p-${shortHash(`${machine}\0${executablePath}\0${commandLine}`)}`;
}

/** `PortId` is derived from the four fields that identify a bound port. */
export function portId(process: string, ip: string, port: number, protocol: string): string {
  return `${process}:${ip}:${port}:${protocol}`;
}

/** A deterministic 40-hex-digit digest: long enough that collisions never matter in one estate. */
export function shortHash(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

/** `ConnectionId` names one logical connection: the seven fields that key a VMConnection record. */
export function connectionId(key: {
  direction: string;
  machine: string;
  process: string;
  sourceIp: string;
  destinationIp: string;
  destinationPort: number;
  protocol: string;
}): string {
  const text = [
    key.direction,
    key.machine,
    key.process,
    key.sourceIp,
    key.destinationIp,
    key.destinationPort,
    key.protocol,
  ].join("\0");
  return `c-${shortHash(text).slice(0, 32)}`;
}
