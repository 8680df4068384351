// Every map answer is KQL run by the workspace's engine over the tables; this keeps each query's text beside
// the answer so that a user can paste it into the Logs page and get the same rows.

import type { MapQueries, MapTimeRange } from "@svcmap/model";
import type { QueryRunner } from "../http/query-routes.js";
import type { ResultValue } from "../kql/result.js";
import { connectionRollupName } from "../store/connection-rollup.js";
import { kqlDatetime, kqlString } from "./kql-literal.js";

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

const hourMs = 3_600_000;

/**
 * `connectionTotals`: VMConnection's counters over the window summed by the map's keys (Machine, Direction,
 * Process, RemoteIp, DestinationPort, Protocol). The window's whole hours are read from the hourly rollup the
 * workspace keeps, and only the partial hours at its edges from VMConnection, so a day or a month costs
 * hours of rollup rather than millions of rows; the sums are the same as over VMConnection alone.
 */
export function connectionTotalsLet(window: MapWindow): string {
  const wholeStart = new Date(Math.ceil(window.start.getTime() / hourMs) * hourMs);
  const wholeEnd = new Date(Math.floor(window.end.getTime() / hourMs) * hourMs);
  const sums =
    "Links = sum(LinksEstablished), FailedLinks = sum(LinksFailed), BytesSent = sum(BytesSent), BytesReceived = sum(BytesReceived), Responses = sum(Responses), ResponseTimeSum = sum(ResponseTimeSum)";
  const keys = "Machine, Direction, Process, RemoteIp, DestinationPort, Protocol";
  const raw = (where: string): string => `VMConnection\n| where ${where}\n| summarize ${sums} by ${keys}`;
  if (wholeStart >= wholeEnd) {
    return `let connectionTotals = ${raw("TimeGenerated >= start and TimeGenerated < end")};\n`;
  }
  return (
    `let wholeStart = ${kqlDatetime(wholeStart)};\nlet wholeEnd = ${kqlDatetime(wholeEnd)};\n` +
    `let connectionTotals = union\n` +
    `  (materialized_view(${kqlString(connectionRollupName)})\n` +
    `  | where TimeGenerated >= wholeStart and TimeGenerated < wholeEnd\n` +
    `  | summarize ${sums} by ${keys}),\n` +
    `  (${raw("TimeGenerated >= start and TimeGenerated < wholeStart or TimeGenerated >= wholeEnd and TimeGenerated < end")})\n` +
    `| summarize Links = sum(Links), FailedLinks = sum(FailedLinks), BytesSent = sum(BytesSent), BytesReceived = sum(BytesReceived), Responses = sum(Responses), ResponseTimeSum = sum(ResponseTimeSum) by ${keys};\n`
  );
}
