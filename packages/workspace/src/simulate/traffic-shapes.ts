// How each kind of conversation looks per minute: how often it is seen, how many requests it carries, how
// big they are and how long answers take. Pooled conversations keep their connections open all day; the
// others open a connection every few requests.

import type { TrafficShape } from "./estate-model.js";

function shape(
  fields: Partial<TrafficShape> &
    Pick<TrafficShape, "requestsPerMinute" | "requestBytes" | "responseBytes" | "responseMs">,
): TrafficShape {
  return { activity: 1, followsOfficeHours: false, pooledLinks: 0, requestsPerLink: 4, ...fields };
}

export const trafficShapes = {
  /** Browsers of people on the internet visiting a public web server. */
  visitor: shape({
    activity: 0.45,
    followsOfficeHours: true,
    requestsPerMinute: 14,
    requestBytes: 900,
    responseBytes: 22_000,
    responseMs: 45,
    requestsPerLink: 6,
  }),
  /** Staff workstations using an internal web application. */
  workstationWeb: shape({
    activity: 0.5,
    followsOfficeHours: true,
    requestsPerMinute: 9,
    requestBytes: 800,
    responseBytes: 26_000,
    responseMs: 60,
    requestsPerLink: 5,
  }),
  /** Staff workstations with a mapped network drive. */
  workstationSmb: shape({
    activity: 0.5,
    followsOfficeHours: true,
    requestsPerMinute: 30,
    requestBytes: 1_800,
    responseBytes: 48_000,
    responseMs: 8,
    pooledLinks: 1,
  }),
  /** An administrator's SSH session from a jump host. */
  adminSsh: shape({
    activity: 0.04,
    followsOfficeHours: true,
    requestsPerMinute: 12,
    requestBytes: 200,
    responseBytes: 1_800,
    responseMs: 40,
    pooledLinks: 1,
  }),
  /** A reverse proxy forwarding to its application backends over kept-alive connections. */
  reverseProxy: shape({
    requestsPerMinute: 140,
    requestBytes: 1_200,
    responseBytes: 9_000,
    responseMs: 35,
    pooledLinks: 8,
  }),
  /** nginx handing PHP requests to php-fpm on the same machine, one connection per request. */
  fastCgi: shape({
    activity: 0.9,
    requestsPerMinute: 50,
    requestBytes: 1_500,
    responseBytes: 12_000,
    responseMs: 25,
    requestsPerLink: 1,
  }),
  /** One microservice calling another. */
  serviceCall: shape({
    activity: 0.92,
    requestsPerMinute: 70,
    requestBytes: 800,
    responseBytes: 3_200,
    responseMs: 18,
    pooledLinks: 4,
  }),
  /** An application's database connection pool. */
  databasePool: shape({
    requestsPerMinute: 320,
    requestBytes: 420,
    responseBytes: 6_500,
    responseMs: 4,
    pooledLinks: 10,
  }),
  /** An application's cache client. */
  cachePool: shape({
    requestsPerMinute: 650,
    requestBytes: 120,
    responseBytes: 900,
    responseMs: 1,
    pooledLinks: 4,
  }),
  /** Authentication lookups against the directory. */
  ldapLookup: shape({
    activity: 0.4,
    followsOfficeHours: true,
    requestsPerMinute: 6,
    requestBytes: 320,
    responseBytes: 1_400,
    responseMs: 3,
    requestsPerLink: 3,
  }),
  /** Samba looking up users and groups in the directory. */
  directoryBackend: shape({
    requestsPerMinute: 20,
    requestBytes: 300,
    responseBytes: 2_000,
    responseMs: 2,
    pooledLinks: 2,
  }),
  /** An application reading and writing files on the share. */
  fileShare: shape({
    activity: 0.3,
    requestsPerMinute: 25,
    requestBytes: 16_000,
    responseBytes: 4_000,
    responseMs: 9,
    pooledLinks: 1,
  }),
  /** A third-party API called by an application. */
  apiCall: shape({
    activity: 0.6,
    followsOfficeHours: true,
    requestsPerMinute: 8,
    requestBytes: 1_500,
    responseBytes: 4_000,
    responseMs: 180,
    requestsPerLink: 4,
  }),
  /** Exporting telemetry to the collector on the same machine. */
  telemetry: shape({
    requestsPerMinute: 12,
    requestBytes: 18_000,
    responseBytes: 120,
    responseMs: 2,
    pooledLinks: 1,
  }),
  /** Prometheus scraping an exporter every fifteen seconds over a kept-alive connection. */
  scrape: shape({
    requestsPerMinute: 4,
    requestBytes: 260,
    responseBytes: 60_000,
    responseMs: 40,
    pooledLinks: 1,
  }),
  /** DNS lookups to the site resolvers. */
  dns: shape({
    activity: 0.92,
    requestsPerMinute: 30,
    requestBytes: 70,
    responseBytes: 150,
    responseMs: 2,
    requestsPerLink: 1,
  }),
  /** Clock synchronisation: one exchange every quarter of an hour or so. */
  ntp: shape({
    activity: 0.07,
    requestsPerMinute: 1,
    requestBytes: 48,
    responseBytes: 48,
    responseMs: 28,
    requestsPerLink: 1,
  }),
  /** A replica streaming changes from its primary database. */
  replication: shape({
    requestsPerMinute: 60,
    requestBytes: 200,
    responseBytes: 45_000,
    responseMs: 2,
    pooledLinks: 1,
  }),
  /** A batch job reading from a database. */
  batchQuery: shape({
    requestsPerMinute: 220,
    requestBytes: 300,
    responseBytes: 32_000,
    responseMs: 6,
    pooledLinks: 2,
  }),
  /** A batch job writing its output to the file share. */
  batchWrite: shape({
    activity: 0.85,
    requestsPerMinute: 30,
    requestBytes: 64_000,
    responseBytes: 500,
    responseMs: 10,
    pooledLinks: 1,
  }),
  /** A batch job uploading to object storage. */
  upload: shape({
    activity: 0.7,
    requestsPerMinute: 20,
    requestBytes: 220_000,
    responseBytes: 600,
    responseMs: 220,
    pooledLinks: 1,
  }),
  /** A cron job downloading a file. */
  download: shape({
    requestsPerMinute: 2,
    requestBytes: 400,
    responseBytes: 250_000,
    responseMs: 300,
    requestsPerLink: 2,
  }),
  /** A miner's stratum connection to its pool. */
  mining: shape({
    requestsPerMinute: 4,
    requestBytes: 300,
    responseBytes: 600,
    responseMs: 150,
    pooledLinks: 1,
  }),
  /** Malware checking in with its command-and-control server. */
  beacon: shape({
    activity: 0.2,
    requestsPerMinute: 1,
    requestBytes: 500,
    responseBytes: 200,
    responseMs: 250,
    requestsPerLink: 1,
  }),
  /** A botnet node probing a public server. */
  scan: shape({
    activity: 0.12,
    requestsPerMinute: 3,
    requestBytes: 200,
    responseBytes: 400,
    responseMs: 10,
    requestsPerLink: 1,
  }),
  /** An application still configured for a host that was retired: every attempt fails. */
  retiredPeer: shape({
    activity: 0.5,
    requestsPerMinute: 2,
    requestBytes: 0,
    responseBytes: 0,
    responseMs: 0,
    requestsPerLink: 1,
  }),
} as const;
