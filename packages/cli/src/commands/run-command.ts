// How every command reports a failure. Kept apart from opening a workspace so that `svcmap agent`, which
// runs on every server, does not load the workspace's database engine (tens of megabytes of memory).

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Runs a command body, turning usage mistakes into exit code 2 and other failures into exit code 1. */
export async function runCommand(usage: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      process.stderr.write(`svcmap: ${message}\n${usage}`);
      return 2;
    }
    process.stderr.write(`svcmap: ${message}\n`);
    return 1;
  }
}
