import { useState } from "react";
import type { QueryTable } from "../api/client.js";
import { downloadText } from "../export/download.js";
import { edgesOf, guessEdgeColumns, toEdgeCsv, toGexf, toGraphMl } from "../export/graph-export.js";
import { toCsv, toJsonRows } from "../export/table-export.js";

interface Props {
  readonly table: QueryTable;
}

/**
 * Downloads of the current result: its rows as CSV or JSON, and — when it has source and target columns — as
 * a graph in GraphML, GEXF or a CSV edge list, with the columns chosen here.
 */
export function ExportMenu({ table }: Props) {
  const guessed = guessEdgeColumns(table);
  const names = table.columns.map((c) => c.name);
  const [source, setSource] = useState(guessed?.source ?? names[0] ?? "");
  const [target, setTarget] = useState(guessed?.target ?? names[1] ?? "");
  const [weight, setWeight] = useState(guessed?.weight ?? "");
  const edges = () => edgesOf(table, { source, target, ...(weight === "" ? {} : { weight }) });
  const column = (label: string, value: string, set: (v: string) => void, optional = false) => (
    <label>
      {label}
      <select value={value} onChange={(e) => set(e.target.value)}>
        {optional && <option value="">(1 per row)</option>}
        {names.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <details className="export-menu">
      <summary>Export</summary>
      <div className="export-panel">
        <div className="export-row">
          <button type="button" onClick={() => downloadText("results.csv", toCsv(table), "text/csv")}>
            CSV
          </button>
          <button
            type="button"
            onClick={() => downloadText("results.json", toJsonRows(table), "application/json")}
          >
            JSON
          </button>
        </div>
        <fieldset>
          <legend>As a graph</legend>
          {column("Source", source, setSource)}
          {column("Target", target, setTarget)}
          {column("Weight", weight, setWeight, true)}
          <div className="export-row">
            <button
              type="button"
              onClick={() => downloadText("graph.graphml", toGraphMl(edges()), "application/xml")}
            >
              GraphML
            </button>
            <button
              type="button"
              onClick={() => downloadText("graph.gexf", toGexf(edges()), "application/xml")}
            >
              GEXF
            </button>
            <button type="button" onClick={() => downloadText("edges.csv", toEdgeCsv(edges()), "text/csv")}>
              Edge list CSV
            </button>
          </div>
        </fieldset>
      </div>
    </details>
  );
}
