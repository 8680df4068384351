// VMBoundPort for one interval: every listening port seen, with the links and bytes of the inbound
// connections it took. A wildcard bind reports one record per local address that carried traffic, marked
// IsWildcardBind, and the bare wildcard record (which holds no activity) only when no address carried any.

import type { Protocol } from "../collectors/socket-table.js";
import { isWildcardIp, wildcardIpv4, wildcardIpv6 } from "../collectors/addresses.js";
import { addCounts, emptyCounts, type LinkCounts, type LogicalMinute } from "./connection-tracker.js";
import type { ProcessRef } from "./owners.js";

export interface Listener {
  readonly protocol: Protocol;
  readonly ip: string;
  readonly port: number;
  readonly owner: ProcessRef;
}

export interface BoundPortMinute {
  readonly owner: ProcessRef;
  readonly ip: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly isWildcardBind: boolean;
  readonly counts: LinkCounts;
}

export function boundPortsOf(
  listeners: Iterable<Listener>,
  connections: readonly LogicalMinute[],
): BoundPortMinute[] {
  const ports = new Map<string, BoundPortMinute>();
  const wildcards: Listener[] = [];
  for (const listener of listeners) {
    if (isWildcardIp(listener.ip)) wildcards.push(listener);
    else
      ports.set(
        portKey(listener.owner.process, listener.ip, listener.port, listener.protocol),
        portOf(listener, listener.ip, false),
      );
  }
  for (const connection of connections) {
    const { key } = connection;
    if (key.direction !== "inbound") continue;
    let port = ports.get(portKey(key.owner.process, key.destinationIp, key.destinationPort, key.protocol));
    if (port === undefined) {
      const family = key.destinationIp.includes(":") ? wildcardIpv6 : wildcardIpv4;
      const wildcard =
        wildcards.find((w) => sameBind(w, key.owner, family, key.destinationPort, key.protocol)) ??
        wildcards.find((w) => sameBind(w, key.owner, undefined, key.destinationPort, key.protocol));
      if (wildcard === undefined) continue;
      port = portOf(wildcard, key.destinationIp, true);
      ports.set(portKey(key.owner.process, key.destinationIp, key.destinationPort, key.protocol), port);
    }
    addCounts(port.counts, connection.counts);
  }
  for (const wildcard of wildcards) {
    const carried = [...ports.values()].some(
      (p) =>
        p.isWildcardBind &&
        p.owner.process === wildcard.owner.process &&
        p.port === wildcard.port &&
        p.protocol === wildcard.protocol,
    );
    const key = portKey(wildcard.owner.process, wildcard.ip, wildcard.port, wildcard.protocol);
    if (!carried && !ports.has(key)) ports.set(key, portOf(wildcard, wildcard.ip, true));
  }
  return [...ports.values()];
}

function sameBind(
  w: Listener,
  owner: ProcessRef,
  ip: string | undefined,
  port: number,
  protocol: Protocol,
): boolean {
  return (
    w.owner.process === owner.process &&
    w.port === port &&
    w.protocol === protocol &&
    (ip === undefined || w.ip === ip)
  );
}

function portOf(listener: Listener, ip: string, isWildcardBind: boolean): BoundPortMinute {
  return {
    owner: listener.owner,
    ip,
    port: listener.port,
    protocol: listener.protocol,
    isWildcardBind,
    counts: emptyCounts(),
  };
}

function portKey(process: string, ip: string, port: number, protocol: string): string {
  return `${process} ${ip} ${port} ${protocol}`;
}
