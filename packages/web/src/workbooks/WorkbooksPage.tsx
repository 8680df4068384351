import { useCallback, useEffect, useMemo, useState } from "react";
import { ApiRequestError } from "../api/client.js";
import { deleteItem, listSaved, saveItem } from "../api/saved.js";
import { downloadText } from "../export/download.js";
import { useRoute } from "../shell/route.js";
import { parseTimeRange, queryTimespan } from "../shared/time-range.js";
import { defaultWorkbook, defaultWorkbookTitle } from "./default-workbook.js";
import { ParameterBar } from "./ParameterBar.js";
import { StepEditor } from "./StepEditor.js";
import { TextStep } from "./TextStep.js";
import { parseWorkbook, substituteParameters, type ParameterValues, type Workbook } from "./workbook.js";
import { WorkbookStep } from "./WorkbookStep.js";

export interface WorkbooksPageProps {
  readonly params: URLSearchParams;
}

function messageOf(error: unknown): string {
  return error instanceof ApiRequestError
    ? error.detail.message
    : error instanceof Error
      ? error.message
      : String(error);
}

function fileName(title: string): string {
  return `${title.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-|-$/g, "") || "workbook"}.workbook.json`;
}

/**
 * Workbooks: the built-in "Service Map insights" and those saved in the workspace. A workbook's parameters
 * live in the URL beside its name, so a filtered view can be shared; editing works on a draft until saved.
 */
export default function WorkbooksPage({ params }: WorkbooksPageProps) {
  const [, navigate] = useRoute();
  const [saved, setSaved] = useState<Workbook[]>([]);
  const [draft, setDraft] = useState<Workbook | undefined>();
  const [editing, setEditing] = useState(false);
  const [notice, setNotice] = useState<{ kind: "ok" | "error"; text: string } | undefined>();
  const title = params.get("name") ?? defaultWorkbookTitle;

  const reload = useCallback(async (): Promise<void> => {
    try {
      const items = await listSaved("workbook");
      setSaved(
        items.flatMap((item) => {
          try {
            return [parseWorkbook(item.content)];
          } catch {
            return [];
          }
        }),
      );
    } catch (error) {
      setNotice({ kind: "error", text: messageOf(error) });
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);

  const titles = useMemo(() => [...new Set([defaultWorkbookTitle, ...saved.map((w) => w.title)])], [saved]);
  const stored =
    saved.find((w) => w.title === title) ?? (title === defaultWorkbookTitle ? defaultWorkbook : undefined);
  const workbook = draft ?? stored;

  const values: ParameterValues = Object.fromEntries(
    (workbook?.parameters ?? []).map((p) => [
      p.name,
      params.get(`p.${p.name}`) ?? (p.type === "timerange" ? p.default : ""),
    ]),
  );
  const setValue = (name: string, value: string): void => {
    const next = Object.fromEntries(params);
    if (value === "") delete next[`p.${name}`];
    else next[`p.${name}`] = value;
    navigate("workbooks", next, true);
  };
  const open = (name: string): void => {
    setDraft(undefined);
    setEditing(false);
    setNotice(undefined);
    navigate("workbooks", { name });
  };

  const save = async (): Promise<void> => {
    if (workbook === undefined) return;
    try {
      await saveItem("workbook", workbook.title, workbook);
      await reload();
      setDraft(undefined);
      setEditing(false);
      setNotice({ kind: "ok", text: `Saved “${workbook.title}” in the workspace.` });
      if (workbook.title !== title) navigate("workbooks", { name: workbook.title });
    } catch (error) {
      setNotice({ kind: "error", text: messageOf(error) });
    }
  };

  const importFile = async (file: File): Promise<void> => {
    try {
      const imported = parseWorkbook(JSON.parse(await file.text()));
      setDraft(imported);
      setEditing(true);
      setNotice({ kind: "ok", text: `Imported “${imported.title}”: save it to keep it in the workspace.` });
      if (imported.title !== title) navigate("workbooks", { name: imported.title });
    } catch (error) {
      setNotice({ kind: "error", text: `That file is not a workbook: ${messageOf(error)}` });
    }
  };

  const time = workbook?.parameters.find((p) => p.type === "timerange");
  const timespan =
    time === undefined ? undefined : queryTimespan(parseTimeRange(values[time.name] ?? time.default));
  const isSaved = saved.some((w) => w.title === title);

  return (
    <div className="workbooks-page">
      <div className="toolbar" role="toolbar" aria-label="Workbook">
        <label>
          <span className="visually-hidden">Workbook</span>
          <select value={title} onChange={(e) => open(e.target.value)} aria-label="Workbook">
            {titles.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
            {!titles.includes(title) && <option value={title}>{title}</option>}
          </select>
        </label>
        <button
          type="button"
          onClick={() => (editing ? setEditing(false) : (setDraft(workbook), setEditing(true)))}
          disabled={workbook === undefined}
        >
          {editing ? "Done editing" : "Edit"}
        </button>
        <button
          type="button"
          className="primary"
          onClick={() => void save()}
          disabled={workbook === undefined}
        >
          Save
        </button>
        <button
          type="button"
          onClick={() => {
            const blank: Workbook = {
              version: 1,
              title: "New workbook",
              parameters: defaultWorkbook.parameters,
              items: [],
            };
            setDraft(blank);
            setEditing(true);
            navigate("workbooks", { name: blank.title });
          }}
        >
          New
        </button>
        <button
          type="button"
          disabled={workbook === undefined}
          onClick={() =>
            workbook &&
            downloadText(
              fileName(workbook.title),
              `${JSON.stringify(workbook, null, 2)}\n`,
              "application/json",
            )
          }
        >
          Export JSON
        </button>
        <label className="file-button">
          Import JSON
          <input
            type="file"
            accept="application/json,.json"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = "";
              if (file !== undefined) void importFile(file);
            }}
          />
        </label>
        {isSaved && (
          <button
            type="button"
            onClick={() =>
              void deleteItem("workbook", title).then(
                () => reload().then(() => open(defaultWorkbookTitle)),
                (error: unknown) => setNotice({ kind: "error", text: messageOf(error) }),
              )
            }
          >
            Delete
          </button>
        )}
        {notice !== undefined && (
          <span
            role={notice.kind === "error" ? "alert" : "status"}
            className={notice.kind === "error" ? "error-message" : "muted"}
          >
            {notice.text}
          </span>
        )}
      </div>
      {workbook === undefined ? (
        <p className="muted">There is no workbook named “{title}”.</p>
      ) : (
        <>
          <h1 id="page-title">
            {editing ? (
              <input
                className="workbook-title-input"
                aria-label="Workbook title"
                value={workbook.title}
                onChange={(e) => setDraft({ ...workbook, title: e.target.value })}
              />
            ) : (
              workbook.title
            )}
            {draft !== undefined && JSON.stringify(draft) !== JSON.stringify(stored) && (
              <span className="muted draft-note"> (unsaved changes)</span>
            )}
          </h1>
          <ParameterBar parameters={workbook.parameters} values={values} onChange={setValue} />
          <div className="workbook-steps">
            {workbook.items.map((item, index) =>
              editing ? (
                <StepEditor
                  key={index}
                  item={item}
                  index={index}
                  count={workbook.items.length}
                  onChange={(next) =>
                    setDraft({
                      ...workbook,
                      items:
                        next === undefined
                          ? workbook.items.filter((_, i) => i !== index)
                          : workbook.items.map((it, i) => (i === index ? next : it)),
                    })
                  }
                  onMove={(to) => {
                    const items = [...workbook.items];
                    const [moved] = items.splice(index, 1);
                    if (moved !== undefined) items.splice(to, 0, moved);
                    setDraft({ ...workbook, items });
                  }}
                />
              ) : item.type === "text" ? (
                <TextStep key={index} text={item.text} />
              ) : (
                <WorkbookStep
                  key={index}
                  item={item}
                  query={substituteParameters(item.query, workbook.parameters, values)}
                  timespan={timespan}
                />
              ),
            )}
          </div>
          {editing && (
            <div className="toolbar">
              <button
                type="button"
                onClick={() =>
                  setDraft({ ...workbook, items: [...workbook.items, { type: "text", text: "" }] })
                }
              >
                Add text
              </button>
              <button
                type="button"
                onClick={() =>
                  setDraft({
                    ...workbook,
                    items: [
                      ...workbook.items,
                      { type: "query", title: "", query: "", visualization: "auto", width: "full" },
                    ],
                  })
                }
              >
                Add query
              </button>
            </div>
          )}
        </>
      )}
    </div>
  );
}
