// svcmap simulate: write a realistic, deterministic estate into a data directory, for demos, tests and
// benchmarks.

import { parseArgs } from "node:util";
import {
  countStoredRows,
  maximumSimulatedMachines as maximumMachines,
  minimumSimulatedMachines as minimumMachines,
  simulatedNamedEntities as namedEntities,
  simulateIntoStore,
  simulationSeed,
  type SimulationSummary,
  type TableWritten,
} from "@svcmap/workspace";
import type { Command } from "../main.js";
import { defaultDataDir, openStore, runCommand, UsageError } from "./workspace-access.js";

const defaultMachines = 50;
const defaultHours = 24;
const defaultSeed = "1";

const usage = `usage: svcmap simulate [--data DIR] [--machines N] [--hours H] [--seed S] [--end ISO] [--replace]

  --data DIR      the data directory (default ${defaultDataDir})
  --machines N    monitored machines, ${minimumMachines} to ${maximumMachines} (default ${defaultMachines})
  --hours H       length of the simulated window in hours (default ${defaultHours})
  --seed S        a number or any text; the same seed gives the same estate (default ${defaultSeed})
  --end ISO       end of the window, e.g. 2026-03-10T12:00:00Z (default: now, to the minute);
                  with --end the rows are identical on every run with the same arguments
                  (apart from TenantId, which is each data directory's own workspace id)
  --replace       empty the workspace's tables first instead of adding to them

The estate spans four sites (three data centres and an Azure region) with web, application, database,
cache, LDAP, file-share and batch servers; workstations and internet visitors without agents; calls to
internet services with their DNS names; a compromised host talking to listed threat addresses; failing
connections, some of which broke in the last hours; reboots, restarts and version upgrades.

Whatever --machines is, the estate includes the ${minimumMachines} machines that the documentation's example
queries name: ${namedEntities.webComputer}, ${namedEntities.appComputer}, m-${namedEntities.searchedAgentId},
m-${namedEntities.processListAgentId}, m-${namedEntities.dependencyAgentId},
the machine at ${namedEntities.searchedIp}, and one LDAP, file-share, batch and public web server.
`;

export const command: Command = {
  summary: "write a realistic, deterministic estate for demos and benchmarks",
  run: (args) => runCommand(usage, () => simulate(args)),
};

async function simulate(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      data: { type: "string" },
      machines: { type: "string" },
      hours: { type: "string" },
      seed: { type: "string" },
      end: { type: "string" },
      replace: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const machines = parseMachines(values.machines);
  const hours = parseHours(values.hours);
  const seedText = values.seed ?? defaultSeed;
  const end = parseEnd(values.end);
  const dataDir = values.data ?? defaultDataDir;

  const store = await openStore({ dataDir });
  try {
    const existing = await store.withConnection((connection) => countStoredRows(connection));
    if (existing > 0 && values.replace !== true) {
      process.stderr.write(
        `svcmap: ${dataDir} already holds ${existing.toLocaleString("en-US")} rows; adding to them (--replace empties the tables first)\n`,
      );
    }
    process.stdout.write(`simulating ${machines} machines over ${hours} h, seed ${seedText}\n`);
    const summary = await simulateIntoStore(
      store,
      { machines, hours, seed: simulationSeed(seedText), end, replace: values.replace === true },
      (written) => process.stdout.write(tableLine(written)),
    );
    process.stdout.write(totalLine(summary, dataDir));
    return 0;
  } finally {
    store.close();
  }
}

function parseMachines(text: string | undefined): number {
  if (text === undefined) return defaultMachines;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < minimumMachines || n > maximumMachines) {
    throw new UsageError(`--machines must be a whole number from ${minimumMachines} to ${maximumMachines}`);
  }
  return n;
}

function parseHours(text: string | undefined): number {
  if (text === undefined) return defaultHours;
  const hours = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || hours * 60 < 1 || hours > 744) {
    throw new UsageError("--hours must be a number of hours from 1/60 (one minute) to 744 (31 days)");
  }
  return hours;
}

function parseEnd(text: string | undefined): Date {
  if (text === undefined) return new Date();
  const end = new Date(text);
  if (Number.isNaN(end.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(text)) {
    throw new UsageError(
      `--end must be an ISO 8601 date and time, e.g. 2026-03-10T12:00:00Z (got '${text}')`,
    );
  }
  return end;
}

function tableLine(written: TableWritten): string {
  const rows = written.rows.toLocaleString("en-US").padStart(12);
  return `  ${written.table.padEnd(16)}${rows} rows  ${(written.elapsedMs / 1000).toFixed(1).padStart(6)} s\n`;
}

function totalLine(summary: SimulationSummary, dataDir: string): string {
  const rows = summary.tables.reduce((sum, t) => sum + t.rows, 0);
  return (
    `${rows.toLocaleString("en-US")} rows from ${summary.start.toISOString()} to ${summary.end.toISOString()} ` +
    `in ${(summary.elapsedMs / 1000).toFixed(1)} s, into ${dataDir}\n`
  );
}
