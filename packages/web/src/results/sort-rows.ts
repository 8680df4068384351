// Client-side sorting of a result's rows by one column, with each Kusto type compared as itself: numbers as
// numbers, datetimes and timespans in time order, strings by the user's locale; nulls always last.

import type { QueryColumn } from "../api/client.js";

export interface SortOrder {
  readonly column: number;
  readonly descending: boolean;
}

const numericTypes = new Set(["int", "long", "real", "decimal"]);

/** Kusto timespan text `[-][d.]hh:mm:ss[.fffffff]` in ticks, so that `1.00:00:00` sorts after `23:00:00`. */
export function timespanTicks(text: string): number {
  const match = /^(-)?(?:(\d+)\.)?(\d+):(\d+):(\d+)(?:\.(\d+))?$/.exec(text);
  if (match === null) return NaN;
  const [, minus, days, h, m, s, fraction] = match;
  const seconds = Number(days ?? 0) * 86_400 + Number(h) * 3_600 + Number(m) * 60 + Number(s);
  const ticks = seconds * 1e7 + Number((fraction ?? "").padEnd(7, "0").slice(0, 7));
  return minus === undefined ? ticks : -ticks;
}

function comparer(type: string): (a: unknown, b: unknown) => number {
  if (numericTypes.has(type)) return (a, b) => Number(a) - Number(b);
  if (type === "timespan") return (a, b) => timespanTicks(String(a)) - timespanTicks(String(b));
  if (type === "datetime") return (a, b) => Date.parse(String(a)) - Date.parse(String(b));
  if (type === "bool") return (a, b) => Number(a) - Number(b);
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
  return (a, b) => collator.compare(String(a), String(b));
}

export function sortRows<R extends readonly unknown[]>(
  rows: readonly R[],
  columns: readonly QueryColumn[],
  order: SortOrder | undefined,
): readonly R[] {
  if (order === undefined) return rows;
  const compare = comparer(columns[order.column]?.type ?? "string");
  const sign = order.descending ? -1 : 1;
  return rows
    .map((row, index) => ({ row, index }))
    .sort((x, y) => {
      const a = x.row[order.column];
      const b = y.row[order.column];
      if (a === null || a === undefined) return b === null || b === undefined ? x.index - y.index : 1;
      if (b === null || b === undefined) return -1;
      return sign * compare(a, b) || x.index - y.index;
    })
    .map((entry) => entry.row);
}
