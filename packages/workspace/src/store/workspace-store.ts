import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { totalmem } from "node:os";
import { join, resolve } from "node:path";
import { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { storedTableNames } from "@svcmap/model";
import { acceptedBatchesTable, migrate, writeMeta } from "./migrations.js";
import { connectionRollupName } from "./connection-rollup.js";
import { quoteIdent, quoteNumber, quoteString } from "./quote.js";

export interface StoreOptions {
  /** The data directory; created on first use. */
  readonly dataDir: string;
  /** Rows older than this many days are deleted in the background. */
  readonly retentionDays?: number;
  /** DuckDB's memory limit for the whole workspace, e.g. "4GB". */
  readonly memoryLimit?: string;
  readonly threads?: number;
  /**
   * Opens an existing workspace without writing to it (DuckDB's READ_ONLY mode): several processes may
   * then read the same file, e.g. benchmarks over a shared data set. No migration runs.
   */
  readonly readOnly?: boolean;
}

export const defaultRetentionDays = 30;

/** 40% of the machine's memory, in whole megabytes. */
export function defaultMemoryLimit(): string {
  return `${Math.floor((totalmem() * 0.4) / 1_048_576)}MB`;
}
export const databaseFileName = "workspace.duckdb";

/**
 * One workspace: one DuckDB file, opened once per process. Each query gets a connection of its own, so a
 * slow query can be interrupted without touching the others.
 */
export class WorkspaceStore {
  private retentionTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly instance: DuckDBInstance,
    readonly workspaceId: string,
    readonly dataDir: string,
    readonly retentionDays: number,
  ) {}

  static async open(options: StoreOptions): Promise<WorkspaceStore> {
    const dataDir = resolve(options.dataDir);
    if (options.readOnly !== true) mkdirSync(dataDir, { recursive: true });
    // DuckDB would otherwise take 80% of the machine's memory, which leaves nothing for the agent, the
    // server's own heap or a second process on the same machine.
    const config: Record<string, string> = { memory_limit: options.memoryLimit ?? defaultMemoryLimit() };
    if (options.threads !== undefined) config["threads"] = String(options.threads);
    if (options.readOnly === true) config["access_mode"] = "READ_ONLY";
    const instance = await DuckDBInstance.create(join(dataDir, databaseFileName), config);
    const connection = await instance.connect();
    try {
      if (options.readOnly === true) {
        const workspaceId = await readWorkspaceId(connection);
        if (workspaceId === undefined) throw new Error(`${dataDir} holds no svcmap workspace to read`);
        return new WorkspaceStore(
          instance,
          workspaceId,
          dataDir,
          options.retentionDays ?? defaultRetentionDays,
        );
      }
      await connection.run("CREATE TABLE IF NOT EXISTS svcmap_meta (key VARCHAR PRIMARY KEY, value VARCHAR)");
      await migrate(connection);
      const workspaceId = await ensureWorkspaceId(connection);
      return new WorkspaceStore(
        instance,
        workspaceId,
        dataDir,
        options.retentionDays ?? defaultRetentionDays,
      );
    } finally {
      connection.closeSync();
    }
  }

  async connect(): Promise<DuckDBConnection> {
    return this.instance.connect();
  }

  /** Runs `work` on a fresh connection and closes it afterwards, whatever happens. */
  async withConnection<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const connection = await this.connect();
    try {
      return await work(connection);
    } finally {
      connection.closeSync();
    }
  }

  /** Deletes rows older than the retention period from every stored table; returns how many went. */
  async enforceRetention(now: Date = new Date()): Promise<number> {
    const cutoffMs = now.getTime() - this.retentionDays * 86_400_000;
    const cutoff = `make_timestamp(${quoteNumber(BigInt(cutoffMs) * 1000n)})`;
    // VMConnection and its hourly rollup go by whole hours, so that the rollup never holds an hour the raw
    // table holds only part of: they keep up to an hour more than the retention period.
    const hourCutoffMs = Math.floor(cutoffMs / 3_600_000) * 3_600_000;
    const hourCutoff = `make_timestamp(${quoteNumber(BigInt(hourCutoffMs) * 1000n)})`;
    return this.withConnection(async (connection) => {
      let deleted = 0;
      for (const table of [...storedTableNames, connectionRollupName]) {
        const before = table === "VMConnection" || table === connectionRollupName ? hourCutoff : cutoff;
        const result = await connection.run(
          `DELETE FROM ${quoteIdent(table)} WHERE ${quoteIdent("TimeGenerated")} < ${before}`,
        );
        if (table !== connectionRollupName) deleted += Number(result.rowsChanged);
      }
      // A batch retried after its rows are gone would be stored again, but no agent retries that long.
      await connection.run(
        `DELETE FROM ${quoteIdent(acceptedBatchesTable)} WHERE ${quoteIdent("accepted_at")} < ${cutoff}`,
      );
      return deleted;
    });
  }

  /** Enforces retention now and then every `intervalMs`, without keeping the process alive. */
  startRetention(intervalMs = 3_600_000, onError: (error: unknown) => void = () => {}): void {
    const run = (): void => {
      this.enforceRetention().catch(onError);
    };
    run();
    this.retentionTimer = setInterval(run, intervalMs);
    this.retentionTimer.unref();
  }

  close(): void {
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    this.instance.closeSync();
  }
}

async function readWorkspaceId(connection: DuckDBConnection): Promise<string | undefined> {
  const reader = await connection.runAndReadAll(
    `SELECT value FROM svcmap_meta WHERE key = ${quoteString("workspace_id")}`,
  );
  const existing = reader.getRowsJS()[0]?.[0];
  return typeof existing === "string" ? existing : undefined;
}

async function ensureWorkspaceId(connection: DuckDBConnection): Promise<string> {
  const existing = await readWorkspaceId(connection);
  if (existing !== undefined) return existing;
  const id = randomUUID();
  await writeMeta(connection, "workspace_id", id);
  return id;
}
