// IP addresses as the tables hold them: IPv4 dotted, IPv6 in canonical compressed form, an IPv4 address
// seen through an IPv4-mapped IPv6 socket as plain IPv4 (it is the same peer), and no zone suffix.

import { isIPv6 } from "node:net";

export const wildcardIpv4 = "0.0.0.0";
export const wildcardIpv6 = "::";

export function normalizeIp(text: string): string {
  let ip = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  const zone = ip.indexOf("%");
  if (zone >= 0) ip = ip.slice(0, zone);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1] !== undefined) return mapped[1];
  return isIPv6(ip) ? canonicalIpv6(ip) : ip;
}

/**
 * `compute`, remembered for up to `limit` arguments (then forgotten all at once): a busy host's socket
 * table repeats the same few addresses thousands of times, and each text kept is one string, not one per
 * socket.
 */
function remembered<K, V>(compute: (key: K) => V, limit = 50_000): (key: K) => V {
  const known = new Map<K, V>();
  return (key) => {
    let value = known.get(key);
    if (value === undefined) {
      if (known.size >= limit) known.clear();
      value = compute(key);
      known.set(key, value);
    }
    return value;
  };
}

/** normalizeIp, remembered. */
export const normalizeIpRemembered = remembered(normalizeIp);

/** The dotted text of an IPv4 address given as its 32-bit value, remembered. */
export const ipv4Text = remembered(
  (value: number) => `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`,
);

export function isWildcardIp(ip: string): boolean {
  return ip === wildcardIpv4 || ip === wildcardIpv6;
}

export function isLoopbackIp(ip: string): boolean {
  return ip.startsWith("127.") || ip === "::1";
}

/** RFC 5952's form (lower case, no leading zeros, the longest zero run as "::"), as the URL standard writes it. */
export function canonicalIpv6(ip: string): string {
  return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
}

/** The address's bytes in network order: 4 for IPv4, 16 for IPv6. */
export function ipBytes(ip: string): Buffer {
  if (!ip.includes(":")) return Buffer.from(ip.split(".").map(Number));
  const [head = "", tail] = ip.split("::");
  const groups = (text: string): string[] => (text === "" ? [] : text.split(":"));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  const bytes = Buffer.alloc(16);
  all.forEach((group, i) => bytes.writeUInt16BE(parseInt(group, 16), i * 2));
  return bytes;
}
