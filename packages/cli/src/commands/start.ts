// svcmap start: everything on one machine with its embedded defaults. Today that is the workspace (query
// API) on 127.0.0.1:7150 with its data under ./svcmap-data; the local agent and the web UI join it here.

import { defaultPort } from "@svcmap/workspace";
import type { Command } from "../main.js";
import { serve } from "./serve.js";
import { defaultDataDir, runCommand } from "./workspace-access.js";

const usage = `usage: svcmap start [serve options]

Starts svcmap on this machine: the workspace on http://127.0.0.1:${defaultPort} with its data in
${defaultDataDir}. Any option of 'svcmap serve' may follow and overrides these defaults.
`;

export const command: Command = {
  summary: "start svcmap on this machine with its embedded defaults",
  run: (args) =>
    runCommand(usage, async () => {
      if (args.includes("--help") || args.includes("-h")) {
        process.stdout.write(usage);
        return 0;
      }
      return serve([
        "--data",
        defaultDataDir,
        "--host",
        "127.0.0.1",
        "--port",
        String(defaultPort),
        "--log-level",
        "warn",
        ...args,
      ]);
    }),
};
