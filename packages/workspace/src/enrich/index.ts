export { ConnectionEnrichment, type Enrichment, type RowEnrichment } from "./connection-enrichment.js";
export {
  GeoLocator,
  shippedGeoAttribution,
  shippedGeoDatabase,
  type GeoDatabaseFiles,
  type GeoLocation,
} from "./geo-locator.js";
export { publicAddressFamily } from "./public-address.js";
export { ThreatFeed, ThreatFeedError, parseThreatFeed, type ThreatIndicator } from "./threat-feed.js";
export { ThreatFeedFile } from "./threat-feed-file.js";
