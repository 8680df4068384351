import { describe, expect, it } from "vitest";
import type { QueryTable } from "../api/client.js";
import { chartModel, mapPoints } from "./chart-model.js";
import { renderSpecOf } from "./render-spec.js";

const colors = { text: "#000", muted: "#666", grid: "#eee", background: "#fff", land: "#ddd" };

const bytesTrend: QueryTable = {
  name: "PrimaryResult",
  columns: [
    { name: "TimeGenerated", type: "datetime" },
    { name: "Computer", type: "string" },
    { name: "sum_BytesSent", type: "long" },
    { name: "sum_BytesReceived", type: "long" },
  ],
  rows: [
    ["2026-01-01T01:00:00Z", "web", 10, 1],
    ["2026-01-01T00:00:00Z", "web", 5, 2],
    ["2026-01-01T00:00:00Z", "db", 7, 3],
  ],
};

function seriesOf(model: ReturnType<typeof chartModel>): { name: string; data: unknown[]; stack?: string }[] {
  if (model.kind !== "echarts") throw new Error(`not an echarts model: ${model.kind}`);
  return model.option.series as { name: string; data: unknown[]; stack?: string }[];
}

describe("render specs", () => {
  it("reads the with-properties, splitting lists", () => {
    expect(
      renderSpecOf({
        visualization: "columnchart",
        title: "T",
        ycolumns: "a, b",
        kind: "stacked100",
        ymax: "5",
      }),
    ).toEqual({ chart: "columnchart", title: "T", ycolumns: ["a", "b"], kind: "stacked100", ymax: 5 });
    expect(renderSpecOf({ visualization: "sankey" })).toBeUndefined();
  });
});

describe("charts from results", () => {
  it("draws a timechart with one series per text value and numeric column, in time order", () => {
    const model = chartModel(bytesTrend, { chart: "timechart" }, colors);
    expect(model.kind === "echarts" && model.seriesNames).toEqual([
      "web, sum_BytesSent",
      "web, sum_BytesReceived",
      "db, sum_BytesSent",
      "db, sum_BytesReceived",
    ]);
    expect(seriesOf(model)[0]?.data).toEqual([
      [Date.parse("2026-01-01T00:00:00Z"), 5],
      [Date.parse("2026-01-01T01:00:00Z"), 10],
    ]);
  });

  it("names series by their value alone when there is one numeric column (ycolumns)", () => {
    const model = chartModel(bytesTrend, { chart: "timechart", ycolumns: ["sum_BytesSent"] }, colors);
    expect(model.kind === "echarts" && model.seriesNames).toEqual(["web", "db"]);
  });

  it("stacks columns to 100% per category", () => {
    const table: QueryTable = {
      name: "t",
      columns: [
        { name: "Table", type: "string" },
        { name: "Day", type: "string" },
        { name: "GB", type: "real" },
      ],
      rows: [
        ["VMConnection", "Mon", 3],
        ["VMProcess", "Mon", 1],
        ["VMConnection", "Tue", 1],
      ],
    };
    const model = chartModel(table, { chart: "columnchart", kind: "stacked100", series: ["Day"] }, colors);
    const series = seriesOf(model);
    expect(series.map((s) => s.name)).toEqual(["Mon", "Tue"]);
    expect(series[0]?.data).toEqual([75, 100]);
    expect(series[1]?.data).toEqual([25, null]);
    expect(series[0]?.stack).toBe("total");
  });

  it("draws a timechart without a datetime column over its first column", () => {
    const byHour: QueryTable = {
      name: "t",
      columns: [
        { name: "bythehour", type: "long" },
        { name: "failCount", type: "long" },
      ],
      rows: [
        [3, 7],
        [1, 5],
      ],
    };
    const series = seriesOf(chartModel(byHour, { chart: "timechart" }, colors));
    expect(series.map((s) => s.data)).toEqual([
      [
        [1, 5],
        [3, 7],
      ],
    ]);
  });

  it("says what is missing rather than drawing nonsense", () => {
    const textOnly: QueryTable = { name: "t", columns: [{ name: "a", type: "string" }], rows: [["x"]] };
    expect(chartModel(textOnly, { chart: "linechart" }, colors)).toEqual({
      kind: "message",
      message: "the chart needs at least one numeric column for its values",
    });
    expect(chartModel(bytesTrend, { chart: "timechart", ycolumns: ["nope"] }, colors)).toMatchObject({
      message: "the result has no column 'nope' (ycolumns)",
    });
  });

  it("makes a card of the first value and a pie of labelled numbers", () => {
    const one: QueryTable = { name: "t", columns: [{ name: "Count", type: "long" }], rows: [[12345]] };
    expect(chartModel(one, { chart: "card", title: "Connections" }, colors)).toMatchObject({
      kind: "card",
      label: "Count",
      title: "Connections",
    });
    const pie = chartModel(bytesTrend, { chart: "piechart" }, colors);
    expect(pie.kind === "echarts" && pie.seriesNames).toEqual([
      "2026-01-01T01:00:00Z, web",
      "2026-01-01T00:00:00Z, web",
      "2026-01-01T00:00:00Z, db",
    ]);
  });

  it("puts rows with latitude and longitude on the world map, one dot per place and label", () => {
    const geo: QueryTable = {
      name: "t",
      columns: [
        { name: "RemoteCountry", type: "string" },
        { name: "RemoteLatitude", type: "real" },
        { name: "RemoteLongitude", type: "real" },
        { name: "BytesSent", type: "long" },
      ],
      rows: [
        ["Germany", 52.52, 13.4, 100],
        ["Germany", 52.52, 13.4, 50],
        ["Japan", 35.69, 139.69, 7],
        ["Nowhere", null, 1, 1],
      ],
    };
    expect(mapPoints(geo)).toEqual([
      { name: "Germany", latitude: 52.52, longitude: 13.4, value: 150, rows: 2 },
      { name: "Japan", latitude: 35.69, longitude: 139.69, value: 7, rows: 1 },
    ]);
    expect(chartModel(geo, { chart: "scatterchart", kind: "map" }, colors).kind).toBe("map");
    expect(chartModel(geo, { chart: "scatterchart" }, colors).kind).toBe("echarts");
  });
});
