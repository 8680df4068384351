import { useCallback, useEffect, useState } from "react";
import { ApiRequestError } from "../api/client.js";
import { deleteItem, listSaved, saveItem, type SavedItem, type WorkspaceSchema } from "../api/saved.js";
import { formatParameters, parseParameters } from "./function-parameters.js";
import type { HistoryEntry } from "./history.js";

interface Props {
  readonly query: string;
  readonly history: readonly HistoryEntry[];
  readonly schema: WorkspaceSchema | undefined;
  readonly onOpen: (query: string) => void;
  /** A stored function was saved or deleted: the editor's schema must be reloaded. */
  readonly onFunctionsChanged: () => void;
}

type Tab = "saved" | "functions" | "history" | "tables";

function messageOf(error: unknown): string {
  if (error instanceof ApiRequestError) {
    const d = error.detail;
    return d.line !== undefined && d.pos !== undefined
      ? `${d.message} (line ${d.line}, column ${d.pos + 1})`
      : d.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Saved queries, stored functions, this browser's history and the tables, beside the editor. */
export function SidePanel({ query, history, schema, onOpen, onFunctionsChanged }: Props) {
  const [tab, setTab] = useState<Tab>("saved");
  const [queries, setQueries] = useState<SavedItem<"query">[]>([]);
  const [problem, setProblem] = useState<string | undefined>();
  const [name, setName] = useState("");
  const [parameters, setParameters] = useState("()");
  const [description, setDescription] = useState("");

  const reload = useCallback(() => {
    listSaved("query").then(setQueries, (e: unknown) => setProblem(messageOf(e)));
  }, []);
  useEffect(reload, [reload]);

  const attempt = async (work: () => Promise<unknown>): Promise<boolean> => {
    try {
      await work();
      setProblem(undefined);
      return true;
    } catch (error) {
      setProblem(messageOf(error));
      return false;
    }
  };

  const tabs: [Tab, string][] = [
    ["saved", "Queries"],
    ["functions", "Functions"],
    ["history", "History"],
    ["tables", "Tables"],
  ];

  return (
    <aside className="side-panel" aria-label="Saved queries, functions and history">
      <div className="tabs" role="tablist">
        {tabs.map(([id, label]) => (
          <button key={id} type="button" role="tab" aria-selected={tab === id} onClick={() => setTab(id)}>
            {label}
          </button>
        ))}
      </div>
      {problem !== undefined && (
        <p className="error-message" role="alert">
          {problem}
        </p>
      )}
      {tab === "saved" && (
        <div className="side-content">
          <form
            className="side-form"
            onSubmit={(event) => {
              event.preventDefault();
              void attempt(() => saveItem("query", name.trim(), { query, description })).then((ok) => {
                if (ok) {
                  setName("");
                  reload();
                }
              });
            }}
          >
            <label>
              Save the query as
              <input value={name} onChange={(e) => setName(e.target.value)} placeholder="name" required />
            </label>
            <button type="submit">Save query</button>
          </form>
          <ul className="side-list">
            {queries.map((item) => (
              <li key={item.name}>
                <button
                  type="button"
                  className="link"
                  onClick={() => onOpen(item.content.query)}
                  title={item.content.query}
                >
                  {item.name}
                </button>
                <button
                  type="button"
                  className="icon"
                  aria-label={`Delete saved query ${item.name}`}
                  onClick={() => void attempt(() => deleteItem("query", item.name)).then(reload)}
                >
                  ×
                </button>
              </li>
            ))}
            {queries.length === 0 && <li className="muted">No saved queries yet.</li>}
          </ul>
        </div>
      )}
      {tab === "functions" && (
        <div className="side-content">
          <form
            className="side-form"
            onSubmit={(event) => {
              event.preventDefault();
              void attempt(async () => {
                const parsed = parseParameters(parameters);
                await saveItem("function", name.trim(), { parameters: parsed, body: query, description });
              }).then((ok) => {
                if (ok) {
                  setName("");
                  onFunctionsChanged();
                }
              });
            }}
          >
            <p className="muted">Saves the editor's query as a function that any query can call.</p>
            <label>
              Name
              <input
                value={name}
                onChange={(e) => setName(e.target.value)}
                placeholder="MyFunction"
                required
              />
            </label>
            <label>
              Parameters
              <input
                value={parameters}
                onChange={(e) => setParameters(e.target.value)}
                placeholder="(machine:string)"
              />
            </label>
            <label>
              Description
              <input value={description} onChange={(e) => setDescription(e.target.value)} />
            </label>
            <button type="submit">Save function</button>
          </form>
          <ul className="side-list">
            {(schema?.functions ?? []).map((fn) => (
              <li key={fn.name}>
                <button type="button" className="link" title={fn.description} onClick={() => onOpen(fn.body)}>
                  {fn.name}
                  <span className="muted">{formatParameters(fn.parameters)}</span>
                </button>
                <button
                  type="button"
                  className="icon"
                  aria-label={`Delete function ${fn.name}`}
                  onClick={() => void attempt(() => deleteItem("function", fn.name)).then(onFunctionsChanged)}
                >
                  ×
                </button>
              </li>
            ))}
            {(schema?.functions.length ?? 0) === 0 && <li className="muted">No stored functions yet.</li>}
          </ul>
        </div>
      )}
      {tab === "history" && (
        <ul className="side-list side-content">
          {history.map((entry) => (
            <li key={entry.query}>
              <button
                type="button"
                className="link history-entry"
                onClick={() => onOpen(entry.query)}
                title={entry.ranAt}
              >
                {entry.query}
              </button>
            </li>
          ))}
          {history.length === 0 && <li className="muted">Queries you run appear here.</li>}
        </ul>
      )}
      {tab === "tables" && (
        <ul className="side-list side-content">
          {(schema?.tables ?? []).map((table) => (
            <li key={table.name}>
              <details>
                <summary>{table.name}</summary>
                <ul className="column-list">
                  {table.columns.map((c) => (
                    <li key={c.name}>
                      {c.name} <span className="muted">{c.type}</span>
                    </li>
                  ))}
                </ul>
              </details>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
