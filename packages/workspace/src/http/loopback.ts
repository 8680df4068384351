import { isIP } from "node:net";

/**
 * True when a listen address can be reached only from this machine: "localhost", 127.0.0.0/8, ::1 and the
 * IPv4-mapped form of 127.0.0.0/8. Wildcards (0.0.0.0, ::) and every other name or address are not.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1");
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  const address = mapped?.[1] ?? h;
  if (isIP(address) === 4) return address.startsWith("127.");
  if (isIP(address) === 6) return /^(0{0,4}:){2,7}0{0,3}1$/.test(address) || address === "::1";
  return false;
}
