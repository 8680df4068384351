// Only public addresses have a place on the map or an entry in a threat feed; private, loopback, link-local,
// shared (CGNAT), documentation-free special ranges and multicast never leave the estate.

import { BlockList, isIP } from "node:net";

const nonPublic = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  nonPublic.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 127],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  nonPublic.addSubnet(network, prefix, "ipv6");
}

/** 4 or 6 for a public address, 0 for anything else (private, special, or not an address at all). */
export function publicAddressFamily(address: string): 0 | 4 | 6 {
  const family = isIP(address);
  if (family === 0) return 0;
  const mapped = family === 6 ? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] : undefined;
  if (mapped !== undefined) return publicAddressFamily(mapped);
  return nonPublic.check(address, family === 4 ? "ipv4" : "ipv6") ? 0 : (family as 4 | 6);
}
