// A query result and its render spec as a chart: which rows become which series, laid out as Kusto lays
// them out (x from the first column or the first datetime for timecharts, one series per value of the text
// columns and per numeric column), as an Apache ECharts option. Pure, so it is tested without a browser.

import type { EChartsOption, SeriesOption } from "echarts";
import type { QueryTable } from "../api/client.js";
import { geoColumns, isMapRender, isNumeric, type RenderSpec } from "./render-spec.js";

export interface ChartColors {
  readonly text: string;
  readonly muted: string;
  readonly grid: string;
  readonly background: string;
  readonly land: string;
}

export interface MapPoint {
  readonly name: string;
  readonly longitude: number;
  readonly latitude: number;
  readonly value: number;
  readonly rows: number;
}

export type ChartModel =
  | { readonly kind: "echarts"; readonly option: EChartsOption; readonly seriesNames: readonly string[] }
  | { readonly kind: "map"; readonly option: EChartsOption; readonly points: readonly MapPoint[] }
  | { readonly kind: "card"; readonly value: string; readonly label: string; readonly title?: string }
  | { readonly kind: "table" }
  | { readonly kind: "message"; readonly message: string };

export const worldMapName = "svcmap-world";

interface Layout {
  readonly x: number;
  readonly ys: readonly number[];
  readonly series: readonly number[];
}

function columnIndex(table: QueryTable, name: string): number {
  return table.columns.findIndex((c) => c.name === name);
}

function layoutOf(table: QueryTable, spec: RenderSpec): Layout | string {
  const { columns } = table;
  let x = spec.xcolumn === undefined ? -1 : columnIndex(table, spec.xcolumn);
  if (spec.xcolumn !== undefined && x < 0) return `the result has no column '${spec.xcolumn}' (xcolumn)`;
  // A timechart's x-axis is its first datetime column; without one (hour of day, say) it is drawn as a
  // line chart over the first column, as Log Analytics does.
  if (x < 0 && spec.chart === "timechart") x = columns.findIndex((c) => c.type === "datetime");
  if (x < 0) x = 0;
  const named = (names: readonly string[] | undefined, what: string): number[] | string => {
    if (names === undefined) return [];
    const found = names.map((n) => columnIndex(table, n));
    const missing = names.find((_, i) => (found[i] ?? -1) < 0);
    return missing === undefined ? found : `the result has no column '${missing}' (${what})`;
  };
  const ysNamed = named(spec.ycolumns, "ycolumns");
  if (typeof ysNamed === "string") return ysNamed;
  const seriesNamed = named(spec.series, "series");
  if (typeof seriesNamed === "string") return seriesNamed;
  const ys =
    ysNamed.length > 0
      ? ysNamed
      : columns.flatMap((c, i) => (i !== x && !seriesNamed.includes(i) && isNumeric(c) ? [i] : []));
  if (ys.length === 0) return "the chart needs at least one numeric column for its values";
  const series =
    seriesNamed.length > 0
      ? seriesNamed
      : columns.flatMap((c, i) => (i !== x && !ys.includes(i) && !isNumeric(c) ? [i] : []));
  return { x, ys, series };
}

function seriesKey(row: readonly unknown[], series: readonly number[]): string {
  return series.map((i) => String(row[i] ?? "")).join(", ");
}

function toNumber(value: unknown): number | null {
  if (value === null || value === undefined || value === "") return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

interface Group {
  readonly name: string;
  readonly points: [unknown, number | null][];
}

function groupsOf(table: QueryTable, layout: Layout): Group[] {
  const groups = new Map<string, Group>();
  for (const row of table.rows) {
    const key = seriesKey(row, layout.series);
    for (const y of layout.ys) {
      const yName = table.columns[y]?.name ?? "";
      const name = key === "" ? yName : layout.ys.length === 1 ? key : `${key}, ${yName}`;
      let group = groups.get(name);
      if (group === undefined) {
        group = { name, points: [] };
        groups.set(name, group);
      }
      group.points.push([row[layout.x], toNumber(row[y])]);
    }
  }
  return [...groups.values()];
}

function accumulate(points: [unknown, number | null][]): [unknown, number | null][] {
  let total = 0;
  return points.map(([x, y]) => {
    total += y ?? 0;
    return [x, total];
  });
}

function axisStyle(colors: ChartColors) {
  return {
    axisLine: { lineStyle: { color: colors.muted } },
    axisLabel: { color: colors.text },
    splitLine: { lineStyle: { color: colors.grid } },
    nameTextStyle: { color: colors.text },
  };
}

function common(spec: RenderSpec, colors: ChartColors, seriesCount: number): EChartsOption {
  return {
    backgroundColor: "transparent",
    animation: false,
    textStyle: { color: colors.text },
    ...(spec.title === undefined
      ? {}
      : { title: { text: spec.title, left: "center", textStyle: { color: colors.text } } }),
    legend: {
      show: spec.legend !== "hidden" && seriesCount > 1,
      type: "scroll",
      bottom: 0,
      textStyle: { color: colors.text },
      pageTextStyle: { color: colors.text },
    },
    tooltip: { trigger: "axis", confine: true },
  };
}

/** Builds the chart for a result; `message` explains what is missing when the rows cannot be drawn so. */
export function chartModel(table: QueryTable, spec: RenderSpec, colors: ChartColors): ChartModel {
  if (spec.chart === "table") return { kind: "table" };
  if (isMapRender(spec, table)) return mapModel(table, spec, colors);
  if (spec.chart === "map") return { kind: "message", message: "a map needs latitude and longitude columns" };
  if (spec.chart === "card") return cardModel(table, spec);
  if (table.rows.length === 0) return { kind: "message", message: "the query returned no rows to chart" };
  if (spec.chart === "piechart") return pieModel(table, spec, colors);

  const layout = layoutOf(table, spec);
  if (typeof layout === "string") return { kind: "message", message: layout };
  const xColumn = table.columns[layout.x];
  const xType = xColumn?.type ?? "string";
  const categorical = spec.chart === "columnchart" || spec.chart === "barchart";
  const timeAxis = !categorical && xType === "datetime";
  const valueAxis = !categorical && !timeAxis && xColumn !== undefined && isNumeric(xColumn);
  const stacked = spec.chart === "stackedareachart" || spec.kind === "stacked" || spec.kind === "stacked100";
  const percent = spec.kind === "stacked100";

  let groups = groupsOf(table, layout);
  const categories = [...new Set(table.rows.map((r) => String(r[layout.x] ?? "")))];
  // Datetimes on a category axis (a column per day) read better without their midnight time.
  const categoryLabels =
    xType === "datetime"
      ? categories.map((c) =>
          c
            .replace(/T00:00:00(\.0+)?Z$/, "")
            .replace("T", " ")
            .replace(/Z$/, ""),
        )
      : categories;
  if (timeAxis) {
    groups = groups.map((g) => ({
      ...g,
      points: g.points
        .map(([x, y]): [unknown, number | null] => [Date.parse(String(x)), y])
        .sort((a, b) => Number(a[0]) - Number(b[0])),
    }));
  } else if (valueAxis) {
    groups = groups.map((g) => ({ ...g, points: [...g.points].sort((a, b) => Number(a[0]) - Number(b[0])) }));
  }
  if (spec.accumulate === true) groups = groups.map((g) => ({ ...g, points: accumulate(g.points) }));

  // Category charts (and 100% stacks) need every series aligned on the same categories.
  const aligned = (g: Group): (number | null)[] => {
    const byCategory = new Map<string, number>();
    for (const [x, y] of g.points) {
      const key = String(x ?? "");
      byCategory.set(key, (byCategory.get(key) ?? 0) + (y ?? 0));
    }
    return categories.map((c) => byCategory.get(c) ?? null);
  };
  const totals = percent
    ? categories.map((_, i) => groups.reduce((sum, g) => sum + Math.abs(aligned(g)[i] ?? 0), 0))
    : [];

  const seriesType = spec.chart === "scatterchart" ? "scatter" : categorical ? "bar" : "line";
  const area = spec.chart === "areachart" || spec.chart === "stackedareachart";
  const series: SeriesOption[] = groups.map((g) => {
    const data = categorical
      ? aligned(g).map((v, i) => (percent && v !== null ? (100 * v) / (totals[i] || 1) : v))
      : g.points;
    return {
      name: g.name,
      type: seriesType,
      data,
      ...(stacked && seriesType !== "scatter" ? { stack: "total" } : {}),
      ...(seriesType === "bar" ? { barMaxWidth: 64 } : {}),
      ...(area ? { areaStyle: { opacity: stacked ? 0.7 : 0.3 } } : {}),
      ...(seriesType === "line" ? { showSymbol: g.points.length <= 60, connectNulls: false } : {}),
      ...(seriesType === "scatter" ? { symbolSize: 8 } : {}),
    } as SeriesOption;
  });

  const style = axisStyle(colors);
  const horizontal = spec.chart === "barchart";
  const xAxis = {
    ...style,
    type: categorical
      ? "category"
      : timeAxis
        ? "time"
        : valueAxis
          ? spec.xaxis === "log"
            ? "log"
            : "value"
          : "category",
    ...(categorical || (!timeAxis && !valueAxis) ? { data: categoryLabels } : {}),
    // Every category keeps its label: tilted when there are many, cut short when long.
    ...(categorical
      ? {
          axisLabel: {
            ...style.axisLabel,
            interval: 0,
            rotate: !horizontal && categories.length > 6 ? 30 : 0,
            width: 200,
            overflow: "truncate",
          },
        }
      : {}),
    name: spec.xtitle ?? xColumn?.name ?? "",
    nameLocation: "middle",
    nameGap: 28,
  };
  const yAxis = {
    ...style,
    type: spec.yaxis === "log" ? "log" : "value",
    name: spec.ytitle ?? (layout.ys.length === 1 ? (table.columns[layout.ys[0] ?? 0]?.name ?? "") : ""),
    ...(spec.ymin === undefined ? {} : { min: spec.ymin }),
    ...(spec.ymax === undefined ? (percent ? { max: 100 } : {}) : { max: spec.ymax }),
  };
  const option: EChartsOption = {
    ...common(spec, colors, series.length),
    grid: {
      left: 16,
      right: 24,
      top: spec.title === undefined ? 32 : 48,
      bottom: series.length > 1 ? 48 : 24,
      containLabel: true,
    },
    xAxis: (horizontal ? { ...yAxis, nameLocation: "middle", nameGap: 28 } : xAxis) as EChartsOption["xAxis"],
    // A horizontal bar chart's category names stand beside the bars; an axis title there would cover them.
    yAxis: (horizontal
      ? { ...xAxis, name: spec.xtitle ?? "", inverse: true }
      : yAxis) as EChartsOption["yAxis"],
    ...(seriesType === "scatter" ? { tooltip: { trigger: "item", confine: true } } : {}),
    series,
  };
  return { kind: "echarts", option, seriesNames: groups.map((g) => g.name) };
}

function pieModel(table: QueryTable, spec: RenderSpec, colors: ChartColors): ChartModel {
  const value =
    spec.ycolumns?.[0] !== undefined
      ? columnIndex(table, spec.ycolumns[0])
      : table.columns.findIndex(isNumeric);
  if (value < 0) return { kind: "message", message: "a piechart needs a numeric column for its slices" };
  const labels = table.columns.flatMap((c, i) => (i !== value && !isNumeric(c) ? [i] : []));
  const slices = new Map<string, number>();
  for (const row of table.rows) {
    const name = labels.length === 0 ? String(row[0] ?? "") : seriesKey(row, labels);
    slices.set(name, (slices.get(name) ?? 0) + (toNumber(row[value]) ?? 0));
  }
  const data = [...slices].map(([name, v]) => ({ name, value: v }));
  const option: EChartsOption = {
    ...common(spec, colors, data.length),
    tooltip: { trigger: "item", confine: true, formatter: "{b}: {c} ({d}%)" },
    series: [
      {
        type: "pie",
        name: table.columns[value]?.name ?? "",
        radius: ["0%", "68%"],
        center: ["50%", spec.title === undefined ? "46%" : "52%"],
        data,
        label: { color: colors.text },
      },
    ],
  };
  return { kind: "echarts", option, seriesNames: data.map((d) => d.name) };
}

function cardModel(table: QueryTable, spec: RenderSpec): ChartModel {
  const row = table.rows[0];
  if (row === undefined) return { kind: "message", message: "the query returned no rows for the card" };
  const index = Math.max(0, table.columns.findIndex(isNumeric));
  const raw = row[index];
  const value = typeof raw === "number" ? raw.toLocaleString() : String(raw ?? "");
  return {
    kind: "card",
    value,
    label: table.columns[index]?.name ?? "",
    ...(spec.title === undefined ? {} : { title: spec.title }),
  };
}

/** Rows at the same place with the same label become one dot, sized by the sum of the first other number. */
export function mapPoints(table: QueryTable): MapPoint[] {
  const geo = geoColumns(table);
  if (geo === undefined) return [];
  const measure = table.columns.findIndex(
    (c, i) => i !== geo.latitude && i !== geo.longitude && isNumeric(c),
  );
  const label = table.columns.findIndex(
    (c, i) => i !== geo.latitude && i !== geo.longitude && c.type === "string",
  );
  const points = new Map<string, MapPoint>();
  for (const row of table.rows) {
    const latitude = toNumber(row[geo.latitude]);
    const longitude = toNumber(row[geo.longitude]);
    if (latitude === null || longitude === null || Math.abs(latitude) > 90 || Math.abs(longitude) > 180)
      continue;
    const name = label < 0 ? `${latitude}, ${longitude}` : String(row[label] ?? "");
    const key = `${name}\u0000${latitude}\u0000${longitude}`;
    const before = points.get(key);
    const value = measure < 0 ? 1 : (toNumber(row[measure]) ?? 0);
    points.set(key, {
      name,
      latitude,
      longitude,
      value: (before?.value ?? 0) + value,
      rows: (before?.rows ?? 0) + 1,
    });
  }
  return [...points.values()];
}

function mapModel(table: QueryTable, spec: RenderSpec, colors: ChartColors): ChartModel {
  const points = mapPoints(table);
  const geo = geoColumns(table);
  const measure = table.columns.find(
    (c, i) => geo !== undefined && i !== geo.latitude && i !== geo.longitude && isNumeric(c),
  )?.name;
  const largest = Math.max(1, ...points.map((p) => p.value));
  const option: EChartsOption = {
    backgroundColor: "transparent",
    animation: false,
    ...(spec.title === undefined
      ? {}
      : { title: { text: spec.title, left: "center", textStyle: { color: colors.text } } }),
    tooltip: {
      trigger: "item",
      confine: true,
    },
    geo: {
      map: worldMapName,
      roam: true,
      top: spec.title === undefined ? 8 : 40,
      bottom: 8,
      itemStyle: { areaColor: colors.land, borderColor: colors.muted, borderWidth: 0.5 },
      emphasis: { disabled: true },
      tooltip: { show: false },
    },
    series: [
      {
        type: "scatter",
        coordinateSystem: "geo",
        name: measure ?? "rows",
        data: points.map((p) => ({
          name: p.name,
          value: [p.longitude, p.latitude, p.value, p.rows],
        })),
        symbolSize: (value: number[]) => 6 + 30 * Math.sqrt((value[2] ?? 0) / largest),
        itemStyle: { color: "#e8590c", opacity: 0.8, borderColor: "#a63c06", borderWidth: 1 },
        tooltip: {
          formatter: (params: unknown) => {
            const { name, value } = params as { name: string; value: number[] };
            // Tooltips are HTML; the label comes from the data, so it is escaped.
            const amount = (value[2] ?? 0).toLocaleString();
            return (
              `${escapeHtml(name)}<br/>${escapeHtml(measure ?? "rows")}: ${amount}<br/>rows: ${(value[3] ?? 0).toLocaleString()}<br/>` +
              `${value[1]}, ${value[0]}`
            );
          },
        },
      },
    ],
  };
  return { kind: "map", option, points };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
