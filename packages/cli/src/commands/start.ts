// svcmap start: everything on one machine with its embedded defaults. Today that is the workspace (query
// API) on 127.0.0.1:7150 with its data under ./svcmap-data and a local agent reporting this machine to it;
// the web UI joins it here.

import { defaultPort } from "@svcmap/workspace";
import type { Command } from "../main.js";
import { startLocalAgent } from "./agent.js";
import { serve } from "./serve.js";
import { defaultDataDir, runCommand } from "./workspace-access.js";

const usage = `usage: svcmap start [serve options]

Starts svcmap on this machine: the workspace on http://127.0.0.1:${defaultPort} with its data in
${defaultDataDir}, and an agent that reports this machine's processes, connections and ports to it (its
state in ${defaultDataDir}/agent). Any option of 'svcmap serve' may follow and overrides these defaults.
`;

export const command: Command = {
  summary: "start svcmap on this machine with its embedded defaults",
  run: (args) =>
    runCommand(usage, async () => {
      if (args.includes("--help") || args.includes("-h")) {
        process.stdout.write(usage);
        return 0;
      }
      const serveArgs = [
        "--data",
        defaultDataDir,
        "--host",
        "127.0.0.1",
        "--port",
        String(defaultPort),
        "--log-level",
        "warn",
        ...args,
      ];
      const dataDir = serveArgs[serveArgs.lastIndexOf("--data") + 1] ?? defaultDataDir;
      return serve(serveArgs, (url) => startLocalAgent(url, `${dataDir}/agent`));
    }),
};
