// Ingestion benchmark: VMConnection rows from an NDJSON file into a fresh workspace, end to end, against
// the ceiling of DuckDB's appender for the same rows already in memory.
//
//   npm run bench:ingest                     # 1,000,000 rows
//   npm run bench:ingest -- --rows 3000000 --runs 5
//
// Each phase runs --runs times (default 3) and the fastest run counts; wall and CPU time are both shown,
// since on a shared machine other processes slow the wall clock but not the CPU time a run needs.
//
// The NDJSON is generated here, deterministically: an estate of machines whose processes hold logical
// connections to each other and to a few internet endpoints, one record per connection per minute,
// written machine by machine within each minute as agents send them.

import { createWriteStream, mkdirSync, rmSync, statSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { performance } from "node:perf_hooks";
import { URL } from "node:url";
import { parseArgs } from "node:util";
import { connectionId, machineId, processId, tables } from "@svcmap/model";
import {
  appendRecords,
  duckdbTypeOf,
  fileRowSource,
  ingestFiles,
  quoteIdent,
  quoteString,
  WorkspaceStore,
} from "@svcmap/workspace";

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    machines: { type: "string", default: "200" },
    runs: { type: "string", default: "3" },
    "keep-data": { type: "boolean", default: false },
  },
});
const rowCount = Number(values.rows);
const machineCount = Number(values.machines);
const runs = Number(values.runs);
const benchDir = new URL("./data/", import.meta.url).pathname;
mkdirSync(benchDir, { recursive: true });

function random(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const programs = [
  { name: "nginx", path: "/usr/sbin/nginx", ports: [443, 80] },
  { name: "java", path: "/usr/lib/jvm/java-17/bin/java", ports: [8080, 8443] },
  { name: "postgres", path: "/usr/lib/postgresql/16/bin/postgres", ports: [5432] },
  { name: "redis-server", path: "/usr/bin/redis-server", ports: [6379] },
  { name: "node", path: "/usr/bin/node", ports: [3000] },
  { name: "sshd", path: "/usr/sbin/sshd", ports: [22] },
];
const internet = [
  { ip: "20.42.65.92", country: "United States", lat: 47.68, lon: -122.12 },
  { ip: "52.239.148.10", country: "Netherlands", lat: 52.37, lon: 4.89 },
  { ip: "140.82.121.4", country: "Germany", lat: 50.11, lon: 8.68 },
];

function estate(rnd) {
  const hex = (n) => Array.from({ length: n }, () => "0123456789abcdef"[Math.floor(rnd() * 16)]).join("");
  const tiers = ["web", "app", "db", "cache", "api"];
  return Array.from({ length: machineCount }, (_, i) => {
    const agentId = `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
    const machine = machineId(agentId);
    const tier = tiers[i % tiers.length];
    const computer = `${tier}-${String(i).padStart(3, "0")}.prod.contoso.local`;
    const ip = `10.${10 + (i % 5)}.${Math.floor(i / 250)}.${(i % 250) + 4}`;
    const processes = programs
      .filter(() => rnd() < 0.6)
      .map((p) => ({ ...p, process: processId(machine, p.path, `${p.path} --config /etc/${p.name}`) }));
    if (processes.length === 0)
      processes.push({ ...programs[5], process: processId(machine, programs[5].path, "") });
    return { agentId, machine, computer, ip, processes };
  });
}

/** Logical connections of each machine: outbound to other machines' listening ports, inbound from them. */
function connectionsOf(machines, rnd) {
  return machines.map((m) => {
    const links = [];
    const fanout = 10 + Math.floor(rnd() * 30);
    for (let k = 0; k < fanout; k++) {
      const process = m.processes[Math.floor(rnd() * m.processes.length)];
      const publicRemote = rnd() < 0.1 ? internet[Math.floor(rnd() * internet.length)] : undefined;
      const other = machines[Math.floor(rnd() * machines.length)];
      const server = other.processes[Math.floor(rnd() * other.processes.length)];
      const port = publicRemote ? 443 : server.ports[0];
      const outbound = publicRemote !== undefined || rnd() < 0.55;
      const remoteIp = publicRemote ? publicRemote.ip : other.ip;
      const sourceIp = outbound ? m.ip : remoteIp;
      const destinationIp = outbound ? remoteIp : m.ip;
      const direction = outbound ? "outbound" : "inbound";
      const key = {
        direction,
        machine: m.machine,
        process: process.process,
        sourceIp,
        destinationIp,
        destinationPort: port,
        protocol: "tcp",
      };
      links.push({
        ...key,
        id: connectionId(key),
        processName: process.name,
        remote: publicRemote,
        remoteIp,
      });
    }
    return links;
  });
}

async function writeNdjson(path) {
  const rnd = random(42);
  const machines = estate(rnd);
  const links = connectionsOf(machines, rnd);
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  const start = Date.UTC(2026, 4, 1, 0, 0, 0);
  let written = 0;
  let lines = [];
  for (let minute = 0; written < rowCount; minute++) {
    const time = new Date(start + minute * 60_000).toISOString().replace(".000Z", "Z");
    for (let i = 0; i < machines.length && written < rowCount; i++) {
      const m = machines[i];
      for (const link of links[i]) {
        if (written === rowCount) break;
        if (rnd() < 0.3) continue; // idle this minute: no record
        const established = Math.floor(rnd() * 12);
        const terminated = Math.floor(rnd() * (established + 1));
        const responses = Math.floor(rnd() * 400);
        const responseMin = responses ? 1 + Math.floor(rnd() * 5) : 0;
        const record = {
          TimeGenerated: time,
          Computer: m.computer,
          AgentId: m.agentId,
          Machine: m.machine,
          Process: link.process,
          ProcessName: link.processName,
          ConnectionId: link.id,
          Direction: link.direction,
          SourceIp: link.sourceIp,
          DestinationIp: link.destinationIp,
          DestinationPort: link.destinationPort,
          Protocol: "tcp",
          RemoteIp: link.remoteIp,
          BytesSent: Math.floor(rnd() * 2_000_000),
          BytesReceived: Math.floor(rnd() * 20_000_000),
          LinksEstablished: established,
          LinksTerminated: terminated,
          LinksLive: established - terminated + 1,
          LinksFailed: link.direction === "outbound" && rnd() < 0.03 ? 1 : 0,
          Responses: responses,
          ResponseTimeSum: responses * (5 + Math.floor(rnd() * 40)),
          ResponseTimeMin: responseMin,
          ResponseTimeMax: responses ? responseMin + Math.floor(rnd() * 200) : 0,
        };
        if (link.remote) {
          record.RemoteCountry = link.remote.country;
          record.RemoteLatitude = link.remote.lat;
          record.RemoteLongitude = link.remote.lon;
        }
        lines.push(JSON.stringify(record));
        written++;
        if (lines.length === 10_000) {
          if (!out.write(lines.join("\n") + "\n")) await once(out, "drain");
          lines = [];
        }
      }
    }
  }
  if (lines.length > 0) out.write(lines.join("\n") + "\n");
  out.end();
  await once(out, "finish");
}

async function freshStore(name) {
  const dataDir = join(benchDir, name);
  rmSync(dataDir, { recursive: true, force: true });
  return WorkspaceStore.open({ dataDir });
}

function seconds(ms) {
  return ms / 1000;
}

/** Wall time and this process's CPU time (all threads, DuckDB's included) of `work`. */
async function timed(work) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await work();
  const used = process.cpuUsage(cpu);
  return { value, ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

/** End to end: the file through ingestFiles (read, JSON.parse, check, fill, append, Usage, commit). */
async function endToEnd(path, parseInWorker = false) {
  const store = await freshStore("end-to-end");
  try {
    return await timed(() => ingestFiles(store, "VMConnection", [path], { parseInWorker }));
  } finally {
    store.close();
  }
}

/** The same rows as stored records (every filled column), read back from the end-to-end store. */
async function storedRecords() {
  const store = await WorkspaceStore.open({ dataDir: join(benchDir, "end-to-end") });
  try {
    return await store.withConnection(async (c) => {
      // Chunk by chunk, so that only the records themselves are ever held. getRowObjectsJS builds
      // dictionary-mode objects, slow to read; records from JSON.parse are not, so each row is rebuilt as
      // an ordinary object, in the representation ingestion hands the appender: epoch milliseconds for
      // datetime, numbers for longs that fit.
      const result = await c.run(`SELECT * FROM "VMConnection"`);
      const names = result.columnNames();
      const records = [];
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        for (const row of chunk.getRowObjects(names)) {
          const record = {};
          for (const name of names) {
            const value = row[name];
            record[name] =
              typeof value === "bigint"
                ? Number(value)
                : name === "TimeGenerated"
                  ? Number(value.micros / 1000n)
                  : value;
          }
          records.push(record);
        }
      }
      return records;
    });
  } finally {
    store.close();
  }
}

/** Ceiling 1: appendRecords, the fastest path from JS records, in one transaction. */
async function appendRecordsCeiling(records) {
  const store = await freshStore("ceiling-records");
  try {
    return await store.withConnection((c) =>
      timed(async () => {
        await c.run("BEGIN TRANSACTION");
        await appendRecords(c, tables.VMConnection, records);
        await c.run("COMMIT");
      }),
    );
  } finally {
    store.close();
  }
}

/**
 * Ceiling 2: DuckDB's appender alone. The stored rows are fetched back as DuckDB data chunks (no JS values
 * at all), then appended to an empty copy of the table and committed; only the second part is timed.
 */
async function appenderOnlyCeiling(copyName) {
  const store = await WorkspaceStore.open({ dataDir: join(benchDir, "end-to-end") });
  try {
    return await store.withConnection(async (c) => {
      await c.run(`CREATE TABLE "${copyName}" AS SELECT * FROM "VMConnection" LIMIT 0`);
      const result = await c.run(`SELECT * FROM "VMConnection"`);
      const chunks = [];
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        chunks.push(chunk);
      }
      return timed(async () => {
        await c.run("BEGIN TRANSACTION");
        const appender = await c.createAppender(copyName);
        for (const chunk of chunks) appender.appendDataChunk(chunk);
        appender.flushSync();
        appender.closeSync();
        await c.run("COMMIT");
      });
    });
  } finally {
    store.close();
  }
}

/**
 * Ceiling 3: DuckDB's own NDJSON reader (read_json with the table's column types) inserting the file into the
 * table in one statement: no row checks, no workspace columns, no Usage. It shows what a bulk path that
 * bypasses JavaScript altogether could reach on this machine.
 */
async function duckdbReadJsonCeiling(path) {
  const store = await freshStore("ceiling-read-json");
  try {
    const columns = tables.VMConnection.columns
      .map((c) => `${quoteString(c.name)}: ${quoteString(duckdbTypeOf[c.type])}`)
      .join(", ");
    const source = `read_json(${quoteString(path)}, format = 'newline_delimited', columns = {${columns}})`;
    return await store.withConnection((c) =>
      timed(async () => {
        await c.run("BEGIN TRANSACTION");
        await c.run(`INSERT INTO ${quoteIdent("VMConnection")} BY NAME SELECT * FROM ${source}`);
        await c.run("COMMIT");
      }),
    );
  } finally {
    store.close();
  }
}

/** Reading and JSON.parse alone, for the breakdown. */
async function parseOnly(path) {
  const source = await fileRowSource(path);
  return timed(async () => {
    let rows = 0;
    for await (const batch of source.rows()) rows += batch.length;
    return rows;
  });
}

/** The best of `runs`: other work on the machine only ever slows a run down. */
async function best(runs, measure) {
  let fastest;
  for (let i = 0; i < runs; i++) {
    const run = await measure(i);
    if (fastest === undefined || run.ms < fastest.ms) fastest = run;
  }
  return fastest;
}

const path = join(benchDir, `vmconnection-${rowCount}.ndjson`);
console.error(`generating ${rowCount.toLocaleString("en-US")} VMConnection rows into ${path} ...`);
await writeNdjson(path);
const fileBytes = statSync(path).size;
const loadBefore = loadavg()[0];

console.error("reading and parsing only ...");
const parse = await best(runs, () => parseOnly(path));
console.error("end to end, parsing in a worker thread ...");
const e2eWorker = await best(runs, () => endToEnd(path, true));
console.error("end to end ...");
const e2e = await best(runs, () => endToEnd(path));
const rows = e2e.value.rows;
console.error("loading the stored rows for the ceilings ...");
const records = await storedRecords();
console.error("ceiling: appendRecords from memory ...");
const recordsCeiling = await best(runs, () => appendRecordsCeiling(records));
console.error("ceiling: DuckDB appender with prebuilt chunks ...");
const chunksCeiling = await best(runs, (i) => appenderOnlyCeiling(`VMConnectionCopy${i}`));
console.error("ceiling: DuckDB's own NDJSON reader ...");
const readJsonCeiling = await best(runs, () => duckdbReadJsonCeiling(path));

const phase = (run) => ({
  seconds: +seconds(run.ms).toFixed(2),
  rowsPerSecond: Math.round(rows / seconds(run.ms)),
  cpuSeconds: +seconds(run.cpuMs).toFixed(2),
  rowsPerCpuSecond: Math.round(rows / seconds(run.cpuMs)),
});
const result = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model,
  cores: cpus().length,
  memoryGB: Math.round(totalmem() / 2 ** 30),
  loadAverage1m: { before: +loadBefore.toFixed(2), after: +loadavg()[0].toFixed(2) },
  runsPerPhase: runs,
  rows,
  fileMB: +(fileBytes / 1e6).toFixed(1),
  bytesPerRow: Math.round(fileBytes / rows),
  readAndParse: phase(parse),
  endToEnd: { ...phase(e2e), MBPerSecond: +(fileBytes / 1e6 / seconds(e2e.ms)).toFixed(1) },
  endToEndParsingInWorker: phase(e2eWorker),
  ceilingAppendRecords: phase(recordsCeiling),
  ceilingDuckDBAppender: phase(chunksCeiling),
  ceilingDuckDBReadJson: phase(readJsonCeiling),
  ratioEndToEndToAppendRecords: +(recordsCeiling.ms / e2e.ms).toFixed(2),
  ratioEndToEndToDuckDBAppender: +(chunksCeiling.ms / e2e.ms).toFixed(2),
  ratioEndToEndToDuckDBReadJson: +(readJsonCeiling.ms / e2e.ms).toFixed(2),
};
console.log(JSON.stringify(result, null, 2));
if (!values["keep-data"]) {
  for (const name of ["end-to-end", "ceiling-records", "ceiling-read-json"])
    rmSync(join(benchDir, name), { recursive: true, force: true });
  rmSync(path, { force: true });
}
