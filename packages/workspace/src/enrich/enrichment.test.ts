import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestBatch } from "../ingest/ingest-batch.js";
import { IngestError } from "../ingest/ingest-error.js";
import { jsonTextRowSource } from "../ingest/row-sources.js";
import { WorkspaceStore } from "../store/workspace-store.js";
import { ConnectionEnrichment } from "./connection-enrichment.js";
import { GeoLocator, shippedGeoDatabase } from "./geo-locator.js";
import { publicAddressFamily } from "./public-address.js";
import { parseThreatFeed, ThreatFeedError } from "./threat-feed.js";
import { ThreatFeedFile } from "./threat-feed-file.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "svcmap-enrich-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("public addresses", () => {
  it.each([
    ["8.8.8.8", 4],
    ["2001:4860:4860::8888", 6],
    ["::ffff:8.8.4.4", 4],
    ["10.1.2.3", 0],
    ["172.20.0.1", 0],
    ["192.168.1.1", 0],
    ["100.64.0.9", 0],
    ["127.0.0.1", 0],
    ["169.254.10.10", 0],
    ["::1", 0],
    ["fe80::1", 0],
    ["fd12:3456::1", 0],
    ["::ffff:10.0.0.1", 0],
    ["224.0.0.251", 0],
    ["not an address", 0],
  ])("%s is %s", (address, family) => {
    expect(publicAddressFamily(address)).toBe(family);
  });
});

describe("the shipped geolocation database", () => {
  const geo = new GeoLocator(shippedGeoDatabase()).check();

  it("places well-known public resolvers in their countries with coordinates inside them", () => {
    const google = geo.locate("8.8.8.8");
    expect(google?.country).toBe("United States");
    expect(google?.latitude).toBeGreaterThan(24);
    expect(google?.latitude).toBeLessThan(50);
    expect(google?.longitude).toBeGreaterThan(-125);
    expect(google?.longitude).toBeLessThan(-66);
    const quad9 = geo.locate("2620:fe::fe");
    expect(quad9?.country).not.toBe("");
    expect(Number.isFinite(quad9?.latitude)).toBe(true);
  });

  it("has nothing to say of private addresses", () => {
    expect(geo.locate("10.0.0.1")).toBeUndefined();
    expect(geo.locate("fd00::1")).toBeUndefined();
  });

  it("names a file it cannot read", () => {
    expect(() => new GeoLocator({ ipv4: join(dir, "missing.mmdb") }).check()).toThrow(/missing\.mmdb/);
    const notADatabase = join(dir, "not-a-database.mmdb");
    writeFileSync(notADatabase, "ip,country\n8.8.8.8,US\n");
    expect(() => new GeoLocator({ ipv4: notADatabase }).check()).toThrow(
      /not-a-database\.mmdb: it is not a MaxMind DB/,
    );
  });
});

describe("threat feeds", () => {
  it("reads CSV with the columns' own names or common aliases, networks and IPv6 included", () => {
    const feed = parseThreatFeed(
      [
        "ip,threat_type,Description,TLP,Confidence,Severity,first_seen,last_seen,active",
        "198.51.100.7,Botnet,Known botnet node,TLP:AMBER,90,5,2026-01-01T00:00:00Z,2026-02-01T00:00:00Z,true",
        "203.0.113.0/24,C2,C2 range,green,70,,2026-01-02T00:00:00Z,2026-01-03T00:00:00Z,false",
        "2001:DB8:0:0::1,Phishing,v6 phish,red,50,2,,,",
      ].join("\n"),
      "feed.csv",
    );
    expect(feed.size).toBe(3);
    expect(feed.lookup("198.51.100.7")).toEqual({
      threatType: "Botnet",
      description: "Known botnet node",
      tlpLevel: "Amber",
      confidence: "90",
      severity: 5,
      firstReported: "2026-01-01T00:00:00Z",
      lastReported: "2026-02-01T00:00:00Z",
      isActive: "True",
    });
    expect(feed.lookup("203.0.113.200")).toMatchObject({ threatType: "C2", severity: 3, isActive: "False" });
    expect(feed.lookup("2001:db8::1")).toMatchObject({ threatType: "Phishing", tlpLevel: "Red" });
    expect(feed.lookup("198.51.100.8")).toBeUndefined();
  });

  it("reads STIX 2.1 indicators: address patterns, TLP markings, types, revocation and expiry", () => {
    const bundle = {
      type: "bundle",
      id: "bundle--1",
      objects: [
        {
          type: "indicator",
          id: "indicator--a",
          pattern: "[ipv4-addr:value = '192.0.2.66'] OR [ipv6-addr:value = '2001:db8::66']",
          pattern_type: "stix",
          indicator_types: ["malicious-activity"],
          name: "Emotet loader",
          confidence: 85,
          created: "2026-03-01T00:00:00.000Z",
          modified: "2026-03-05T00:00:00.000Z",
          valid_from: "2026-03-01T00:00:00.000Z",
          object_marking_refs: ["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"],
        },
        {
          type: "indicator",
          id: "indicator--b",
          pattern: "[ipv4-addr:value = '192.0.2.77']",
          indicator_types: ["anonymization"],
          description: "Exit node",
          revoked: true,
          created: "2026-03-01T00:00:00.000Z",
          modified: "2026-03-02T00:00:00.000Z",
        },
        {
          type: "indicator",
          id: "indicator--c",
          pattern: "[ipv4-addr:value = '192.0.2.88']",
          labels: ["c2"],
          valid_until: "2026-01-01T00:00:00.000Z",
          created: "2025-12-01T00:00:00.000Z",
        },
        { type: "indicator", id: "indicator--d", pattern: "[domain-name:value = 'evil.example']" },
      ],
    };
    const feed = parseThreatFeed(JSON.stringify(bundle), "feed.json", new Date("2026-06-01T00:00:00Z"));
    expect(feed.size).toBe(4);
    expect(feed.lookup("192.0.2.66")).toEqual({
      threatType: "Malware",
      description: "Emotet loader",
      tlpLevel: "Green",
      confidence: "85",
      severity: 3,
      firstReported: "2026-03-01T00:00:00.000Z",
      lastReported: "2026-03-05T00:00:00.000Z",
      isActive: "True",
    });
    expect(feed.lookup("2001:db8:0::66")?.description).toBe("Emotet loader");
    expect(feed.lookup("192.0.2.77")).toMatchObject({ threatType: "Proxy", isActive: "False" });
    expect(feed.lookup("192.0.2.88")).toMatchObject({ threatType: "C2", isActive: "False" });
  });

  it("names the file and line of an entry it cannot use", () => {
    expect(() => parseThreatFeed("ip,Severity\n198.51.100.1,2\nnot-an-ip,1\n", "bad.csv")).toThrow(
      /bad\.csv, line 3: 'not-an-ip' is not an IP address/,
    );
    expect(() => parseThreatFeed("ip,Severity\n198.51.100.1,9\n", "bad.csv")).toThrow(
      /line 2, column Severity: '9' is not a whole number from 0 to 5/,
    );
    expect(() => parseThreatFeed("host,kind\nx,y\n", "bad.csv")).toThrow(ThreatFeedError);
  });

  it("picks up a refreshed file without a restart and keeps the last good feed when a refresh is broken", () => {
    const path = join(dir, "feed.csv");
    writeFileSync(path, "ip,threat_type\n198.51.100.1,Botnet\n");
    const errors: Error[] = [];
    const file = new ThreatFeedFile(path, (error) => errors.push(error), 0);
    expect(file.current().lookup("198.51.100.1")?.threatType).toBe("Botnet");

    writeFileSync(path, "ip,threat_type\n198.51.100.2,Phishing\n");
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    expect(file.current().lookup("198.51.100.1")).toBeUndefined();
    expect(file.current().lookup("198.51.100.2")?.threatType).toBe("Phishing");

    writeFileSync(path, "ip,threat_type\nbroken,Botnet\n");
    utimesSync(path, new Date(), new Date(Date.now() + 10_000));
    expect(file.current().lookup("198.51.100.2")?.threatType).toBe("Phishing");
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/'broken' is not an IP address/)]);
  });
});

describe("enrichment at ingestion", () => {
  let store: WorkspaceStore;
  beforeAll(async () => {
    store = await WorkspaceStore.open({ dataDir: join(dir, "store"), memoryLimit: "512MB" });
  });
  afterAll(() => store.close());

  it("fills geolocation and malicious-IP columns of VMConnection rows that lack them, and bills them", async () => {
    const feedPath = join(dir, "ingest-feed.csv");
    writeFileSync(
      feedPath,
      "ip,threat_type,Description,TLP,Confidence,Severity\n8.8.4.4,Watchlist,listed,white,40,1\n",
    );
    const enrichment = new ConnectionEnrichment({
      geo: new GeoLocator(shippedGeoDatabase()),
      threats: new ThreatFeedFile(feedPath),
    });
    const base = {
      TimeGenerated: "2026-05-01T10:00:00Z",
      Machine: "m-1",
      Computer: "web1",
      Direction: "outbound",
    };
    const rows = [
      { ...base, RemoteIp: "8.8.4.4", ConnectionId: "public-listed" },
      { ...base, RemoteIp: "10.0.0.5", ConnectionId: "private" },
      {
        ...base,
        RemoteIp: "8.8.8.8",
        RemoteCountry: "Elsewhere",
        RemoteLatitude: 1,
        RemoteLongitude: 2,
        ConnectionId: "own",
      },
    ];
    const text = rows.map((r) => JSON.stringify(r)).join("\n");
    await ingestBatch(store, "VMConnection", [jsonTextRowSource("enriched", text)], { enrichment });
    await ingestBatch(store, "VMConnection", [jsonTextRowSource("plain", text.replaceAll("m-1", "m-2"))]);

    const read = await store.withConnection(async (c) =>
      (
        await c.runAndReadAll(
          `SELECT Machine, ConnectionId, RemoteCountry, RemoteLatitude, RemoteLongitude, MaliciousIp,
                  IndicatorThreatType, Description, TLPLevel, Confidence, Severity, IsActive, _BilledSize
           FROM VMConnection ORDER BY Machine, ConnectionId`,
        )
      ).getRowObjectsJS(),
    );
    const row = (machine: string, id: string) =>
      read.find((r) => r["Machine"] === machine && r["ConnectionId"] === id)!;
    expect(row("m-1", "public-listed")).toMatchObject({
      RemoteCountry: "United States",
      MaliciousIp: "8.8.4.4",
      IndicatorThreatType: "Watchlist",
      Description: "listed",
      TLPLevel: "White",
      Confidence: "40",
      Severity: 1,
      IsActive: "True",
    });
    expect(row("m-1", "public-listed")["RemoteLatitude"]).toBeTypeOf("number");
    expect(row("m-1", "private")).toMatchObject({ RemoteCountry: "", RemoteLatitude: null, MaliciousIp: "" });
    expect(row("m-1", "own")).toMatchObject({
      RemoteCountry: "Elsewhere",
      RemoteLatitude: 1,
      RemoteLongitude: 2,
    });
    // Without enrichment nothing is added; with it, the added columns are billed like the rest of the record.
    expect(row("m-2", "public-listed")).toMatchObject({ RemoteCountry: "", MaliciousIp: "" });
    expect(row("m-1", "public-listed")["_BilledSize"] as number).toBeGreaterThan(
      row("m-2", "public-listed")["_BilledSize"] as number,
    );
  });

  it("rejects a bad batch whole even with enrichment on", async () => {
    const enrichment = new ConnectionEnrichment({ geo: new GeoLocator(shippedGeoDatabase()) });
    const before = await store.withConnection(
      async (c) => (await c.runAndReadAll("SELECT count(*) FROM VMConnection")).getRowsJS()[0]?.[0],
    );
    const text = `{"RemoteIp":"8.8.8.8","Machine":"m-3"}\n{"RemoteIp":"8.8.8.8","BytesSent":"lots"}\n`;
    await expect(
      ingestBatch(store, "VMConnection", [jsonTextRowSource("bad", text)], { enrichment }),
    ).rejects.toBeInstanceOf(IngestError);
    const after = await store.withConnection(
      async (c) => (await c.runAndReadAll("SELECT count(*) FROM VMConnection")).getRowsJS()[0]?.[0],
    );
    expect(after).toBe(before);
  });
});
