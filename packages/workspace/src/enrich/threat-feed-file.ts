// The feed file the operator points at, read again whenever it changes, so that a refreshed feed applies to the
// next batch without a restart. A refresh that cannot be read leaves the last good feed in force.

import { readFileSync, statSync } from "node:fs";
import { ThreatFeed, ThreatFeedError, parseThreatFeed } from "./threat-feed.js";

export class ThreatFeedFile {
  private feed: ThreatFeed;
  private version: string;
  private checkedAt = 0;

  /** Reads the file now: a feed that cannot be read at start-up is an error the operator sees at once. */
  constructor(
    readonly path: string,
    private readonly onReloadError: (error: Error) => void = () => {},
    /** How often, at most, the file's size and modification time are looked at. */
    private readonly recheckMs = 2000,
  ) {
    try {
      this.version = fileVersion(path);
      this.feed = parseThreatFeed(readFileSync(path, "utf8"), path);
    } catch (error) {
      if (error instanceof ThreatFeedError) throw error;
      throw new ThreatFeedError(
        path,
        "file",
        `cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      );
    }
    this.checkedAt = Date.now();
  }

  /** The feed as of the file's latest readable version. */
  current(now = Date.now()): ThreatFeed {
    if (now - this.checkedAt < this.recheckMs) return this.feed;
    this.checkedAt = now;
    try {
      const version = fileVersion(this.path);
      if (version !== this.version) {
        this.feed = parseThreatFeed(readFileSync(this.path, "utf8"), this.path);
        this.version = version;
      }
    } catch (error) {
      this.onReloadError(error as Error);
    }
    return this.feed;
  }
}

function fileVersion(path: string): string {
  const stat = statSync(path);
  return `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
}
