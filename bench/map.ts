// Map benchmark: the map API's answer time and the time Debian's Chromium takes to show the map (page load,
// API call, Cytoscape layout and drawing), for a focus-machine map and the estate view, on the simulated
// 1000-machine estate. Target: under 1 s each.
//
//   npm run bench:map                                  # uses bench/data/seed-estate-1000m-24h-s1 (bench:seed makes it)
//   npm run bench:map -- --data DIR --runs 7 --no-write
//
// The estate is copied to a temporary directory first and served from the copy, so the shared estate is
// never written to (opening a workspace runs its migrations and creates the map's group tables).

import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { launchBrowser } from "../packages/web/test-support/browser.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const { values } = parseArgs({
  options: {
    data: { type: "string", default: join(root, "bench", "data", "seed-estate-1000m-24h-s1") },
    runs: { type: "string", default: "5" },
    "no-write": { type: "boolean", default: false },
  },
});
const runs = Math.max(3, Number(values.runs));
const source = values.data ?? "";
const acmeDemo = "m-89e06f03-05a7-4d9c-9d26-2900ca769299";

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

function startServer(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const bin = join(root, "packages", "cli", "bin", "svcmap.js");
  const args = ["serve", "--data", dataDir, "--port", "0", "--retention-days", "3650", "--log-level", "warn"];
  const child = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (\S+)/.exec(output);
      if (match?.[1] !== undefined) resolve({ url: match[1], child });
    });
    child.once("exit", (code) => reject(new Error(`svcmap serve exited ${code}: ${output}`)));
  });
}

interface Case {
  readonly name: string;
  readonly api: string;
  readonly hash: string;
}

async function main(): Promise<void> {
  const estateFile = join(source, "estate.json");
  if (!existsSync(estateFile)) {
    throw new Error(`no simulated estate in ${source}: run npm run bench:seed first, or give --data DIR`);
  }
  const estate = JSON.parse(readFileSync(estateFile, "utf8")) as {
    machines: number;
    hours: number;
    end: string;
  };
  const end = new Date(estate.end);
  const iso = (d: Date): string => d.toISOString().replace(".000Z", "Z");
  const last30m = `${iso(new Date(end.getTime() - 30 * 60_000))}/${iso(end)}`;
  const last24h = `${iso(new Date(end.getTime() - 24 * 3_600_000))}/${iso(end)}`;

  const copy = mkdtempSync(join(tmpdir(), "svcmap-bench-map-"));
  console.log(`copying ${source} to ${copy} …`);
  cpSync(source, copy, { recursive: true });
  const { url, child } = await startServer(copy);
  const browser = await launchBrowser();
  try {
    const machines = (await (await fetch(`${url}/api/map/machines?timespan=${last30m}`)).json()) as {
      machines: { machine: string; computer: string }[];
    };
    const site = "dal1.acme.example";
    const cases: Case[] = [
      { name: "machine list, last 30 min", api: `machines?timespan=${last30m}`, hash: "" },
      {
        name: "focus machine (acme-demo), last 30 min",
        api: `machines/${acmeDemo}/map?timespan=${last30m}`,
        hash: `view=machine&machine=${acmeDemo}&time=${encodeURIComponent(last30m)}`,
      },
      {
        name: "focus machine (acme-demo), last 24 h",
        api: `machines/${acmeDemo}/map?timespan=${last24h}`,
        hash: `view=machine&machine=${acmeDemo}&time=${encodeURIComponent(last24h)}`,
      },
      {
        name: "estate by site, last 30 min",
        api: `estate?by=site&timespan=${last30m}`,
        hash: `view=estate&by=site&time=${encodeURIComponent(last30m)}`,
      },
      {
        name: "estate by subnet, last 30 min",
        api: `estate?by=subnet&timespan=${last30m}`,
        hash: `view=estate&by=subnet&time=${encodeURIComponent(last30m)}`,
      },
      {
        name: `estate, site ${site} opened, last 30 min`,
        api: `estate?by=site&within=${site}&timespan=${last30m}`,
        hash: `view=estate&by=site&within=${site}&time=${encodeURIComponent(last30m)}`,
      },
      {
        name: "estate by site, last 24 h",
        api: `estate?by=site&timespan=${last24h}`,
        hash: `view=estate&by=site&time=${encodeURIComponent(last24h)}`,
      },
    ];
    const load = loadavg()
      .map((l) => l.toFixed(1))
      .join(", ");
    const results: {
      name: string;
      apiMs: number;
      renderMs: number | undefined;
      nodes: number;
      edges: number;
    }[] = [];
    const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
    for (const c of cases) {
      const apiTimes: number[] = [];
      let nodes = 0;
      let edges = 0;
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        const response = await fetch(`${url}/api/map/${c.api}`);
        const body = (await response.json()) as {
          nodes?: unknown[];
          edges?: unknown[];
          machines?: unknown[];
        };
        apiTimes.push(performance.now() - started);
        if (response.status !== 200) throw new Error(`${c.api}: ${response.status} ${JSON.stringify(body)}`);
        nodes = body.nodes?.length ?? body.machines?.length ?? 0;
        edges = body.edges?.length ?? 0;
      }
      let renderMs: number | undefined;
      if (c.hash !== "") {
        const renderTimes: number[] = [];
        for (let i = 0; i < runs; i++) {
          await page.goto("about:blank");
          const started = performance.now();
          await page.goto(`${url}/#/map?${c.hash}`);
          await page.waitForFunction(
            () =>
              document.querySelector(".map-body")?.getAttribute("aria-busy") === "false" &&
              (window.svcmapCy?.nodes().length ?? 0) > 0,
            undefined,
            { timeout: 120_000 },
          );
          // One frame after the layout, so that the drawing is on screen.
          await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))));
          renderTimes.push(performance.now() - started);
        }
        renderMs = median(renderTimes);
        await page.screenshot({ path: join(root, "test-results", `bench-map-${results.length}.png`) });
      }
      results.push({ name: c.name, apiMs: median(apiTimes), renderMs, nodes, edges });
      console.log(
        `${c.name}: API ${median(apiTimes).toFixed(0)} ms, page ${renderMs === undefined ? "–" : `${renderMs.toFixed(0)} ms`}, ${nodes} nodes, ${edges} edges`,
      );
    }
    const report = render(results, {
      estate: `${estate.machines} machines, ${estate.hours} h (simulate --machines ${estate.machines} --hours ${estate.hours} --seed 1), ${machines.machines.length} reporting in the last 30 min`,
      machine: `${availableParallelism()} cores (${cpus()[0]?.model ?? "unknown"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB; load ${load} at the start`,
      date: new Date().toISOString().slice(0, 10),
      runs,
    });
    console.log(report);
    if (!values["no-write"]) writeSection(join(root, "BENCHMARKS.md"), report);
  } finally {
    await browser.close();
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
    rmSync(copy, { recursive: true, force: true });
  }
}

function render(
  results: readonly {
    name: string;
    apiMs: number;
    renderMs: number | undefined;
    nodes: number;
    edges: number;
  }[],
  about: { estate: string; machine: string; date: string; runs: number },
): string {
  const lines = [
    `Command: \`npm run bench:map\`. Estate: ${about.estate}. Machine: ${about.machine}. Date: ${about.date}.`,
    `Medians of ${about.runs} runs. "API" is the HTTP round trip of \`/api/map/…\` (all of its KQL queries);`,
    `"page" is Debian's Chromium from navigation to the map drawn: loading the app, the API call, the fcose layout`,
    "and the first frame. Target: under 1 s each.",
    "",
    "| view | API | page | nodes | edges |",
    "|---|---:|---:|---:|---:|",
    ...results.map(
      (r) =>
        `| ${r.name} | ${r.apiMs.toFixed(0)} ms | ${r.renderMs === undefined ? "–" : `${r.renderMs.toFixed(0)} ms`} | ${r.nodes} | ${r.edges} |`,
    ),
  ];
  return lines.join("\n");
}

const begin = "<!-- generated by npm run bench:map: begin -->";
const finish = "<!-- generated by npm run bench:map: end -->";

function writeSection(path: string, report: string): void {
  const block = `${begin}\n${report}\n${finish}`;
  const text = readFileSync(path, "utf8");
  const updated =
    text.includes(begin) && text.includes(finish)
      ? text.slice(0, text.indexOf(begin)) + block + text.slice(text.indexOf(finish) + finish.length)
      : `${text.trimEnd()}\n\n## Map\n\n${block}\n`;
  writeFileSync(path, updated);
}

await main();
