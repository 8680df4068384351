// The svcmap command: wiring only. Each subcommand lives in commands/ and does its work through the
// workspace and agent packages.

export interface Command {
  readonly summary: string;
  run(args: readonly string[]): Promise<number>;
}

const commands: Readonly<Record<string, () => Promise<Command>>> = {
  agent: async () => (await import("./commands/agent.js")).command,
  ingest: async () => (await import("./commands/ingest.js")).command,
  keys: async () => (await import("./commands/keys.js")).command,
  query: async () => (await import("./commands/query.js")).command,
  serve: async () => (await import("./commands/serve.js")).command,
  simulate: async () => (await import("./commands/simulate.js")).command,
  start: async () => (await import("./commands/start.js")).command,
};

function usage(): string {
  const lines = Object.keys(commands)
    .sort()
    .map((name) => `  ${name}`);
  return `usage: svcmap <command> [options]\n\ncommands:\n${lines.join("\n")}\n\nsvcmap <command> --help shows a command's options.\n`;
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const load = commands[name];
  if (load === undefined) {
    process.stderr.write(`svcmap: unknown command '${name}'\n${usage()}`);
    return 2;
  }
  const command = await load();
  return command.run(rest);
}
