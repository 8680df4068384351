// Every map answer is KQL run by the workspace's engine over the tables; this keeps each query's text beside
// the answer so that a user can paste it into the Logs page and get the same rows.

import type { MapQueries, MapTimeRange } from "@svcmap/model";
import type { QueryRunner } from "../http/query-routes.js";
import type { ResultValue } from "../kql/result.js";
import { kqlDatetime } from "./kql-literal.js";

export type Row = Readonly<Record<string, ResultValue>>;

export interface MapWindow {
  readonly start: Date;
  readonly end: Date;
}

/**
 * VMComputer and VMProcess are written once an hour and on change, so a short range may hold none of a
 * machine's inventory rows; inventory is read from this far before the range's start.
 */
export const inventoryLookback = "1h";

/**
 * `addresses`: which monitored machine an IPv4 address belongs to, from each machine's latest inventory
 * (`RemoteMachine` by `Ip`). An address two machines claim goes to one of them, so joins never multiply rows.
 */
export const addressesLet = `let addresses = VMComputer
| where TimeGenerated >= start - ${inventoryLookback} and TimeGenerated < end
| summarize arg_max(TimeGenerated, Ipv4Addresses) by Machine
| mv-expand Ip = todynamic(Ipv4Addresses) to typeof(string)
| summarize RemoteMachine = min(Machine) by Ip;`;

/** The `let` lines that pin a query to the window, so its text reproduces the answer at any later time. */
export function windowLets(window: MapWindow): string {
  return `let start = ${kqlDatetime(window.start)};\nlet end = ${kqlDatetime(window.end)};\n`;
}

export function rangeOf(window: MapWindow): MapTimeRange {
  return { start: window.start.toISOString(), end: window.end.toISOString() };
}

/** Runs the named queries of one answer and remembers their text. */
export class MapQuerySet {
  private readonly texts: Record<string, string> = {};

  constructor(
    private readonly engine: QueryRunner,
    private readonly signal?: AbortSignal,
  ) {}

  async rows(name: string, kql: string): Promise<Row[]> {
    this.texts[name] = kql;
    const result = await this.engine.run(kql, this.signal === undefined ? {} : { signal: this.signal });
    const table = result.tables[0];
    if (table === undefined) return [];
    return table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c.name, row[i] ?? null])));
  }

  get queries(): MapQueries {
    return { ...this.texts };
  }
}

export function str(value: ResultValue | undefined): string {
  return value === null || value === undefined ? "" : String(value);
}

export function num(value: ResultValue | undefined): number {
  if (value === null || value === undefined || value === "") return 0;
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}

/** A dynamic column (JSON text in results) holding an array of strings. */
export function stringArray(value: ResultValue | undefined): string[] {
  if (typeof value !== "string" || value === "") return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === "string" && v !== "") : [];
  } catch {
    return [];
  }
}
