// What people keep in a workspace besides data: saved queries, stored functions and workbooks. They live in
// the workspace's own DuckDB file (table svcmap_saved), so a data directory carries them with it. Each item
// is a name unique within its kind and a JSON document checked by its kind's rules before it is stored.

import type { WorkspaceStore } from "../store/workspace-store.js";
import { quoteIdent, quoteNumber, quoteString } from "../store/quote.js";
import {
  checkStoredFunction,
  type StoredFunction,
  type StoredFunctionSource,
} from "../kql/analyse/stored-functions.js";
import { parseSavedContent, type SavedContent, type SavedKind } from "./saved-content.js";

export const savedItemTable = "svcmap_saved";

export interface SavedItem<K extends SavedKind = SavedKind> {
  readonly kind: K;
  readonly name: string;
  readonly content: SavedContent[K];
  readonly updatedAt: string;
}

const table = quoteIdent(savedItemTable);
const col = {
  kind: quoteIdent("kind"),
  name: quoteIdent("name"),
  content: quoteIdent("content"),
  updated: quoteIdent("updated_at"),
};

/** The saved items of one workspace store; functions are also kept in memory for the query engine. */
export class SavedItemStore implements StoredFunctionSource {
  private functions: readonly StoredFunction[] = [];

  private constructor(private readonly store: WorkspaceStore) {}

  static async open(store: WorkspaceStore): Promise<SavedItemStore> {
    await store.withConnection((c) =>
      c.run(
        `CREATE TABLE IF NOT EXISTS ${table} (${col.kind} VARCHAR NOT NULL, ${col.name} VARCHAR NOT NULL, ` +
          `${col.content} VARCHAR NOT NULL, ${col.updated} TIMESTAMP NOT NULL, PRIMARY KEY (${col.kind}, ${col.name}))`,
      ),
    );
    const saved = new SavedItemStore(store);
    await saved.reloadFunctions();
    return saved;
  }

  /** The stored functions as the engine sees them. */
  current(): readonly StoredFunction[] {
    return this.functions;
  }

  async list<K extends SavedKind>(kind: K): Promise<SavedItem<K>[]> {
    const rows = await this.store.withConnection(async (c) => {
      const reader = await c.runAndReadAll(
        `SELECT ${col.name}, ${col.content}, strftime(${col.updated}, '%Y-%m-%dT%H:%M:%S.%gZ') FROM ${table} ` +
          `WHERE ${col.kind} = ${quoteString(kind)} ORDER BY lower(${col.name}), ${col.name}`,
      );
      return reader.getRowsJS();
    });
    return rows.map(([name, content, updated]) => ({
      kind,
      name: String(name),
      content: JSON.parse(String(content)) as SavedContent[K],
      updatedAt: String(updated),
    }));
  }

  async get<K extends SavedKind>(kind: K, name: string): Promise<SavedItem<K> | undefined> {
    return (await this.list(kind)).find((item) => item.name === name);
  }

  /**
   * Creates or replaces an item after checking it (a function's body is analysed by Kusto); throws a
   * SavedItemError or QueryError saying what is wrong.
   */
  async save<K extends SavedKind>(kind: K, name: string, input: unknown): Promise<SavedItem<K>> {
    const content = parseSavedContent(kind, name, input);
    if (kind === "function") {
      checkStoredFunction({ name, ...(content as SavedContent["function"]) }, this.functions);
    }
    const now = Date.now();
    await this.store.withConnection(async (c) => {
      await c.run(
        `INSERT OR REPLACE INTO ${table} (${col.kind}, ${col.name}, ${col.content}, ${col.updated}) VALUES ` +
          `(${quoteString(kind)}, ${quoteString(name)}, ${quoteString(JSON.stringify(content))}, ` +
          `make_timestamp(${quoteNumber(BigInt(now) * 1000n)}))`,
      );
    });
    if (kind === "function") await this.reloadFunctions();
    return { kind, name, content, updatedAt: new Date(now).toISOString() };
  }

  /** False when there was no such item. */
  async delete(kind: SavedKind, name: string): Promise<boolean> {
    const deleted = await this.store.withConnection(async (c) => {
      const where = `${col.kind} = ${quoteString(kind)} AND ${col.name} = ${quoteString(name)}`;
      const found = await c.runAndReadAll(`SELECT 1 FROM ${table} WHERE ${where}`);
      if (found.getRowsJS().length === 0) return false;
      await c.run(`DELETE FROM ${table} WHERE ${where}`);
      return true;
    });
    if (kind === "function") await this.reloadFunctions();
    return deleted;
  }

  private async reloadFunctions(): Promise<void> {
    this.functions = (await this.list("function")).map((item) => ({ name: item.name, ...item.content }));
  }
}
