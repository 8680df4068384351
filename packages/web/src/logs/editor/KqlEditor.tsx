import { useEffect, useRef } from "react";
import type { WorkspaceSchema } from "../../api/saved.js";
import { useDocumentTheme } from "../../shared/use-document-theme.js";
import { applySchema, monaco } from "./monaco-setup.js";

/** Where the workspace said the query is wrong: 1-based line, 0-based position in the line, the token. */
export interface QueryErrorMark {
  readonly message: string;
  readonly line: number;
  readonly pos: number;
  readonly token: string;
}

interface Props {
  readonly value: string;
  readonly onChange: (value: string) => void;
  /** Shift+Enter. */
  readonly onRun: () => void;
  readonly schema: WorkspaceSchema | undefined;
  readonly error?: QueryErrorMark | undefined;
  readonly label: string;
  readonly height?: number | string;
}

const serverOwner = "svcmap-workspace";

/** The Kusto editor: Monaco with Microsoft's Kusto language service, and the workspace's errors marked. */
export function KqlEditor({ value, onChange, onRun, schema, error, label, height = 220 }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const callbacks = useRef({ onChange, onRun });
  callbacks.current = { onChange, onRun };
  const theme = useDocumentTheme();

  useEffect(() => {
    if (host.current === null) return;
    const editor = monaco.editor.create(host.current, {
      value,
      language: "kusto",
      theme: theme === "dark" ? "kusto-dark" : "kusto-light",
      minimap: { enabled: false },
      automaticLayout: true,
      scrollBeyondLastLine: false,
      fontSize: 13,
      wordWrap: "on",
      fixedOverflowWidgets: true,
      ariaLabel: label,
      suggest: { showStatusBar: false },
    });
    editorRef.current = editor;
    editor.addCommand(monaco.KeyMod.Shift | monaco.KeyCode.Enter, () => callbacks.current.onRun());
    const listener = editor.onDidChangeModelContent(() => {
      const model = editor.getModel();
      if (model !== null) monaco.editor.setModelMarkers(model, serverOwner, []);
      callbacks.current.onChange(editor.getValue());
    });
    return () => {
      listener.dispose();
      editor.getModel()?.dispose();
      editor.dispose();
      editorRef.current = null;
    };
    // The editor is created once; later value changes are pushed below without recreating it.
  }, []);

  useEffect(() => {
    const editor = editorRef.current;
    if (editor !== null && editor.getValue() !== value) editor.setValue(value);
  }, [value]);

  useEffect(() => {
    monaco.editor.setTheme(theme === "dark" ? "kusto-dark" : "kusto-light");
  }, [theme]);

  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (schema === undefined || model === undefined || model === null) return;
    void applySchema(schema, model);
  }, [schema]);

  useEffect(() => {
    const editor = editorRef.current;
    const model = editor?.getModel();
    if (editor == null || model == null) return;
    if (error === undefined) {
      monaco.editor.setModelMarkers(model, serverOwner, []);
      return;
    }
    const line = Math.min(Math.max(error.line, 1), model.getLineCount());
    const startColumn = Math.min(error.pos + 1, model.getLineMaxColumn(line));
    const endColumn = Math.min(startColumn + Math.max(error.token.length, 1), model.getLineMaxColumn(line));
    monaco.editor.setModelMarkers(model, serverOwner, [
      {
        severity: monaco.MarkerSeverity.Error,
        message: error.message,
        startLineNumber: line,
        startColumn,
        endLineNumber: line,
        endColumn: Math.max(endColumn, startColumn + 1),
      },
    ]);
    editor.revealLineInCenterIfOutsideViewport(line);
  }, [error]);

  return <div ref={host} className="kql-editor" style={{ height }} data-testid="kql-editor" />;
}
