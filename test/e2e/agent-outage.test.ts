// A workspace outage under a running agent: the workspace stops (server and store closed), the agent keeps
// reporting into its spool, the workspace comes back on the same address, and every interval's records
// arrive exactly once.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { Agent } from "@svcmap/agent";
import {
  agentIngestRoutes,
  ApiKeyStore,
  createServer,
  KqlEngine,
  WorkspaceStore,
  type WorkspaceServer,
} from "@svcmap/workspace";

const work = mkdtempSync(join(tmpdir(), "svcmap-outage-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Running {
  store: WorkspaceStore;
  server: WorkspaceServer;
  url: string;
}

async function startWorkspace(port: number): Promise<Running> {
  const store = await WorkspaceStore.open({
    dataDir: join(work, "workspace"),
    memoryLimit: "256MB",
    threads: 1,
  });
  const keys = await ApiKeyStore.open(store);
  const server = await createServer({
    store,
    engine: new KqlEngine(store),
    keys,
    port,
    plugins: [agentIngestRoutes({ store })],
  });
  return { store, server, url: await server.listen() };
}

async function stopWorkspace(running: Running): Promise<void> {
  await running.server.close();
  running.store.close();
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

it("spools through an outage and delivers every interval's records exactly once", async () => {
  let workspace = await startWorkspace(0);
  const port = Number(new URL(workspace.url).port);
  const agent = new Agent({
    workspaceUrl: workspace.url,
    stateDir: join(work, "agent"),
    computerName: "outage-test",
    pollIntervalMs: 500,
    reportIntervalMs: 1000,
    capture: "off",
    namespaces: "own",
    log: () => undefined,
  });
  await agent.start();
  await sleep(3000);
  await stopWorkspace(workspace);
  await sleep(8000);
  expect(agent.status().spooledBatches).toBeGreaterThan(5);
  workspace = await startWorkspace(port);
  const until = Date.now() + 60_000;
  while (agent.status().spooledBatches > 0 && Date.now() < until) await sleep(250);
  expect(await agent.stop()).toBe(0);
  const status = agent.status();
  expect(status.droppedBatches).toBe(0);
  expect(status.rejectedBatches).toBe(0);

  const engine = new KqlEngine(workspace.store);
  const result = await engine.run(
    `Heartbeat | where Computer == "outage-test" | summarize Records = count(), Times = dcount(TimeGenerated)`,
  );
  const [records, times] = result.tables[0]!.rows[0]!;
  expect(records).toBe(status.reports);
  expect(times).toBe(status.reports);
  expect(status.reports).toBeGreaterThanOrEqual(11);
  // Once at start, and again only if the inventory changed meanwhile (tests running beside this one add and
  // remove interfaces): each description arrives once.
  const machines = await engine.run(
    `VMComputer | where Computer == "outage-test" | summarize Records = count(), Times = dcount(TimeGenerated)`,
  );
  const [machineRecords, machineTimes] = machines.tables[0]!.rows[0]!;
  expect(machineRecords).toBeGreaterThanOrEqual(1);
  expect(machineRecords).toBe(machineTimes);
  await stopWorkspace(workspace);
});
