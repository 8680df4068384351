import { useCallback, useEffect, useMemo, useState } from "react";
import type { QueryResponse } from "../api/client.js";
import { getSchema, type WorkspaceSchema } from "../api/saved.js";
import { useQueryRunner } from "../api/use-query-runner.js";
import { renderSpecOf } from "../charts/render-spec.js";
import { QueryResultView } from "../results/QueryResultView.js";
import { useRoute } from "../shell/route.js";
import { TimeRangePicker } from "../shared/TimeRangePicker.js";
import { formatTimeRange, parseTimeRange, queryTimespan, type TimeRange } from "../shared/time-range.js";
import { KqlEditor, type QueryErrorMark } from "./editor/KqlEditor.js";
import { ExportMenu } from "./ExportMenu.js";
import { addToHistory, readHistory, type HistoryEntry } from "./history.js";
import { SidePanel } from "./SidePanel.js";
import { filtersTimeGenerated } from "./time-filter.js";

export interface LogsPageProps {
  readonly params: URLSearchParams;
}

const draftKey = "svcmap.logs.draft";
const defaultQuery =
  "VMConnection\n| summarize Connections = sum(LinksEstablished) by Computer\n| top 10 by Connections";

export default function LogsPage({ params }: LogsPageProps) {
  const [, navigate] = useRoute();
  const [query, setQuery] = useState(
    () => params.get("q") ?? window.localStorage.getItem(draftKey) ?? defaultQuery,
  );
  const range = parseTimeRange(params.get("t") ?? "1440m");
  const [schema, setSchema] = useState<WorkspaceSchema | undefined>();
  const [schemaError, setSchemaError] = useState<string | undefined>();
  const [history, setHistory] = useState<HistoryEntry[]>(() => readHistory());
  const [viewChoice, setViewChoice] = useState<{ response: QueryResponse; view: "table" | "chart" }>();
  const runner = useQueryRunner();
  const ownTime = filtersTimeGenerated(query);

  const loadSchema = useCallback(() => {
    getSchema().then(
      (s) => {
        setSchema(s);
        setSchemaError(undefined);
      },
      (error: unknown) => setSchemaError(error instanceof Error ? error.message : String(error)),
    );
  }, []);
  useEffect(loadSchema, [loadSchema]);

  useEffect(() => {
    window.localStorage.setItem(draftKey, query);
  }, [query]);

  const setRange = (next: TimeRange): void => {
    navigate("logs", { ...Object.fromEntries(params), t: formatTimeRange(next) }, true);
  };

  const timespan = ownTime ? undefined : queryTimespan(range);
  const runQuery = runner.run;
  const run = useCallback(() => {
    if (query.trim() === "") return;
    setHistory(addToHistory(query));
    void runQuery(query, timespan);
  }, [query, timespan, runQuery]);

  const { state } = runner;
  const response = state.status === "done" ? state.response : undefined;
  const spec = renderSpecOf(response?.render);
  // A result with a render opens on its chart; the choice then holds until the next result.
  const view =
    viewChoice !== undefined && viewChoice.response === response
      ? viewChoice.view
      : spec !== undefined && spec.chart !== "table"
        ? "chart"
        : "table";
  const setView = (next: "table" | "chart"): void =>
    setViewChoice(response === undefined ? undefined : { response, view: next });

  const errorMark: QueryErrorMark | undefined = useMemo(() => {
    if (state.status !== "failed" || state.error.line === undefined || state.error.pos === undefined)
      return undefined;
    return {
      message: state.error.message,
      line: state.error.line,
      pos: state.error.pos,
      token: state.error.token ?? "",
    };
  }, [state]);

  return (
    <div className="logs-page">
      <h1 id="page-title" className="visually-hidden">
        Logs
      </h1>
      <SidePanel
        query={query}
        history={history}
        schema={schema}
        onOpen={(text) => setQuery(text)}
        onFunctionsChanged={loadSchema}
      />
      <section className="logs-main" aria-labelledby="page-title">
        <div className="toolbar" role="toolbar" aria-label="Query">
          <button
            type="button"
            className="primary"
            onClick={run}
            disabled={state.status === "running"}
            title="Run (Shift+Enter)"
          >
            ▶ Run
          </button>
          <button type="button" onClick={runner.cancel} disabled={state.status !== "running"}>
            Cancel
          </button>
          {ownTime ? (
            <span
              className="time-set-in-query"
              title="The query filters TimeGenerated itself, so the time range picker does not apply"
            >
              Time range: set in query
            </span>
          ) : (
            <TimeRangePicker value={range} onChange={setRange} />
          )}
          <span className="toolbar-spacer" />
          {response?.tables[0] !== undefined && <ExportMenu table={response.tables[0]} />}
        </div>
        {schemaError !== undefined && (
          <p className="error-message">The schema could not be loaded, so completion is off: {schemaError}</p>
        )}
        <KqlEditor
          value={query}
          onChange={setQuery}
          onRun={run}
          schema={schema}
          error={errorMark}
          label="KQL query (Shift+Enter runs it)"
          height={200}
        />
        <div className="query-status" role="status" aria-live="polite" data-settled={runner.settled}>
          {state.status === "running" && <span>Running…</span>}
          {state.status === "cancelled" && <span>Cancelled.</span>}
          {state.status === "done" && (
            <span>
              {(state.response.tables[0]?.rows.length ?? 0).toLocaleString()} rows in{" "}
              {(state.elapsedMs / 1000).toFixed(2)} s
              {state.response.error !== undefined && (
                <strong className="warning"> · cut short: {state.response.error.message}</strong>
              )}
            </span>
          )}
        </div>
        {state.status === "failed" && (
          <div className="query-error" role="alert">
            <strong>{state.error.code}</strong>: {state.error.message}
            {state.error.line !== undefined && state.error.pos !== undefined && (
              <span className="muted">
                {" "}
                (line {state.error.line}, column {state.error.pos + 1}
                {state.error.token ? `, at '${state.error.token}'` : ""})
              </span>
            )}
          </div>
        )}
        {response !== undefined && (
          <div className="results">
            {spec !== undefined && spec.chart !== "table" && (
              <div className="tabs" role="tablist" aria-label="Result view">
                <button
                  type="button"
                  role="tab"
                  aria-selected={view === "table"}
                  onClick={() => setView("table")}
                >
                  Results
                </button>
                <button
                  type="button"
                  role="tab"
                  aria-selected={view === "chart"}
                  onClick={() => setView("chart")}
                >
                  Chart
                </button>
              </div>
            )}
            <QueryResultView
              response={response}
              show={view}
              label="Query results"
              chartHeight="100%"
              gridHeight="100%"
            />
          </div>
        )}
      </section>
    </div>
  );
}
