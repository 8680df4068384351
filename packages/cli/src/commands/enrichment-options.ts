// The enrichment options that `svcmap serve` and `svcmap ingest` share: which GeoIP database, which threat feed.

import {
  ConnectionEnrichment,
  GeoLocator,
  shippedGeoDatabase,
  ThreatFeedFile,
  type Enrichment,
} from "@svcmap/workspace";

export const enrichmentUsage = `  --geoip FILE          a MaxMind-format City database (GeoIP2, GeoLite2, DB-IP) for RemoteCountry,
                        RemoteLatitude and RemoteLongitude; 'none' turns geolocation off
                        (default: the DB-IP Lite database shipped with svcmap, CC BY 4.0)
  --threat-feed FILE    a threat-intelligence feed (CSV with a header row, or a STIX 2 bundle) for the
                        malicious-IP columns; read again whenever the file changes`;

export const enrichmentOptions = {
  geoip: { type: "string" },
  "threat-feed": { type: "string" },
} as const;

export function enrichmentFrom(
  values: { geoip?: string | undefined; "threat-feed"?: string | undefined },
  onFeedReloadError: (error: Error) => void,
): Enrichment {
  const geoip = values.geoip;
  const geo =
    geoip === "none"
      ? undefined
      : new GeoLocator(geoip === undefined ? shippedGeoDatabase() : { ipv4: geoip }).check();
  const feedPath = values["threat-feed"];
  const threats = feedPath === undefined ? undefined : new ThreatFeedFile(feedPath, onFeedReloadError);
  return new ConnectionEnrichment({
    ...(geo === undefined ? {} : { geo }),
    ...(threats === undefined ? {} : { threats }),
  });
}
