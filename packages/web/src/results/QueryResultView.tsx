import type { QueryResponse } from "../api/client.js";
import { ChartView } from "../charts/ChartView.js";
import { renderSpecOf, type RenderSpec } from "../charts/render-spec.js";
import { ResultsGrid } from "./ResultsGrid.js";

interface Props {
  readonly response: QueryResponse;
  /** A visualization chosen outside the query (a workbook step's); the query's own render wins. */
  readonly visualization?: RenderSpec | undefined;
  readonly show: "chart" | "table";
  readonly chartHeight?: number | string;
  readonly gridHeight?: number | string;
  readonly label: string;
}

/** The first table of a response, as its chart or as a grid. */
export function QueryResultView({ response, visualization, show, chartHeight, gridHeight, label }: Props) {
  const table = response.tables[0];
  if (table === undefined) return <p className="muted">The query returned no table.</p>;
  const spec = renderSpecOf(response.render) ?? visualization;
  if (show === "chart" && spec !== undefined && spec.chart !== "table") {
    return (
      <ChartView table={table} spec={spec} {...(chartHeight === undefined ? {} : { height: chartHeight })} />
    );
  }
  return (
    <ResultsGrid
      key={JSON.stringify(table.columns)}
      table={table}
      label={label}
      {...(gridHeight === undefined ? {} : { maxHeight: gridHeight })}
    />
  );
}
