// How the rows of a large result are best read out of DuckDB: the engine's row-by-row read against
// columnar reads, on the two seed queries that return 500,000 rows. Reads the estate of `npm run
// bench:seed` (which must exist), read-only.
//
//   npx tsx bench/read-path.ts
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DuckDBConnection, DuckDBValue } from "@duckdb/node-api";
import { KqlEngine, WorkspaceStore } from "@svcmap/workspace";
import type { KustoType } from "@svcmap/model";
import { duckdbMacros } from "../packages/workspace/src/kql/sql/duckdb-dialect.js";
import { toResultValue } from "../packages/workspace/src/kql/run/values.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const dataDir = join(root, "bench", "data", "seed-estate-1000m-24h-s1");
const now = new Date("2026-03-02T18:00:00Z");
const limit = 500_000;
const queries: Record<string, string> = {
  "remote-geolocation-map":
    "VMConnection | where RemoteLatitude > 0 | project RemoteCountry, RemoteLatitude, RemoteLongitude, BytesSent",
  "remote-dns-detail":
    "VMConnection | project RemoteCountry, RemoteLatitude, RemoteLongitude, BytesSent, SourceIp, DestinationIp, RemoteDnsQuestions",
};

type Reader = (c: DuckDBConnection, sql: string, types: readonly KustoType[]) => Promise<number>;

const readers: Record<string, Reader> = {
  /** DuckDB's result only, no values read: the floor. */
  "run only": async (c, sql) => (await c.streamAndReadUntil(sql, limit + 1)).currentRowCount,
  /** What the engine does today: row arrays of DuckDB values, each converted. */
  "rows + convert": async (c, sql, types) => {
    const reader = await c.streamAndReadUntil(sql, limit + 1);
    let n = 0;
    for (const raw of reader.getRows()) {
      const row = types.map((type, i) => toResultValue(raw[i], type));
      n += row.length;
    }
    return n;
  },
  /** Column arrays of the whole result, converted column by column, rows assembled after. */
  "columns + convert": async (c, sql, types) => {
    const reader = await c.streamAndReadUntil(sql, limit + 1);
    const columns = reader.getColumns();
    const converted = columns.map((values, i) => values.map((v) => toResultValue(v, types[i] as KustoType)));
    const count = converted[0]?.length ?? 0;
    let n = 0;
    for (let r = 0; r < count; r++) n += converted.map((column) => column[r]).length;
    return n;
  },
  /** Chunk by chunk, each column's vector read item by item. */
  "chunk vectors + convert": async (c, sql, types) => {
    const result = await c.stream(sql);
    let n = 0;
    let rows = 0;
    for (
      let chunk = await result.fetchChunk();
      chunk && chunk.rowCount > 0 && rows <= limit;
      chunk = await result.fetchChunk()
    ) {
      const columns: DuckDBValue[][] = types.map((_, i) => chunk.getColumnValues(i));
      for (let r = 0; r < chunk.rowCount; r++) {
        const row = types.map((type, i) => toResultValue((columns[i] as DuckDBValue[])[r], type));
        n += row.length;
      }
      rows += chunk.rowCount;
    }
    return n;
  },
};

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const store = await WorkspaceStore.open({ dataDir, memoryLimit: "4GB", readOnly: true });
const engine = new KqlEngine(store);
const connection = await store.connect();
for (const macro of duckdbMacros) await connection.run(macro);
try {
  for (const [name, query] of Object.entries(queries)) {
    const [sql] = engine.toSql(query, { now });
    const compiled = engine.compile(query, { now });
    const types = (compiled.statements[0]?.rel.columns ?? []).map((c) => c.type);
    const times: Record<string, number[]> = {};
    for (let round = 0; round < 8; round++) {
      for (const [label, read] of Object.entries(readers)) {
        const start = performance.now();
        await read(connection, sql as string, types);
        if (round > 0) (times[label] ??= []).push(performance.now() - start);
      }
    }
    const engineTimes: number[] = [];
    for (let round = 0; round < 3; round++) {
      const start = performance.now();
      await engine.run(query, { now });
      engineTimes.push(performance.now() - start);
    }
    console.log(name);
    for (const [label, xs] of Object.entries(times))
      console.log(`  ${label.padEnd(26)} ${median(xs).toFixed(0).padStart(6)} ms`);
    console.log(`  ${"engine.run".padEnd(26)} ${median(engineTimes).toFixed(0).padStart(6)} ms`);
  }
} finally {
  connection.closeSync();
  store.close();
}
