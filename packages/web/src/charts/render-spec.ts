// What a `render` asks for, read from the Query API's render metadata: the chart kind and its `with (…)`
// properties, normalised (lists split, names as Kusto spells them), and which columns play which part.

import type { QueryColumn, QueryTable, RenderInfo } from "../api/client.js";

export type ChartKind =
  | "timechart"
  | "linechart"
  | "areachart"
  | "stackedareachart"
  | "columnchart"
  | "barchart"
  | "piechart"
  | "scatterchart"
  | "card"
  | "table"
  | "map";

export interface RenderSpec {
  readonly chart: ChartKind;
  readonly title?: string;
  readonly xtitle?: string;
  readonly ytitle?: string;
  readonly xcolumn?: string;
  readonly ycolumns?: readonly string[];
  readonly series?: readonly string[];
  /** `stacked`, `unstacked`, `stacked100`, `map`, `default`. */
  readonly kind?: string;
  readonly legend?: "visible" | "hidden";
  readonly ymin?: number;
  readonly ymax?: number;
  readonly xaxis?: "linear" | "log";
  readonly yaxis?: "linear" | "log";
  readonly accumulate?: boolean;
}

/** Every chart kind drawn here, in the order a list of them is offered. */
export const chartKinds: readonly ChartKind[] = [
  "timechart",
  "linechart",
  "areachart",
  "stackedareachart",
  "columnchart",
  "barchart",
  "piechart",
  "scatterchart",
  "card",
  "table",
  "map",
];

/** Charts Kusto has that are drawn here as their nearest kind. */
const nearest: Readonly<Record<string, ChartKind>> = {
  anomalychart: "timechart",
  timepivot: "table",
  pivotchart: "table",
  ladderchart: "barchart",
  treemap: "piechart",
};

function list(value: string | readonly string[] | undefined): readonly string[] | undefined {
  if (value === undefined) return undefined;
  const items = (typeof value === "string" ? value.split(",") : value).map((s) => s.trim()).filter(Boolean);
  return items.length === 0 ? undefined : items;
}

function one(value: string | readonly string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === "string" ? value : value.join(", ");
}

function numberOf(value: string | readonly string[] | undefined): number | undefined {
  const text = one(value);
  if (text === undefined || text.trim() === "") return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** Reads render metadata; undefined when the query had no render or asked for a chart not drawn here. */
export function renderSpecOf(render: RenderInfo | undefined): RenderSpec | undefined {
  if (render === undefined) return undefined;
  const name = render.visualization.toLowerCase();
  const chart = (chartKinds as readonly string[]).includes(name) ? (name as ChartKind) : nearest[name];
  if (chart === undefined) return undefined;
  const text = (key: string): string | undefined => one(render[key]);
  const spec: Record<string, unknown> = { chart };
  for (const key of ["title", "xtitle", "ytitle", "xcolumn", "kind"]) {
    const value = text(key);
    if (value !== undefined && value !== "") spec[key] = value;
  }
  const ycolumns = list(render["ycolumns"]);
  if (ycolumns !== undefined) spec["ycolumns"] = ycolumns;
  const series = list(render["series"]);
  if (series !== undefined) spec["series"] = series;
  const legend = text("legend");
  if (legend === "visible" || legend === "hidden") spec["legend"] = legend;
  for (const axis of ["xaxis", "yaxis"]) {
    const value = text(axis);
    if (value === "linear" || value === "log") spec[axis] = value;
  }
  const ymin = numberOf(render["ymin"]);
  const ymax = numberOf(render["ymax"]);
  if (ymin !== undefined) spec["ymin"] = ymin;
  if (ymax !== undefined) spec["ymax"] = ymax;
  if (text("accumulate") === "true") spec["accumulate"] = true;
  return spec as unknown as RenderSpec;
}

export const numericTypes: ReadonlySet<string> = new Set(["int", "long", "real", "decimal"]);

export function isNumeric(column: QueryColumn): boolean {
  return numericTypes.has(column.type);
}

/** Latitude and longitude columns, by the names Log Analytics and the seeds use. */
export function geoColumns(table: QueryTable): { latitude: number; longitude: number } | undefined {
  const find = (pattern: RegExp): number =>
    table.columns.findIndex((c) => pattern.test(c.name) && (isNumeric(c) || c.type === "dynamic"));
  const latitude = find(/(^|_|[a-z])(lat|latitude)(_d)?$/i);
  const longitude = find(/(^|_|[a-z])(lon|lng|long|longitude)(_d)?$/i);
  return latitude < 0 || longitude < 0 ? undefined : { latitude, longitude };
}

/** Whether a result should be drawn on the world map: `kind=map`, or a `map` render of rows with a position. */
export function isMapRender(spec: RenderSpec, table: QueryTable): boolean {
  if (geoColumns(table) === undefined) return false;
  return spec.kind === "map" || spec.chart === "map";
}
