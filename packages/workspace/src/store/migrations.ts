// The schema is versioned so that a later release can open an older data directory. Each migration moves
// the store up by one version inside one transaction; `reconcileColumns` then adds any column that the model
// has gained since, so that additive schema changes need no hand-written step.

import type { DuckDBConnection } from "@duckdb/node-api";
import { legacyViews, storedTableNames, tables } from "@svcmap/model";
import { quoteString } from "./quote.js";
import { addColumnSql, createTableSql, createViewSql } from "./schema-ddl.js";

interface Migration {
  readonly version: number;
  readonly describe: string;
  up(connection: DuckDBConnection): Promise<void>;
}

const migrations: readonly Migration[] = [
  {
    version: 1,
    describe: "the public tables",
    async up(connection) {
      for (const name of storedTableNames) await connection.run(createTableSql(tables[name]));
    },
  },
];

export const currentSchemaVersion = migrations.length;

export async function readSchemaVersion(connection: DuckDBConnection): Promise<number> {
  const reader = await connection.runAndReadAll(
    `SELECT value FROM svcmap_meta WHERE key = ${quoteString("schema_version")}`,
  );
  const value = reader.getRowsJS()[0]?.[0];
  return value === undefined ? 0 : Number(value);
}

export async function migrate(connection: DuckDBConnection): Promise<{ from: number; to: number }> {
  const from = await readSchemaVersion(connection);
  if (from > currentSchemaVersion) {
    throw new Error(
      `this data directory has schema version ${from}, newer than this release understands (${currentSchemaVersion})`,
    );
  }
  for (const migration of migrations.filter((m) => m.version > from)) {
    await connection.run("BEGIN TRANSACTION");
    try {
      await migration.up(connection);
      await writeMeta(connection, "schema_version", String(migration.version));
      await connection.run("COMMIT");
    } catch (error) {
      await connection.run("ROLLBACK");
      throw error;
    }
  }
  await reconcileColumns(connection);
  for (const view of legacyViews) {
    await connection.run(createViewSql(view, tables[view.base as keyof typeof tables]));
  }
  return { from, to: currentSchemaVersion };
}

async function reconcileColumns(connection: DuckDBConnection): Promise<void> {
  for (const name of storedTableNames) {
    const reader = await connection.runAndReadAll(
      `SELECT column_name FROM information_schema.columns WHERE table_name = ${quoteString(name)}`,
    );
    const present = new Set(reader.getRowsJS().map((row) => String(row[0])));
    for (const column of tables[name].columns) {
      if (!present.has(column.name)) await connection.run(addColumnSql(name, column));
    }
  }
}

export async function writeMeta(connection: DuckDBConnection, key: string, value: string): Promise<void> {
  await connection.run(
    `INSERT OR REPLACE INTO svcmap_meta (key, value) VALUES (${quoteString(key)}, ${quoteString(value)})`,
  );
}
