// Opening a data directory from the command line. DuckDB lets one process at a time write a database
// file, so a command run beside `svcmap serve` on the same directory has to go through the server instead.

import { WorkspaceStore, type StoreOptions } from "@svcmap/workspace";

export { runCommand, UsageError } from "./run-command.js";

export const defaultDataDir = "./svcmap-data";

export async function openStore(options: StoreOptions): Promise<WorkspaceStore> {
  try {
    return await WorkspaceStore.open(options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/Could not set lock on file/i.test(message)) {
      throw new Error(
        `the data directory ${options.dataDir} is in use by another svcmap process (is 'svcmap serve' running ` +
          `on it?); stop that process, or send the command to the server with --url`,
      );
    }
    throw error;
  }
}
