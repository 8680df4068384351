// Opening a data directory from the command line. DuckDB lets one process at a time write a database
// file, so a command run beside `svcmap serve` on the same directory has to go through the server instead.

import { WorkspaceStore, type StoreOptions } from "@svcmap/workspace";

export { runCommand, UsageError } from "./run-command.js";

export const defaultDataDir = "./svcmap-data";

/**
 * Opens the data directory, or explains who holds it. `remedy` is what this command can do instead: send the
 * work to the server (query, ingest), or nothing but wait for it to stop (serve, simulate, keys).
 */
export async function openStore(
  options: StoreOptions,
  remedy = "stop that process first",
): Promise<WorkspaceStore> {
  try {
    return await WorkspaceStore.open(options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/Could not set lock on file/i.test(message)) {
      throw new Error(
        `the data directory ${options.dataDir} is in use by another svcmap process (is 'svcmap serve' or ` +
          `'svcmap start' running on it?); ${remedy}`,
      );
    }
    throw error;
  }
}
