import * as echarts from "echarts";
import { useEffect, useMemo, useRef, useState } from "react";
import type { QueryTable } from "../api/client.js";
import { themeColor } from "../shell/theme.js";
import { useDocumentTheme } from "../shared/use-document-theme.js";
import { chartModel, type ChartColors, type MapPoint } from "./chart-model.js";
import type { RenderSpec } from "./render-spec.js";
import { registerWorldMap } from "./world-map.js";

interface Props {
  readonly table: QueryTable;
  readonly spec: RenderSpec;
  readonly height?: number | string;
}

function colors(): ChartColors {
  return {
    text: themeColor("--fg") || "#1b1f24",
    muted: themeColor("--fg-muted") || "#57606a",
    grid: themeColor("--bg-sunken") || "#e9edf1",
    background: themeColor("--bg") || "#ffffff",
    land: themeColor("--map-land") || "#e3e8ee",
  };
}

/**
 * One `render` drawn with Apache ECharts (a card is plain text). The drawn chart describes itself in data
 * attributes (kind, series, and for maps where each dot landed), which is what its tests read.
 */
export function ChartView({ table, spec, height = 360 }: Props) {
  const theme = useDocumentTheme();
  const host = useRef<HTMLDivElement>(null);
  const [mapReady, setMapReady] = useState(false);
  // Colours come from the theme's CSS variables, read again when the theme changes.
  const model = useMemo(() => chartModel(table, spec, colors()), [table, spec, theme]);

  useEffect(() => {
    if (model.kind === "map" && !mapReady) void registerWorldMap().then(() => setMapReady(true));
  }, [model.kind, mapReady]);

  useEffect(() => {
    const element = host.current;
    if (element === null || (model.kind !== "echarts" && model.kind !== "map")) return;
    if (model.kind === "map" && !mapReady) return;
    const chart = echarts.init(element, theme === "dark" ? "dark" : undefined, { renderer: "canvas" });
    chart.setOption(model.option);
    if (model.kind === "echarts") {
      element.dataset["series"] = JSON.stringify(model.seriesNames);
    } else {
      const place = (): void => {
        const placed = model.points.map((p: MapPoint) => {
          const [x, y] = chart.convertToPixel({ geoIndex: 0 }, [p.longitude, p.latitude]) as number[];
          return { ...p, x, y };
        });
        element.dataset["points"] = JSON.stringify(placed);
      };
      place();
      chart.on("georoam", place);
    }
    // ECharts paints on the next animation frame; "finished" says the canvas now shows the option.
    chart.on("finished", () => {
      element.dataset["drawn"] = "true";
    });
    const resize = new ResizeObserver(() => chart.resize());
    resize.observe(element);
    return () => {
      resize.disconnect();
      delete element.dataset["drawn"];
      chart.dispose();
    };
  }, [model, mapReady, theme]);

  if (model.kind === "table") return null;
  if (model.kind === "message") return <p className="chart-message">Not drawn: {model.message}.</p>;
  if (model.kind === "card") {
    return (
      <figure className="chart-card" data-chart-kind="card">
        {model.title !== undefined && <figcaption>{model.title}</figcaption>}
        <div className="chart-card-value">{model.value}</div>
        <div className="chart-card-label">{model.label}</div>
      </figure>
    );
  }
  const chart = (
    <div
      ref={host}
      className="chart"
      role="img"
      aria-label={spec.title ?? `${model.kind === "map" ? "world map" : spec.chart} of the results`}
      data-chart-kind={model.kind === "map" ? "map" : spec.chart}
      style={{ height }}
    />
  );
  if (model.kind !== "map") return chart;
  // The workspace geolocates with DB-IP's Lite database, whose licence (CC BY 4.0) asks for this link
  // wherever its results are shown.
  return (
    <figure className="chart-map">
      {chart}
      <figcaption className="chart-attribution">
        Map: Natural Earth. <a href="https://db-ip.com">IP Geolocation by DB-IP</a>
      </figcaption>
    </figure>
  );
}
