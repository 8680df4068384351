// svcmap keys: issue, list and revoke the workspace's API keys. The keys live in the data directory, so
// these commands run while the server is stopped (DuckDB admits one writing process).

import { parseArgs } from "node:util";
import {
  apiKeyRoles,
  ApiKeyStore,
  formatQueryResponse,
  isApiKeyRole,
  isOutputFormat,
  type ApiKeyInfo,
  type ResultTable,
} from "@svcmap/workspace";
import type { Command } from "../main.js";
import { defaultDataDir, openStore, runCommand, UsageError } from "./workspace-access.js";

const usage = `usage: svcmap keys create --role ${apiKeyRoles.join("|")} [--name NAME] [--data DIR]
       svcmap keys list [--format table|json|csv] [--data DIR]
       svcmap keys revoke ID [--data DIR]

  reader       may run queries
  contributor  may run queries, send data and change machine groups
  agent        may only send data (what an agent on a server needs)

A key is printed once, when it is created; only its hash is stored. While no key exists, a server on a
loopback address lets every local caller in; once one exists, every request must present a key.
`;

export const command: Command = {
  summary: "create, list and revoke API keys",
  run: (args) => runCommand(usage, () => keys(args)),
};

async function keys(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      role: { type: "string" },
      name: { type: "string", default: "" },
      data: { type: "string", default: defaultDataDir },
      format: { type: "string", default: "table" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [action, ...rest] = positionals;
  if (values.help || action === undefined) {
    process.stdout.write(usage);
    return values.help ? 0 : 2;
  }
  const dataDir = values.data ?? defaultDataDir;
  switch (action) {
    case "create": {
      const role = values.role;
      if (role === undefined || !isApiKeyRole(role)) {
        throw new UsageError(`keys create needs --role ${apiKeyRoles.join("|")}`);
      }
      return withKeys(dataDir, async (store) => {
        const created = await store.create(role, values.name ?? "");
        process.stdout.write(`${created.key}\n`);
        process.stderr.write(
          `created key ${created.id} (role ${created.role}${created.name ? `, name "${created.name}"` : ""}); ` +
            `it is shown only this once\n`,
        );
        return 0;
      });
    }
    case "list": {
      const format = values.format ?? "table";
      if (!isOutputFormat(format)) throw new UsageError(`unknown format '${format}'`);
      return withKeys(dataDir, async (store) => {
        process.stdout.write(formatQueryResponse({ tables: [keyTable(await store.list())] }, format));
        return 0;
      });
    }
    case "revoke": {
      const [id] = rest;
      if (id === undefined || rest.length > 1) throw new UsageError("keys revoke needs exactly one key id");
      return withKeys(dataDir, async (store) => {
        if (!(await store.revoke(id))) {
          process.stderr.write(`svcmap: no key with id '${id}' (svcmap keys list shows them)\n`);
          return 1;
        }
        process.stderr.write(`revoked key ${id}\n`);
        return 0;
      });
    }
    default:
      throw new UsageError(`unknown keys action '${action}'`);
  }
}

async function withKeys(dataDir: string, work: (keys: ApiKeyStore) => Promise<number>): Promise<number> {
  const store = await openStore({ dataDir });
  try {
    return await work(await ApiKeyStore.open(store));
  } finally {
    store.close();
  }
}

function keyTable(keys: readonly ApiKeyInfo[]): ResultTable {
  return {
    name: "Keys",
    columns: [
      { name: "Id", type: "string" },
      { name: "Role", type: "string" },
      { name: "Name", type: "string" },
      { name: "Created", type: "datetime" },
      { name: "Revoked", type: "datetime" },
    ],
    rows: keys.map((k) => [
      k.id,
      k.role,
      k.name,
      k.createdAt.toISOString(),
      k.revokedAt?.toISOString() ?? null,
    ]),
  };
}
