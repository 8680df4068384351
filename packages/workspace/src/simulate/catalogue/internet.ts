// The internet as the estate sees it: services its machines call out to (with the DNS names they asked
// for), networks its public web servers are visited from, and a few addresses on a threat-intelligence
// list. Addresses of the listed threats and of the visitors are from documentation ranges (RFC 5737 and
// RFC 3849), so the data never accuses or locates a real network.

import type { GeoLocation } from "../../enrich/geo-locator.js";
import type { ThreatIndicator } from "../../enrich/threat-feed.js";

// The simulated estate carries what enrichment would add, in enrichment's own shapes.
export type { GeoLocation, ThreatIndicator };

export interface InternetService {
  readonly name: string;
  readonly ips: readonly string[];
  readonly port: number;
  readonly protocol: "tcp" | "udp";
  readonly dnsQuestions: readonly string[];
  readonly dnsCanonicalNames: readonly string[];
  readonly geo: GeoLocation;
  readonly threat: ThreatIndicator | undefined;
}

const us: GeoLocation = { country: "United States", latitude: 37.75, longitude: -97.82 };
const usWest: GeoLocation = { country: "United States", latitude: 37.77, longitude: -122.42 };
const usEast: GeoLocation = { country: "United States", latitude: 39.04, longitude: -77.49 };
const ireland: GeoLocation = { country: "Ireland", latitude: 53.35, longitude: -6.26 };
const germany: GeoLocation = { country: "Germany", latitude: 50.11, longitude: 8.68 };
const netherlands: GeoLocation = { country: "Netherlands", latitude: 52.37, longitude: 4.9 };
const unitedKingdom: GeoLocation = { country: "United Kingdom", latitude: 51.51, longitude: -0.13 };
const singapore: GeoLocation = { country: "Singapore", latitude: 1.29, longitude: 103.85 };

function service(
  name: string,
  ips: readonly string[],
  geo: GeoLocation,
  extra: Partial<Pick<InternetService, "port" | "protocol" | "dnsCanonicalNames" | "dnsQuestions">> = {},
): InternetService {
  return {
    name,
    ips,
    port: extra.port ?? 443,
    protocol: extra.protocol ?? "tcp",
    dnsQuestions: extra.dnsQuestions ?? [name],
    dnsCanonicalNames: extra.dnsCanonicalNames ?? [],
    geo,
    threat: undefined,
  };
}

/** Services that applications call; the estate's app servers each pick one or two. */
export const apiServices: readonly InternetService[] = [
  service("api.github.com", ["140.82.112.6", "140.82.113.6"], usWest),
  service("api.stripe.com", ["54.187.174.169", "54.187.216.72"], usWest),
  service("hooks.slack.com", ["52.88.133.31"], usWest, {
    dnsCanonicalNames: ["hooks-slack-com.edge.slack-edge.example"],
  }),
  service("login.microsoftonline.com", ["20.190.159.0", "40.126.31.67"], ireland, {
    dnsCanonicalNames: ["login.mso.msidentity.com", "ak.privatelink.msidentity.com"],
  }),
  service("graph.microsoft.com", ["20.190.151.68"], netherlands, {
    dnsCanonicalNames: ["graph.msidentity.com"],
  }),
  service("acmebackups.blob.core.windows.net", ["20.60.222.4"], netherlands, {
    dnsCanonicalNames: ["blob.ams23prdstr06a.store.core.windows.net"],
  }),
  service("s3.eu-central-1.amazonaws.com", ["52.219.170.98", "3.5.137.110"], germany),
  service("api.sendgrid.com", ["167.89.118.52"], usEast),
  service("sentry.io", ["35.186.247.156"], us),
  service("api.twilio.com", ["54.172.60.1"], usEast),
  service("registry.npmjs.org", ["104.16.24.34", "2606:4700::6810:1822"], us, {
    dnsCanonicalNames: ["registry.npmjs.org.cdn.cloudflare.net"],
  }),
];

/** Package mirrors and update servers that batch jobs and the occasional cron fetch reach. */
export const downloadServices: readonly InternetService[] = [
  service("objects.githubusercontent.com", ["185.199.108.133", "185.199.109.133"], us),
  service("deb.debian.org", ["151.101.2.132"], us, {
    port: 80,
    dnsCanonicalNames: ["debian.map.fastlydns.net"],
  }),
  service("archive.ubuntu.com", ["91.189.91.83", "185.125.190.36"], unitedKingdom, { port: 80 }),
  service("mirrorlist.centos.org", ["18.225.36.18"], usEast, { port: 80 }),
  service("cdn.redhat.com", ["23.50.232.155"], singapore, {
    dnsCanonicalNames: ["cdn.redhat.com.edgekey.net", "e2665.dscc.akamaiedge.net"],
  }),
];

export const ntpService: InternetService = service(
  "time.cloudflare.com",
  ["162.159.200.123", "162.159.200.1"],
  us,
  {
    port: 123,
    protocol: "udp",
  },
);

/** Addresses on the threat list. One is a mining pool a compromised host reaches; one scans web servers. */
export const miningPool: InternetService = {
  name: "pool.supportxmr.example",
  ips: ["203.0.113.66"],
  port: 3333,
  protocol: "tcp",
  dnsQuestions: ["pool.supportxmr.example"],
  dnsCanonicalNames: [],
  geo: { country: "Russia", latitude: 55.75, longitude: 37.62 },
  threat: {
    threatType: "CryptoMining",
    description: "Monero mining pool used by the kdevtmpfsi miner",
    tlpLevel: "Amber",
    confidence: "90",
    severity: 4,
    isActive: "True",
    firstReported: "2025-11-03T07:42:18.0000000Z",
    lastReported: "",
  },
};

export const botnetScanner = {
  ip: "198.51.100.23",
  geo: { country: "China", latitude: 31.22, longitude: 121.46 } satisfies GeoLocation,
  threat: {
    threatType: "Botnet",
    description: "Mirai-variant botnet node scanning for exposed web and SSH services",
    tlpLevel: "Green",
    confidence: "75",
    severity: 3,
    isActive: "True",
    firstReported: "2026-01-14T19:05:51.0000000Z",
    lastReported: "",
  } satisfies ThreatIndicator,
};

export const c2Server: InternetService = {
  name: "update.cdn-check.example",
  ips: ["203.0.113.99"],
  port: 443,
  protocol: "tcp",
  dnsQuestions: ["update.cdn-check.example"],
  dnsCanonicalNames: [],
  geo: { country: "Romania", latitude: 44.43, longitude: 26.1 },
  threat: {
    threatType: "C2",
    description: "Command and control server of the Kinsing malware",
    tlpLevel: "Red",
    confidence: "95",
    severity: 5,
    isActive: "True",
    firstReported: "2025-09-21T11:30:02.0000000Z",
    lastReported: "",
  },
};

export interface ClientNetwork {
  /**
   * The first three octets (IPv4) or first groups (IPv6) of the visitors' addresses. Visitors take hosts
   * 120 and up, clear of the threat addresses and the sites' own public addresses in the same ranges.
   */
  readonly prefix: string;
  readonly family: "ipv4" | "ipv6";
  readonly geo: GeoLocation;
}

/** Where visitors of the public web servers come from. */
export const visitorNetworks: readonly ClientNetwork[] = [
  {
    prefix: "203.0.113",
    family: "ipv4",
    geo: { country: "United States", latitude: 40.71, longitude: -74.01 },
  },
  { prefix: "198.51.100", family: "ipv4", geo: { country: "Germany", latitude: 52.52, longitude: 13.4 } },
  { prefix: "192.0.2", family: "ipv4", geo: { country: "France", latitude: 48.86, longitude: 2.35 } },
  {
    prefix: "2001:db8:4a1f:10",
    family: "ipv6",
    geo: { country: "Netherlands", latitude: 52.37, longitude: 4.9 },
  },
  {
    prefix: "2001:db8:77c0:3",
    family: "ipv6",
    geo: { country: "Japan", latitude: 35.69, longitude: 139.69 },
  },
];

/** The threat list's "last seen" time is near the end of the simulated window. */
export function withLastReported(threat: ThreatIndicator, lastReported: string): ThreatIndicator {
  return { ...threat, lastReported };
}
