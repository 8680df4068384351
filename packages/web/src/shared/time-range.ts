// A time range as pages keep it in the URL: either the last N minutes up to now, or a fixed interval.
// The Query API takes both as an ISO 8601 timespan; the map API takes a resolved start and end.

export type TimeRange =
  | { readonly kind: "last"; readonly minutes: number }
  | { readonly kind: "between"; readonly start: string; readonly end: string };

export const defaultTimeRange: TimeRange = { kind: "last", minutes: 30 };

export const presetMinutes: readonly { readonly minutes: number; readonly label: string }[] = [
  { minutes: 30, label: "Last 30 minutes" },
  { minutes: 60, label: "Last hour" },
  { minutes: 6 * 60, label: "Last 6 hours" },
  { minutes: 24 * 60, label: "Last 24 hours" },
  { minutes: 3 * 24 * 60, label: "Last 3 days" },
  { minutes: 7 * 24 * 60, label: "Last 7 days" },
  { minutes: 30 * 24 * 60, label: "Last 30 days" },
];

/** URL form: `30m` for the last 30 minutes, `2026-01-01T00:00:00Z/2026-01-01T06:00:00Z` for an interval. */
export function formatTimeRange(range: TimeRange): string {
  return range.kind === "last" ? `${range.minutes}m` : `${range.start}/${range.end}`;
}

export function parseTimeRange(text: string | null): TimeRange {
  if (text === null || text === "") return defaultTimeRange;
  const last = /^(\d+)m$/.exec(text);
  if (last !== null) return { kind: "last", minutes: Number(last[1]) };
  const [start, end] = text.split("/");
  if (start !== undefined && end !== undefined && !isNaN(Date.parse(start)) && !isNaN(Date.parse(end))) {
    return { kind: "between", start: new Date(start).toISOString(), end: new Date(end).toISOString() };
  }
  return defaultTimeRange;
}

/** The ISO 8601 timespan the Query API takes. */
export function queryTimespan(range: TimeRange): string {
  return range.kind === "last" ? `PT${range.minutes}M` : `${range.start}/${range.end}`;
}

/** The range's start and end as instants, with `now` for a range that ends now. */
export function resolveTimeRange(range: TimeRange, now: Date = new Date()): { start: Date; end: Date } {
  if (range.kind === "between") return { start: new Date(range.start), end: new Date(range.end) };
  return { start: new Date(now.getTime() - range.minutes * 60_000), end: now };
}

export function describeTimeRange(range: TimeRange): string {
  if (range.kind === "last") {
    const preset = presetMinutes.find((p) => p.minutes === range.minutes);
    return preset?.label ?? `Last ${range.minutes} minutes`;
  }
  const format = (iso: string): string => iso.replace("T", " ").replace(/:\d\d(\.\d+)?Z$/, " UTC");
  return `${format(range.start)} – ${format(range.end)}`;
}
