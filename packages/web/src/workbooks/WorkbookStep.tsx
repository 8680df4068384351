import { useEffect } from "react";
import { useQueryRunner } from "../api/use-query-runner.js";
import { QueryResultView } from "../results/QueryResultView.js";
import { routeHash } from "../shell/route.js";
import type { WorkbookItem } from "./workbook.js";

interface Props {
  readonly item: Extract<WorkbookItem, { type: "query" }>;
  /** The query with the parameters' values in it. */
  readonly query: string;
  readonly timespan: string | undefined;
}

/** One query step: runs whenever its query or the parameters change, and shows its visualization. */
export function WorkbookStep({ item, query, timespan }: Props) {
  const { state, run, cancel } = useQueryRunner();
  useEffect(() => {
    void run(query, timespan);
    return cancel;
  }, [query, timespan, run, cancel]);

  const show = item.visualization === "table" ? "table" : "chart";
  const visualization =
    item.visualization === "auto" || item.visualization === "table"
      ? undefined
      : { chart: item.visualization };
  return (
    <section className={`workbook-step ${item.width}`} aria-label={item.title || "Query"}>
      <div className="workbook-step-header">
        {item.title !== "" && <h2>{item.title}</h2>}
        <a
          className="workbook-step-open"
          href={routeHash("logs", { q: query })}
          title="Open this query, with the parameters' values, in Logs"
        >
          Open in Logs
        </a>
      </div>
      {state.status === "running" && <p className="muted">Running…</p>}
      {state.status === "failed" && (
        <p className="error-message" role="alert">
          {state.error.message}
          {state.error.line !== undefined && state.error.pos !== undefined
            ? ` (line ${state.error.line}, column ${state.error.pos + 1})`
            : ""}
        </p>
      )}
      {state.status === "done" && (
        <QueryResultView
          response={state.response}
          visualization={visualization}
          show={show}
          label={item.title || "Query results"}
          chartHeight={item.width === "half" ? 300 : 360}
          gridHeight={320}
        />
      )}
    </section>
  );
}
