// The schema is versioned so that a later release can open an older data directory. Each migration moves
// the store up by one version inside one transaction; `reconcileColumns` then adds any column that the model
// has gained since, so that additive schema changes need no hand-written step.

import type { DuckDBConnection } from "@duckdb/node-api";
import { legacyViews, storedTableNames, tables, type StoredTableName } from "@svcmap/model";
import { quoteIdent, quoteString } from "./quote.js";
import { createConnectionRollupSql, rollUpConnectionsSql } from "./connection-rollup.js";
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
  {
    version: 2,
    describe: "the ids of accepted agent batches, so that a retried batch is stored once",
    async up(connection) {
      await connection.run(
        `CREATE TABLE IF NOT EXISTS ${quoteIdent(acceptedBatchesTable)} (batch_id VARCHAR PRIMARY KEY, ` +
          "table_name VARCHAR NOT NULL, row_count BIGINT NOT NULL, accepted_at TIMESTAMP NOT NULL)",
      );
    },
  },
  {
    version: 3,
    describe: "the hourly rollup of VMConnection, built from the rows stored so far",
    async up(connection) {
      await connection.run(createConnectionRollupSql());
      await connection.run(rollUpConnectionsSql("VMConnection"));
    },
  },
];

/** Batch ids an agent sent and the workspace stored; kept as long as the rows they carried. */
export const acceptedBatchesTable = "svcmap_agent_batches";

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

/**
 * Brings each table to the model's exact columns, in the model's order: the appender writes columns by
 * position, so a column added anywhere but at the end must not leave the stored order behind. Columns the
 * model has gained are added; if the order then differs, the table is rebuilt in the model's order with
 * every shared column's rows kept, in one transaction.
 */
async function reconcileColumns(connection: DuckDBConnection): Promise<void> {
  for (const name of storedTableNames) {
    const model = tables[name].columns.map((c) => c.name);
    const stored = await storedColumns(connection, name);
    if (stored.length === model.length && stored.every((c, i) => c === model[i])) continue;
    const storedSet = new Set(stored);
    if (model.slice(0, stored.length).every((c, i) => c === stored[i])) {
      for (const column of tables[name].columns) {
        if (!storedSet.has(column.name)) await connection.run(addColumnSql(name, column));
      }
      continue;
    }
    await rebuildInModelOrder(connection, name, storedSet);
  }
}

async function storedColumns(connection: DuckDBConnection, table: string): Promise<string[]> {
  const reader = await connection.runAndReadAll(
    `SELECT column_name FROM information_schema.columns WHERE table_name = ${quoteString(table)} ORDER BY ordinal_position`,
  );
  return reader.getRowsJS().map((row) => String(row[0]));
}

async function rebuildInModelOrder(
  connection: DuckDBConnection,
  name: StoredTableName,
  stored: ReadonlySet<string>,
): Promise<void> {
  const staging = `${name}__rebuild`;
  const sharedColumns = tables[name].columns.filter((c) => stored.has(c.name));
  const shared = sharedColumns.map((c) => quoteIdent(c.name));
  const values = sharedColumns.map((c) =>
    c.type === "string" ? `coalesce(${quoteIdent(c.name)}, '')` : quoteIdent(c.name),
  );
  await connection.run("BEGIN TRANSACTION");
  try {
    // The legacy views read these tables; they are created again once every table is right.
    for (const view of legacyViews) await connection.run(`DROP VIEW IF EXISTS ${quoteIdent(view.name)}`);
    await connection.run(createTableSql({ ...tables[name], name: staging }));
    await connection.run(
      `INSERT INTO ${quoteIdent(staging)} (${shared.join(", ")}) SELECT ${values.join(", ")} FROM ${quoteIdent(name)}`,
    );
    await connection.run(`DROP TABLE ${quoteIdent(name)}`);
    await connection.run(`ALTER TABLE ${quoteIdent(staging)} RENAME TO ${quoteIdent(name)}`);
    await connection.run("COMMIT");
  } catch (error) {
    await connection.run("ROLLBACK");
    throw error;
  }
}

export async function writeMeta(connection: DuckDBConnection, key: string, value: string): Promise<void> {
  await connection.run(
    `INSERT OR REPLACE INTO svcmap_meta (key, value) VALUES (${quoteString(key)}, ${quoteString(value)})`,
  );
}
