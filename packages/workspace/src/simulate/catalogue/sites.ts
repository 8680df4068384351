// The places the simulated estate runs in. Private addressing is 10.<secondOctet>.<tier subnet>.<host>; the
// public addresses are from the documentation ranges (RFC 5737), so no real network is named.

export interface AzureRegion {
  readonly location: string;
  readonly resourceGroup: string;
}

export interface Site {
  readonly code: string;
  readonly city: string;
  readonly country: string;
  readonly latitude: number;
  readonly longitude: number;
  /** Local time offset from UTC, for the office-hours shape of traffic and VMComputer.TimeZone. */
  readonly utcOffsetHours: number;
  readonly domain: string;
  readonly secondOctet: number;
  /** The address the site's servers are seen from on the internet (Heartbeat.ComputerIP). */
  readonly publicIp: string;
  /** Set for the cloud site: its machines carry the Azure columns. */
  readonly azure: AzureRegion | undefined;
  /** Set for dual-stack sites: the first four groups of the site's IPv6 addresses. */
  readonly ipv6Prefix: string | undefined;
  /** Share of the machines beyond the fixed ones that live here. */
  readonly weight: number;
}

export const sites: readonly Site[] = [
  {
    code: "fra1",
    city: "Frankfurt",
    country: "Germany",
    latitude: 50.11,
    longitude: 8.68,
    utcOffsetHours: 1,
    domain: "fra1.acme.example",
    secondOctet: 20,
    publicIp: "192.0.2.20",
    azure: undefined,
    ipv6Prefix: undefined,
    weight: 0.3,
  },
  {
    code: "dal1",
    city: "Dallas",
    country: "United States",
    latitude: 32.78,
    longitude: -96.8,
    utcOffsetHours: -6,
    domain: "dal1.acme.example",
    secondOctet: 229,
    publicIp: "192.0.2.29",
    azure: undefined,
    ipv6Prefix: undefined,
    weight: 0.3,
  },
  {
    code: "sin1",
    city: "Singapore",
    country: "Singapore",
    latitude: 1.35,
    longitude: 103.82,
    utcOffsetHours: 8,
    domain: "sin1.acme.example",
    secondOctet: 40,
    publicIp: "192.0.2.40",
    azure: undefined,
    ipv6Prefix: undefined,
    weight: 0.2,
  },
  {
    code: "weu",
    city: "Amsterdam",
    country: "Netherlands",
    latitude: 52.37,
    longitude: 4.9,
    utcOffsetHours: 0,
    domain: "weu.acme.example",
    secondOctet: 100,
    publicIp: "198.51.100.10",
    azure: { location: "westeurope", resourceGroup: "rg-acme-prod-weu" },
    ipv6Prefix: "fd42:ac3e:100:0",
    weight: 0.2,
  },
];

export function siteByCode(code: string): Site {
  const site = sites.find((s) => s.code === code);
  if (site === undefined) throw new Error(`no site ${code}`);
  return site;
}

/** The site's DNS resolvers: unmonitored appliances that every machine asks over UDP. */
export function resolverIps(site: Site): readonly string[] {
  return [`10.${site.secondOctet}.0.53`, `10.${site.secondOctet}.1.53`];
}

/** The site's Prometheus server, which has no agent. */
export function metricsScraperIp(site: Site): string {
  return `10.${site.secondOctet}.0.90`;
}

/** The TimeZone column: the offset as the agent reports it. */
export function timeZoneLabel(site: Site): string {
  if (site.utcOffsetHours === 0) return "UTC";
  const sign = site.utcOffsetHours < 0 ? "-" : "+";
  const hours = String(Math.abs(site.utcOffsetHours)).padStart(2, "0");
  return `UTC${sign}${hours}:00`;
}
