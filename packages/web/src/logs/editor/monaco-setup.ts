// Monaco and the Kusto language service, set up once. Monaco runs language services in web workers: the
// Kusto worker carries Microsoft's Kusto.Language (the parser and binder the workspace itself runs), so
// completion, hover and diagnostics as you type come from the real grammar and the workspace's real schema.

import * as monaco from "monaco-editor/esm/vs/editor/editor.api";
import "monaco-editor/esm/vs/editor/editor.all";
import {
  getKustoWorker,
  kustoDefaults,
  type EngineSchema,
} from "@kusto/monaco-kusto/release/esm/monaco.contribution";
import EditorWorker from "monaco-editor/esm/vs/editor/editor.worker?worker";
import KustoWorker from "@kusto/monaco-kusto/release/esm/kusto.worker?worker";
import type { WorkspaceSchema } from "../../api/saved.js";

declare global {
  interface Window {
    MonacoEnvironment?: monaco.Environment;
  }
}

window.MonacoEnvironment = {
  getWorker: (_moduleId: string, label: string) =>
    label === "kusto" ? new KustoWorker() : new EditorWorker(),
};

// The workspace answers queries, not management commands, so completion does not offer `.show …`.
kustoDefaults.setLanguageSettings({ ...kustoDefaults.languageSettings, includeControlCommands: false });

export { monaco };

/**
 * The workspace's schema in the shape the Kusto language service takes (a one-database cluster). The
 * service caches a database's symbols until its major version grows, so each new schema needs a higher one.
 */
export function engineSchema(schema: WorkspaceSchema, version: number): EngineSchema {
  const database = {
    name: "workspace",
    tables: schema.tables.map((t) => ({ name: t.name, entityType: "Table" as const, columns: t.columns })),
    functions: schema.functions.map((f) => ({
      name: f.name,
      body: `{\n${f.body}\n}`,
      docstring: f.description,
      inputParameters: f.parameters.map((p) => ({
        name: p.name,
        type: p.type,
        cslType: p.type,
        ...(p.default === undefined ? {} : { cslDefaultValue: p.default }),
      })),
    })),
    entityGroups: [],
    majorVersion: version,
    minorVersion: 0,
  };
  return {
    clusterType: "Engine",
    cluster: { connectionString: "svcmap", databases: [database] },
    database,
  };
}

let schemaVersion = 0;

/** Gives every Kusto editor the schema; call again after a stored function changes. */
export async function applySchema(schema: WorkspaceSchema, model: monaco.editor.ITextModel): Promise<void> {
  const accessor = await getKustoWorker();
  const worker = await accessor(model.uri);
  schemaVersion += 1;
  await worker.setSchema(engineSchema(schema, schemaVersion));
}
