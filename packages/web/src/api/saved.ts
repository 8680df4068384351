// Saved queries, stored functions and workbooks, kept in the workspace (the /api/saved routes), and the
// schema (tables and stored functions) that the query editor completes against.

import { getJson, sendJson } from "./client.js";

export interface FunctionParameter {
  readonly name: string;
  readonly type: string;
  readonly default?: string;
}

export interface StoredFunction {
  readonly name: string;
  readonly parameters: readonly FunctionParameter[];
  readonly body: string;
  readonly description: string;
}

export interface WorkspaceSchema {
  readonly tables: readonly {
    readonly name: string;
    readonly columns: readonly { readonly name: string; readonly type: string }[];
  }[];
  readonly functions: readonly StoredFunction[];
}

export interface SavedContent {
  readonly query: { readonly query: string; readonly description: string };
  readonly function: Omit<StoredFunction, "name">;
  readonly workbook: unknown;
}

export type SavedKind = keyof SavedContent;

export interface SavedItem<K extends SavedKind> {
  readonly kind: K;
  readonly name: string;
  readonly content: SavedContent[K];
  readonly updatedAt: string;
}

const paths: Readonly<Record<SavedKind, string>> = {
  query: "api/saved/queries",
  function: "api/saved/functions",
  workbook: "api/saved/workbooks",
};

export function getSchema(signal?: AbortSignal): Promise<WorkspaceSchema> {
  return getJson<WorkspaceSchema>("api/schema", signal);
}

export async function listSaved<K extends SavedKind>(kind: K): Promise<SavedItem<K>[]> {
  return (await getJson<{ items: SavedItem<K>[] }>(paths[kind])).items;
}

export function getSaved<K extends SavedKind>(kind: K, name: string): Promise<SavedItem<K>> {
  return getJson<SavedItem<K>>(`${paths[kind]}/${encodeURIComponent(name)}`);
}

export function saveItem<K extends SavedKind>(
  kind: K,
  name: string,
  content: SavedContent[K],
): Promise<SavedItem<K>> {
  return sendJson<SavedItem<K>>("PUT", `${paths[kind]}/${encodeURIComponent(name)}`, content);
}

export function deleteItem(kind: SavedKind, name: string): Promise<void> {
  return sendJson<void>("DELETE", `${paths[kind]}/${encodeURIComponent(name)}`);
}
