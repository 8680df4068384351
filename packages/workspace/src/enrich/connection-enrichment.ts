// Enrichment at ingestion: what the workspace adds to a record from what it knows and the agent does not — the
// remote end's country and coordinates, and whether it is a known malicious address. A record that already
// carries these columns keeps its own values.

import type { StoredTableName } from "@svcmap/model";
import type { StoredValue } from "../store/table-appender.js";
import type { GeoLocator } from "./geo-locator.js";
import type { ThreatFeedFile } from "./threat-feed-file.js";

/** Fills columns of one row in place; `present` marks the columns the row has a value for. */
export type RowEnrichment = (values: StoredValue[], present: Uint8Array) => void;

export interface Enrichment {
  /** The enrichment for rows of `table`, given where its columns are; undefined when there is none. */
  forTable(table: StoredTableName, columnIndex: ReadonlyMap<string, number>): RowEnrichment | undefined;
}

export interface ConnectionEnrichmentSources {
  readonly geo?: GeoLocator;
  readonly threats?: ThreatFeedFile;
}

export class ConnectionEnrichment implements Enrichment {
  constructor(private readonly sources: ConnectionEnrichmentSources) {}

  forTable(table: StoredTableName, columnIndex: ReadonlyMap<string, number>): RowEnrichment | undefined {
    if (table !== "VMConnection") return undefined;
    const { geo, threats } = this.sources;
    if (geo === undefined && threats === undefined) return undefined;
    const at = (name: string): number => {
      const index = columnIndex.get(name);
      if (index === undefined) throw new Error(`VMConnection has no column ${name}`);
      return index;
    };
    const remoteIp = at("RemoteIp");
    const country = at("RemoteCountry");
    const latitude = at("RemoteLatitude");
    const longitude = at("RemoteLongitude");
    const malicious = {
      ip: at("MaliciousIp"),
      threatType: at("IndicatorThreatType"),
      description: at("Description"),
      tlpLevel: at("TLPLevel"),
      confidence: at("Confidence"),
      severity: at("Severity"),
      firstReported: at("FirstReportedDateTime"),
      lastReported: at("LastReportedDateTime"),
      isActive: at("IsActive"),
    };
    const hasText = (values: StoredValue[], present: Uint8Array, index: number): boolean =>
      present[index] === 1 && values[index] !== "";

    return (values, present) => {
      if (!hasText(values, present, remoteIp)) return;
      const ip = values[remoteIp] as string;
      const set = (index: number, value: StoredValue): void => {
        values[index] = value;
        present[index] = 1;
      };
      if (geo !== undefined && !hasText(values, present, country) && present[latitude] === 0) {
        const place = geo.locate(ip);
        if (place !== undefined) {
          set(country, place.country);
          if (!Number.isNaN(place.latitude)) {
            set(latitude, place.latitude);
            set(longitude, place.longitude);
          }
        }
      }
      if (threats !== undefined && !hasText(values, present, malicious.ip)) {
        const indicator = threats.current().lookup(ip);
        if (indicator !== undefined) {
          set(malicious.ip, ip);
          set(malicious.threatType, indicator.threatType);
          set(malicious.description, indicator.description);
          set(malicious.tlpLevel, indicator.tlpLevel);
          set(malicious.confidence, indicator.confidence);
          set(malicious.severity, indicator.severity);
          set(malicious.firstReported, indicator.firstReported);
          set(malicious.lastReported, indicator.lastReported);
          set(malicious.isActive, indicator.isActive);
        }
      }
    };
  }
}
