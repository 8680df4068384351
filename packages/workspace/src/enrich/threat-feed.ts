// A threat-intelligence feed: the addresses known for malicious activity, with what VMConnection's malicious-IP
// columns say about them. Read from a CSV file (a header row naming the columns) or a STIX 2.x bundle of
// indicators, as threat platforms export them.

import { BlockList, isIP } from "node:net";
import { parse as parseCsv } from "csv-parse/sync";

/** What the malicious-IP columns of a VMConnection record say about its RemoteIp. */
export interface ThreatIndicator {
  readonly threatType: string;
  readonly description: string;
  readonly tlpLevel: string;
  readonly confidence: string;
  readonly severity: number;
  readonly firstReported: string;
  readonly lastReported: string;
  readonly isActive: string;
}

/** A feed entry that could not be used, with where it is. */
export class ThreatFeedError extends Error {
  constructor(
    readonly file: string,
    readonly where: string,
    message: string,
  ) {
    super(`threat feed ${file}, ${where}: ${message}`);
    this.name = "ThreatFeedError";
  }
}

/** "Default value is 3", says the VMConnection reference. */
const defaultSeverity = 3;

export class ThreatFeed {
  private readonly byAddress = new Map<string, ThreatIndicator>();
  private readonly networks: { readonly range: BlockList; readonly indicator: ThreatIndicator }[] = [];
  private readonly anyNetwork = new BlockList();

  get size(): number {
    return this.byAddress.size + this.networks.length;
  }

  /** Adds an address (`198.51.100.7`) or a network (`198.51.100.0/24`); a later entry for one address wins. */
  add(addressOrNetwork: string, indicator: ThreatIndicator): boolean {
    const [address, prefixText] = addressOrNetwork.trim().split("/");
    const family = isIP(address ?? "");
    if (address === undefined || family === 0) return false;
    if (prefixText === undefined) {
      this.byAddress.set(canonical(address, family), indicator);
      return true;
    }
    const prefix = Number(prefixText);
    if (!/^\d+$/.test(prefixText) || prefix > (family === 4 ? 32 : 128)) return false;
    const type = family === 4 ? "ipv4" : "ipv6";
    const range = new BlockList();
    range.addSubnet(address, prefix, type);
    this.anyNetwork.addSubnet(address, prefix, type);
    this.networks.push({ range, indicator });
    return true;
  }

  lookup(address: string): ThreatIndicator | undefined {
    const family = isIP(address);
    if (family === 0) return undefined;
    const exact = this.byAddress.get(canonical(address, family));
    if (exact !== undefined || this.networks.length === 0) return exact;
    const type = family === 4 ? "ipv4" : "ipv6";
    if (!this.anyNetwork.check(address, type)) return undefined;
    return this.networks.find((n) => n.range.check(address, type))?.indicator;
  }
}

function canonical(address: string, family: number): string {
  if (family === 4) return address;
  // One spelling per IPv6 address: the URL parser writes the canonical compressed form.
  return new URL(`http://[${address}]/`).hostname.slice(1, -1);
}

/** Reads a feed's text: a STIX bundle (JSON) or CSV, told apart by the first character. */
export function parseThreatFeed(text: string, file: string, now: Date = new Date()): ThreatFeed {
  const start = text.trimStart();
  return start.startsWith("{") || start.startsWith("[")
    ? parseStix(start, file, now)
    : parseCsvFeed(text, file);
}

const csvAliases: Readonly<Record<keyof ThreatIndicator | "address", readonly string[]>> = {
  address: ["maliciousip", "ip", "ipaddress", "address", "indicator", "indicatorvalue", "networkip", "value"],
  threatType: ["indicatorthreattype", "threattype", "threat_type", "type", "category"],
  description: ["description", "name"],
  tlpLevel: ["tlplevel", "tlp"],
  confidence: ["confidence", "confidencescore"],
  severity: ["severity"],
  firstReported: ["firstreporteddatetime", "firstseen", "first_seen", "created"],
  lastReported: ["lastreporteddatetime", "lastseen", "last_seen", "modified"],
  isActive: ["isactive", "active"],
};

function parseCsvFeed(text: string, file: string): ThreatFeed {
  let rows: string[][];
  try {
    rows = parseCsv(text, { relax_column_count: true, skip_empty_lines: true, trim: true, bom: true });
  } catch (error) {
    throw new ThreatFeedError(file, "CSV", (error as Error).message);
  }
  const header = (rows[0] ?? []).map((name) => name.toLowerCase().replace(/[\s-]/g, ""));
  const column = (field: keyof typeof csvAliases): number =>
    header.findIndex((name) => csvAliases[field].includes(name));
  const at = {
    address: column("address"),
    threatType: column("threatType"),
    description: column("description"),
    tlpLevel: column("tlpLevel"),
    confidence: column("confidence"),
    severity: column("severity"),
    firstReported: column("firstReported"),
    lastReported: column("lastReported"),
    isActive: column("isActive"),
  };
  if (at.address < 0) {
    throw new ThreatFeedError(file, "line 1", `no address column (one of ${csvAliases.address.join(", ")})`);
  }
  const feed = new ThreatFeed();
  rows.slice(1).forEach((row, i) => {
    const cell = (index: number): string => (index < 0 ? "" : (row[index] ?? ""));
    const line = `line ${i + 2}`;
    const severityText = cell(at.severity);
    const severity = severityText === "" ? defaultSeverity : Number(severityText);
    if (!Number.isInteger(severity) || severity < 0 || severity > 5) {
      throw new ThreatFeedError(
        file,
        `${line}, column Severity`,
        `'${severityText}' is not a whole number from 0 to 5`,
      );
    }
    const indicator: ThreatIndicator = {
      threatType: cell(at.threatType),
      description: cell(at.description),
      tlpLevel: titleCase(cell(at.tlpLevel).replace(/^tlp:/i, "")),
      confidence: cell(at.confidence),
      severity,
      firstReported: cell(at.firstReported),
      lastReported: cell(at.lastReported),
      isActive: booleanText(cell(at.isActive), "True"),
    };
    if (!feed.add(cell(at.address), indicator)) {
      throw new ThreatFeedError(file, line, `'${cell(at.address)}' is not an IP address or network`);
    }
  });
  return feed;
}

/** The TLP marking definitions every STIX 2 producer refers to by these fixed ids. */
const stixTlpMarkings: Readonly<Record<string, string>> = {
  "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": "White",
  "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": "Green",
  "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": "Amber",
  "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": "Red",
};

/** STIX indicator types (and common labels) in the vocabulary of IndicatorThreatType. */
const stixThreatTypes: Readonly<Record<string, string>> = {
  botnet: "Botnet",
  c2: "C2",
  "command-and-control": "C2",
  cryptomining: "CryptoMining",
  "crypto-mining": "CryptoMining",
  darknet: "Darknet",
  tor: "Darknet",
  ddos: "DDos",
  "malicious-url": "MaliciousUrl",
  "malicious-activity": "Malware",
  malware: "Malware",
  compromised: "Malware",
  phishing: "Phishing",
  proxy: "Proxy",
  anonymization: "Proxy",
  pua: "PUA",
  watchlist: "Watchlist",
  "anomalous-activity": "Watchlist",
  attribution: "Watchlist",
};

interface StixObject {
  readonly type?: string;
  readonly id?: string;
  readonly pattern?: string;
  readonly pattern_type?: string;
  readonly name?: string;
  readonly description?: string;
  readonly indicator_types?: readonly string[];
  readonly labels?: readonly string[];
  readonly confidence?: number;
  readonly created?: string;
  readonly modified?: string;
  readonly valid_from?: string;
  readonly valid_until?: string;
  readonly revoked?: boolean;
  readonly object_marking_refs?: readonly string[];
  readonly definition_type?: string;
  readonly definition?: { readonly tlp?: string };
  readonly x_severity?: number;
  readonly x_threat_type?: string;
}

const stixAddress = /\b(ipv4-addr|ipv6-addr):value\s*=\s*'([^']*)'/g;

function parseStix(text: string, file: string, now: Date): ThreatFeed {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ThreatFeedError(file, "JSON", (error as Error).message);
  }
  const objects: readonly StixObject[] = Array.isArray(document)
    ? (document as StixObject[])
    : ((document as { objects?: StixObject[] }).objects ?? []);
  const markings = new Map(Object.entries(stixTlpMarkings));
  for (const object of objects) {
    if (object.type !== "marking-definition" || object.id === undefined) continue;
    const tlp = object.definition?.tlp ?? /^TLP:(\w+)/i.exec(object.name ?? "")?.[1];
    if (tlp !== undefined) markings.set(object.id, titleCase(tlp));
  }
  const feed = new ThreatFeed();
  objects.forEach((object, i) => {
    if (
      object.type !== "indicator" ||
      (object.pattern_type ?? "stix") !== "stix" ||
      object.pattern === undefined
    ) {
      return;
    }
    const kinds = [object.x_threat_type, ...(object.indicator_types ?? []), ...(object.labels ?? [])];
    const threatType =
      kinds
        .map((kind) => (kind === undefined ? undefined : stixThreatTypes[kind.toLowerCase()]))
        .find(Boolean) ??
      object.x_threat_type ??
      object.indicator_types?.[0] ??
      "";
    const expired = object.valid_until !== undefined && Date.parse(object.valid_until) <= now.getTime();
    const indicator: ThreatIndicator = {
      threatType,
      description: object.description ?? object.name ?? "",
      tlpLevel: object.object_marking_refs?.map((ref) => markings.get(ref)).find(Boolean) ?? "",
      confidence: object.confidence === undefined ? "" : String(object.confidence),
      severity: object.x_severity ?? defaultSeverity,
      firstReported: object.valid_from ?? object.created ?? "",
      lastReported: object.modified ?? object.created ?? "",
      isActive: object.revoked === true || expired ? "False" : "True",
    };
    for (const match of object.pattern.matchAll(stixAddress)) {
      const value = match[2] ?? "";
      if (!feed.add(value, indicator)) {
        throw new ThreatFeedError(
          file,
          `object ${i} (${object.id ?? "indicator"})`,
          `'${value}' is not an IP address or network`,
        );
      }
    }
  });
  return feed;
}

function titleCase(text: string): string {
  return text === "" ? "" : text[0]!.toUpperCase() + text.slice(1).toLowerCase();
}

function booleanText(text: string, fallback: string): string {
  if (text === "") return fallback;
  return /^(true|yes|1|active)$/i.test(text) ? "True" : "False";
}
