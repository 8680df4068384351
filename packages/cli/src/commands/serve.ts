// svcmap serve: the workspace server alone, until SIGINT or SIGTERM.

import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { webAssetsDir } from "@svcmap/web";
import type { FastifyPluginAsync } from "fastify";
import {
  agentIngestRoutes,
  logsIngestionRoutes,
  fileIngestRoutes,
  ApiKeyStore,
  createServer,
  defaultHost,
  defaultPort,
  defaultRetentionDays,
  KqlEngine,
  MachineGroupStore,
  mapApiPlugin,
  ServerStartError,
  webUiPlugin,
  type TlsFiles,
  SavedItemStore,
  savedItemRoutes,
} from "@svcmap/workspace";
import type { Command } from "../main.js";
import { enrichmentFrom, enrichmentOptions, enrichmentUsage } from "./enrichment-options.js";
import { defaultDataDir, openStore, runCommand, UsageError } from "./workspace-access.js";

const usage = `usage: svcmap serve [--data DIR] [--port N] [--host H] [--tls-cert FILE --tls-key FILE]
                    [--retention-days N] [--log-level LEVEL] [--geoip FILE] [--threat-feed FILE]

  --data DIR            the workspace's data directory (default ${defaultDataDir})
  --host H              address to listen on (default ${defaultHost}); any address other than a
                        loopback one needs at least one API key (svcmap keys create)
  --port N              port (default ${defaultPort}; 0 picks a free one)
  --tls-cert/--tls-key  serve HTTPS with this PEM certificate chain and key (Azure SDK clients
                        send keys only over HTTPS)
  --retention-days N    delete rows older than N days (default ${defaultRetentionDays})
  --log-level LEVEL     fatal, error, warn, info (default), debug, trace or silent
${enrichmentUsage}
`;

const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

export const command: Command = {
  summary: "run the workspace server (query API, map API, web UI, health)",
  run: (args) => runCommand(usage, () => serve(args)),
};

/** What runs beside the server: started once it listens, stopped before it closes (the local agent). */
export type Companion = (url: string) => Promise<() => Promise<void>>;

/** Parses serve's options and runs the server until a signal; `svcmap start` calls it with its defaults. */
export async function serve(args: readonly string[], companion?: Companion): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      data: { type: "string", default: defaultDataDir },
      host: { type: "string", default: defaultHost },
      port: { type: "string", default: String(defaultPort) },
      "tls-cert": { type: "string" },
      "tls-key": { type: "string" },
      "retention-days": { type: "string" },
      "log-level": { type: "string", default: "info" },
      help: { type: "boolean", short: "h" },
      ...enrichmentOptions,
    },
  });
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const port = wholeNumber("--port", values.port ?? String(defaultPort), 0, 65_535);
  const retentionDays =
    values["retention-days"] === undefined
      ? undefined
      : wholeNumber("--retention-days", values["retention-days"], 1);
  const level = values["log-level"] ?? "info";
  if (!logLevels.includes(level)) throw new UsageError(`--log-level must be one of ${logLevels.join(", ")}`);
  const tls = readTls(values["tls-cert"], values["tls-key"]);
  const host = values.host ?? defaultHost;
  // Before the store opens: a feed or GeoIP file that cannot be read stops the start with its name.
  const enrichment = enrichmentFrom(values, (error) =>
    process.stderr.write(
      `svcmap: the threat feed was not reloaded, the last good one stays: ${error.message}\n`,
    ),
  );

  const store = await openStore({
    dataDir: values.data ?? defaultDataDir,
    ...(retentionDays === undefined ? {} : { retentionDays }),
  });
  try {
    const keys = await ApiKeyStore.open(store);
    const groups = await MachineGroupStore.open(store);
    const saved = await SavedItemStore.open(store);
    const engine = new KqlEngine(store, saved);
    // Kusto's schema model takes most of a second to build: the engine's compiler thread starts on it now,
    // on the other core, while this thread opens the server. Requests never wait for it; a query that comes
    // before it is ready waits only for the rest of the warm-up.
    engine.warm();
    const server = await createServer({
      store,
      engine,
      keys,
      host,
      port,
      ...(tls === undefined ? {} : { tls }),
      logger: { level },
      functions: saved,
      plugins: [
        agentIngestRoutes({ store, enrichment }),
        logsIngestionRoutes({ store, enrichment }),
        fileIngestRoutes({ store, enrichment }),
        mapApiPlugin({ engine, groups }),
        savedItemRoutes(saved),
        ...webUiPlugins(),
      ],
    });
    const url = await server.listen();
    store.startRetention(undefined, (error) => server.app.log.error({ err: error }, "retention failed"));
    const guarded = await keys.hasActiveKeys();
    process.stdout.write(
      `svcmap workspace ${store.workspaceId} listening on ${url}\n` +
        `  web UI:    ${webAssetsDir() === undefined ? "not built (npm run build)" : `${url}/`}\n` +
        `  query API: ${url}/v1/workspaces/${store.workspaceId}/query (or .../workspaces/default/query)\n` +
        `  ${guarded ? "API keys required" : "no API keys yet: open to every caller on this machine"}\n`,
    );
    const stopCompanion = await companion?.(url);
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    server.app.log.info(`${signal}: shutting down`);
    // Closing cancels queries in flight and waits for them to stop; a second signal means the operator will
    // not wait. It has to be SIGKILL: while DuckDB still runs a query, a normal exit waits for it.
    const forceExit = (): void => {
      process.kill(process.pid, "SIGKILL");
    };
    process.once("SIGINT", forceExit);
    process.once("SIGTERM", forceExit);
    await stopCompanion?.();
    await server.close();
    process.off("SIGINT", forceExit);
    process.off("SIGTERM", forceExit);
    return 0;
  } catch (error) {
    if (error instanceof ServerStartError) {
      process.stderr.write(`svcmap: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    store.close();
  }
}

function webUiPlugins(): FastifyPluginAsync[] {
  const assets = webAssetsDir();
  return assets === undefined ? [] : [webUiPlugin(assets)];
}

function wholeNumber(option: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new UsageError(`${option} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

function readTls(certFile: string | undefined, keyFile: string | undefined): TlsFiles | undefined {
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined)
    throw new UsageError("give --tls-cert and --tls-key together");
  return { cert: readFileSync(certFile), key: readFileSync(keyFile) };
}
