import type { DuckDBConnection } from "@duckdb/node-api";
import type { WorkspaceStore } from "../store/workspace-store.js";
import type { StoredFunction, StoredFunctionSource } from "./analyse/stored-functions.js";
import { compile, noParameters, type CompiledQuery } from "./compile.js";
import { compileThread, compileThreadAvailable } from "./compile-thread/client.js";
import { QueryError } from "./errors.js";
import { call, childrenOf, lit, mapChildren, type Rel } from "./lower/ir.js";
import type { QueryOptions, QueryResult, ResultTable } from "./result.js";
import { execute, type Limits } from "./run/execute.js";
import { runPlugin } from "./run/plugins.js";
import { resolveTimespan } from "./run/timespan-option.js";
import { duckdbDialect } from "./sql/duckdb-dialect.js";
import { SqlGenerator } from "./sql/generate.js";

const noStoredFunctions: readonly StoredFunction[] = [];

export const defaultLimits: Limits = { timeoutMs: 60_000, maxRows: 500_000, maxBytes: 64 * 1024 * 1024 };

/** Compiles and runs KQL over one workspace. One engine per store; safe to use from many requests at once. */
export class KqlEngine {
  constructor(
    readonly store: WorkspaceStore,
    /** The workspace's stored functions, callable from every query. */
    private readonly functions?: StoredFunctionSource,
  ) {}

  /** KQL to SQL without running it: for tests, explain and the golden files. */
  toSql(query: string, options: QueryOptions = {}): string[] {
    const compiled = this.compile(query, options);
    return compiled.statements.flatMap((s) => {
      // A plugin's input runs first; its output then stands in the outer statement as literal rows.
      const plugins = pluginsOf(s.rel);
      const placeholders = new Map(
        plugins.map((p) => [p as Rel, `SELECT * FROM (evaluate ${p.plugin}() output)`]),
      );
      const inputs = plugins.map((p) => new SqlGenerator(duckdbDialect, placeholders).statement(p.input));
      return [...inputs, new SqlGenerator(duckdbDialect, placeholders).statement(s.rel)];
    });
  }

  /** Compiles on this thread (for toSql, tests and explain); run() compiles on the compiler thread. */
  compile(query: string, options: QueryOptions = {}): CompiledQuery {
    const now = options.now ?? new Date();
    return withTimespan(
      compile(query, microsOf(now), this.storedFunctions(), options.parameters),
      options.timespan,
      now,
    );
  }

  /**
   * Starts the compiler thread, which loads Kusto.Language and builds the schema model (most of a second)
   * beside whatever this thread does meanwhile, e.g. opening the store and starting to listen.
   */
  warm(): void {
    if (compileThreadAvailable()) compileThread.start();
    else compile("print 1", 0n);
  }

  private async compileForRun(query: string, options: QueryOptions): Promise<CompiledQuery> {
    const now = options.now ?? new Date();
    const parameters = options.parameters ?? noParameters;
    const compiled = compileThreadAvailable()
      ? await compileThread.compile(query, microsOf(now), this.storedFunctions(), parameters)
      : compile(query, microsOf(now), this.storedFunctions(), parameters);
    return withTimespan(compiled, options.timespan, now);
  }

  private storedFunctions(): readonly StoredFunction[] {
    return this.functions?.current() ?? noStoredFunctions;
  }

  async run(query: string, options: QueryOptions = {}): Promise<QueryResult> {
    const limits: Limits = {
      timeoutMs: options.timeoutMs ?? defaultLimits.timeoutMs,
      maxRows: options.maxRows ?? defaultLimits.maxRows,
      maxBytes: options.maxBytes ?? defaultLimits.maxBytes,
      ...(options.signal ? { signal: options.signal } : {}),
    };
    const deadline = Date.now() + limits.timeoutMs;
    const compiled = await this.compileForRun(query, options);
    return this.store.withConnection(async (connection) => {
      const tables: ResultTable[] = [];
      let truncated: QueryResult["truncated"];
      for (const [i, statement] of compiled.statements.entries()) {
        const resolved = await resolvePlugins(statement.rel, connection, limits, deadline);
        const sql = new SqlGenerator(duckdbDialect, resolved).statement(statement.rel);
        for (const setup of duckdbDialect.setupFor(sql)) await connection.run(setup);
        const result = await execute(connection, sql, statement.rel.columns, limits, deadline);
        tables.push({
          name: i === 0 ? "PrimaryResult" : `Table_${i}`,
          columns: statement.rel.columns.map((c) => ({ name: c.name, type: c.type })),
          rows: result.rows,
        });
        truncated ??= result.truncated;
      }
      const visualization = compiled.statements[0]?.visualization;
      return {
        tables,
        ...(visualization ? { visualization } : {}),
        ...(truncated ? { truncated } : {}),
      };
    });
  }
}

function microsOf(date: Date): bigint {
  return BigInt(date.getTime()) * 1000n;
}

function withTimespan(compiled: CompiledQuery, timespan: string | undefined, now: Date): CompiledQuery {
  if (timespan === undefined) return compiled;
  const window = resolveTimespan(timespan, now);
  return {
    ...compiled,
    statements: compiled.statements.map((s) => ({
      ...s,
      rel: restrictTime(s.rel, window.startMicros, window.endMicros),
    })),
  };
}

/** Plugins (evaluate …) run in TypeScript over their input's rows; their output joins the SQL as values. */
async function resolvePlugins(
  rel: Rel,
  connection: DuckDBConnection,
  limits: Limits,
  deadline: number,
): Promise<Map<Rel, string>> {
  const resolved = new Map<Rel, string>();
  const visit = async (node: Rel): Promise<void> => {
    for (const childRel of childrenOf(node)) await visit(childRel);
    if (node.kind !== "plugin") return;
    const inputSql = new SqlGenerator(duckdbDialect, resolved).statement(node.input);
    for (const setup of duckdbDialect.setupFor(inputSql)) await connection.run(setup);
    const input = await execute(connection, inputSql, node.input.columns, limits, deadline);
    const output = runPlugin(node, input.rows);
    resolved.set(
      node,
      new SqlGenerator(duckdbDialect).query({ kind: "values", columns: node.columns, rows: output }),
    );
  };
  await visit(rel);
  return resolved;
}

function pluginsOf(rel: Rel): Extract<Rel, { kind: "plugin" }>[] {
  const below = childrenOf(rel).flatMap(pluginsOf);
  return rel.kind === "plugin" ? [...below, rel] : below;
}

/** The Query API's timespan limits every table that has TimeGenerated, as Log Analytics does. */
function restrictTime(rel: Rel, startMicros: bigint, endMicros: bigint): Rel {
  const rewrite = (node: Rel): Rel => {
    switch (node.kind) {
      case "table": {
        const time = node.columns.find((c) => c.name === "TimeGenerated" && c.type === "datetime");
        if (time === undefined) return node;
        const column = { kind: "column", name: time.name, type: time.type } as const;
        const condition = call(
          "and",
          "bool",
          call("ge", "bool", column, lit({ type: "datetime", value: startMicros })),
          call("lt", "bool", column, lit({ type: "datetime", value: endMicros })),
        );
        return { kind: "filter", input: node, condition, columns: node.columns };
      }
      default:
        return mapChildren(node, rewrite);
    }
  };
  return rewrite(rel);
}

export { QueryError };
