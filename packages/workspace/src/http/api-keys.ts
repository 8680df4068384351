// API keys live in the workspace's own DuckDB file, so a data directory carries its credentials with it.
// Only a SHA-256 of each key is stored: a key is 256 random bits, so a fast hash is as good as a slow one
// (there is nothing to guess), and the plain key is shown once, when it is created.

import { createHash, randomBytes } from "node:crypto";
import type { WorkspaceStore } from "../store/workspace-store.js";
import { quoteIdent, quoteNumber, quoteString } from "../store/quote.js";

export const apiKeyRoles = ["reader", "contributor", "agent"] as const;
export type ApiKeyRole = (typeof apiKeyRoles)[number];

/**
 * What a request may do: run queries, send data in, or change what the workspace keeps for its users (machine
 * groups, saved queries, stored functions, workbooks).
 */
export type Permission = "query" | "ingest" | "configure";

const grants: Readonly<Record<ApiKeyRole, readonly Permission[]>> = {
  reader: ["query"],
  contributor: ["query", "ingest", "configure"],
  agent: ["ingest"],
};

export function roleAllows(role: ApiKeyRole, permission: Permission): boolean {
  return grants[role].includes(permission);
}

export function isApiKeyRole(value: string): value is ApiKeyRole {
  return (apiKeyRoles as readonly string[]).includes(value);
}

export interface ApiKeyInfo {
  readonly id: string;
  readonly name: string;
  readonly role: ApiKeyRole;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

export interface CreatedApiKey extends ApiKeyInfo {
  /** The secret itself; it cannot be recovered later. */
  readonly key: string;
}

export const apiKeyTable = "svcmap_keys";
const keyPrefix = "svcmap_";
/** The cache is re-read at most this often, so a key created or revoked through another handle is seen soon. */
const cacheTtlMs = 5_000;

const col = {
  id: quoteIdent("id"),
  name: quoteIdent("name"),
  role: quoteIdent("role"),
  hash: quoteIdent("key_hash"),
  created: quoteIdent("created_at"),
  revoked: quoteIdent("revoked_at"),
};
const table = quoteIdent(apiKeyTable);

function hashKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

function millisToTimestamp(ms: number): string {
  return `make_timestamp(${quoteNumber(BigInt(ms) * 1000n)})`;
}

interface StoredKey {
  readonly info: ApiKeyInfo;
  readonly hash: string;
}

/** The API keys of one workspace store. */
export class ApiKeyStore {
  private active: Map<string, ApiKeyInfo> = new Map();
  private loadedAt = 0;

  private constructor(private readonly store: WorkspaceStore) {}

  static async open(store: WorkspaceStore): Promise<ApiKeyStore> {
    await store.withConnection((c) =>
      c.run(
        `CREATE TABLE IF NOT EXISTS ${table} (${col.id} VARCHAR PRIMARY KEY, ${col.name} VARCHAR NOT NULL, ` +
          `${col.role} VARCHAR NOT NULL, ${col.hash} VARCHAR NOT NULL UNIQUE, ${col.created} TIMESTAMP NOT NULL, ` +
          `${col.revoked} TIMESTAMP)`,
      ),
    );
    const keys = new ApiKeyStore(store);
    await keys.reload();
    return keys;
  }

  async create(role: ApiKeyRole, name = ""): Promise<CreatedApiKey> {
    if (!isApiKeyRole(role))
      throw new Error(`unknown role '${String(role)}' (one of ${apiKeyRoles.join(", ")})`);
    const id = randomBytes(6).toString("hex");
    const key = keyPrefix + randomBytes(32).toString("base64url");
    const createdAt = new Date();
    await this.store.withConnection((c) =>
      c.run(
        `INSERT INTO ${table} (${col.id}, ${col.name}, ${col.role}, ${col.hash}, ${col.created}) VALUES ` +
          `(${quoteString(id)}, ${quoteString(name)}, ${quoteString(role)}, ${quoteString(hashKey(key))}, ` +
          `${millisToTimestamp(createdAt.getTime())})`,
      ),
    );
    await this.reload();
    return { id, name, role, createdAt, revokedAt: null, key };
  }

  /** Every key ever issued, revoked ones included, oldest first. */
  async list(): Promise<ApiKeyInfo[]> {
    return (await this.readAll()).map((k) => k.info);
  }

  /** Revokes a key by id; false when no such key exists. Revoking twice keeps the first time. */
  async revoke(id: string): Promise<boolean> {
    const changed = await this.store.withConnection(async (c) => {
      const exists = await c.runAndReadAll(`SELECT 1 FROM ${table} WHERE ${col.id} = ${quoteString(id)}`);
      if (exists.getRowsJS().length === 0) return false;
      await c.run(
        `UPDATE ${table} SET ${col.revoked} = ${millisToTimestamp(Date.now())} ` +
          `WHERE ${col.id} = ${quoteString(id)} AND ${col.revoked} IS NULL`,
      );
      return true;
    });
    await this.reload();
    return changed;
  }

  /** The key's details if it is valid and not revoked. */
  async verify(key: string): Promise<ApiKeyInfo | undefined> {
    await this.refreshIfStale();
    // A lookup by hash leaks nothing useful through timing: the attacker controls the key, not its hash.
    return this.active.get(hashKey(key));
  }

  async hasActiveKeys(): Promise<boolean> {
    await this.refreshIfStale();
    return this.active.size > 0;
  }

  private async refreshIfStale(): Promise<void> {
    if (Date.now() - this.loadedAt > cacheTtlMs) await this.reload();
  }

  private async reload(): Promise<void> {
    const active = new Map<string, ApiKeyInfo>();
    for (const key of await this.readAll()) {
      if (key.info.revokedAt === null) active.set(key.hash, key.info);
    }
    this.active = active;
    this.loadedAt = Date.now();
  }

  private async readAll(): Promise<StoredKey[]> {
    const rows = await this.store.withConnection(async (c) => {
      const reader = await c.runAndReadAll(
        `SELECT ${col.id}, ${col.name}, ${col.role}, ${col.hash}, epoch_ms(${col.created}), ` +
          `epoch_ms(${col.revoked}) FROM ${table} ORDER BY ${col.created}, ${col.id}`,
      );
      return reader.getRowsJS();
    });
    return rows.flatMap(([id, name, role, hash, created, revoked]) => {
      const roleName = String(role);
      if (!isApiKeyRole(roleName)) return [];
      const info: ApiKeyInfo = {
        id: String(id),
        name: String(name),
        role: roleName,
        createdAt: new Date(Number(created)),
        revokedAt: revoked === null || revoked === undefined ? null : new Date(Number(revoked)),
      };
      return [{ info, hash: String(hash) }];
    });
  }
}
