// Machine groups are the workspace's own data, not telemetry: two tables in the workspace file that create
// themselves on open (like the API keys), so a group outlives restarts and travels with the data directory.

import { randomBytes } from "node:crypto";
import type { WorkspaceStore } from "../store/workspace-store.js";
import { quoteIdent, quoteString } from "../store/quote.js";

export interface MachineGroup {
  readonly id: string;
  readonly name: string;
  /** Machine ids (m-{GUID}), sorted. */
  readonly machines: readonly string[];
}

export const machineGroupTable = "svcmap_machine_groups";
export const machineGroupMemberTable = "svcmap_machine_group_members";

const groups = quoteIdent(machineGroupTable);
const members = quoteIdent(machineGroupMemberTable);
const col = {
  id: quoteIdent("id"),
  name: quoteIdent("name"),
  created: quoteIdent("created_at"),
  group: quoteIdent("group_id"),
  machine: quoteIdent("machine"),
};

export const maxGroupNameLength = 200;

/** A name or membership the caller got wrong; the HTTP layer turns it into a 400 naming the field. */
export class MachineGroupError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "MachineGroupError";
  }
}

export class MachineGroupStore {
  private constructor(private readonly store: WorkspaceStore) {}

  static async open(store: WorkspaceStore): Promise<MachineGroupStore> {
    await store.withConnection(async (c) => {
      await c.run(
        `CREATE TABLE IF NOT EXISTS ${groups} (${col.id} VARCHAR PRIMARY KEY, ${col.name} VARCHAR NOT NULL, ` +
          `${col.created} TIMESTAMP NOT NULL DEFAULT current_timestamp)`,
      );
      await c.run(
        `CREATE TABLE IF NOT EXISTS ${members} (${col.group} VARCHAR NOT NULL, ${col.machine} VARCHAR NOT NULL, ` +
          `PRIMARY KEY (${col.group}, ${col.machine}))`,
      );
    });
    return new MachineGroupStore(store);
  }

  async list(): Promise<MachineGroup[]> {
    const rows = await this.store.withConnection(async (c) => {
      const reader = await c.runAndReadAll(
        `SELECT g.${col.id}, g.${col.name}, list(m.${col.machine} ORDER BY m.${col.machine}) ` +
          `FILTER (WHERE m.${col.machine} IS NOT NULL) FROM ${groups} g LEFT JOIN ${members} m ` +
          `ON m.${col.group} = g.${col.id} GROUP BY g.${col.id}, g.${col.name}, g.${col.created} ` +
          `ORDER BY lower(g.${col.name}), g.${col.created}, g.${col.id}`,
      );
      return reader.getRowsJS();
    });
    return rows.map(([id, name, machines]) => ({
      id: String(id),
      name: String(name),
      machines: Array.isArray(machines) ? machines.map(String) : [],
    }));
  }

  async get(id: string): Promise<MachineGroup | undefined> {
    return (await this.list()).find((g) => g.id === id);
  }

  async create(name: string, machines: readonly string[] = []): Promise<MachineGroup> {
    const checkedName = checkName(name);
    const checkedMachines = checkMachines(machines);
    const id = `g-${randomBytes(8).toString("hex")}`;
    await this.store.withConnection(async (c) => {
      await c.run("BEGIN TRANSACTION");
      try {
        await c.run(
          `INSERT INTO ${groups} (${col.id}, ${col.name}) VALUES (${quoteString(id)}, ${quoteString(checkedName)})`,
        );
        for (const machine of checkedMachines) await insertMember(c, id, machine);
        await c.run("COMMIT");
      } catch (error) {
        await c.run("ROLLBACK");
        throw error;
      }
    });
    return { id, name: checkedName, machines: [...checkedMachines].sort() };
  }

  /** Renames a group; undefined when there is no such group. */
  async rename(id: string, name: string): Promise<MachineGroup | undefined> {
    const checkedName = checkName(name);
    if ((await this.get(id)) === undefined) return undefined;
    await this.store.withConnection((c) =>
      c.run(
        `UPDATE ${groups} SET ${col.name} = ${quoteString(checkedName)} WHERE ${col.id} = ${quoteString(id)}`,
      ),
    );
    return this.get(id);
  }

  /** Deletes a group and its memberships; false when there is no such group. */
  async delete(id: string): Promise<boolean> {
    if ((await this.get(id)) === undefined) return false;
    await this.store.withConnection(async (c) => {
      await c.run(`DELETE FROM ${members} WHERE ${col.group} = ${quoteString(id)}`);
      await c.run(`DELETE FROM ${groups} WHERE ${col.id} = ${quoteString(id)}`);
    });
    return true;
  }

  /** Adds machines (adding one twice changes nothing); undefined when there is no such group. */
  async addMachines(id: string, machines: readonly string[]): Promise<MachineGroup | undefined> {
    const checked = checkMachines(machines);
    if ((await this.get(id)) === undefined) return undefined;
    await this.store.withConnection(async (c) => {
      for (const machine of checked) await insertMember(c, id, machine);
    });
    return this.get(id);
  }

  async removeMachines(id: string, machines: readonly string[]): Promise<MachineGroup | undefined> {
    const checked = checkMachines(machines);
    if ((await this.get(id)) === undefined) return undefined;
    await this.store.withConnection(async (c) => {
      for (const machine of checked) {
        await c.run(
          `DELETE FROM ${members} WHERE ${col.group} = ${quoteString(id)} AND ${col.machine} = ${quoteString(machine)}`,
        );
      }
    });
    return this.get(id);
  }
}

async function insertMember(
  c: { run(sql: string): Promise<unknown> },
  id: string,
  machine: string,
): Promise<void> {
  await c.run(
    `INSERT INTO ${members} (${col.group}, ${col.machine}) VALUES (${quoteString(id)}, ${quoteString(machine)}) ` +
      `ON CONFLICT DO NOTHING`,
  );
}

function checkName(name: unknown): string {
  if (typeof name !== "string") throw new MachineGroupError("name", "name must be a string");
  const trimmed = name.trim();
  if (trimmed === "") throw new MachineGroupError("name", "name must not be empty");
  if (trimmed.length > maxGroupNameLength) {
    throw new MachineGroupError("name", `name must be at most ${maxGroupNameLength} characters`);
  }
  return trimmed;
}

/** Machine ids as the tables write them; anything else would silently never match a row. */
const machineId = /^m-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function checkMachines(machines: unknown): string[] {
  if (!Array.isArray(machines)) throw new MachineGroupError("machines", "machines must be an array of ids");
  return [
    ...new Set(
      machines.map((m, i) => {
        if (typeof m !== "string" || !machineId.test(m)) {
          throw new MachineGroupError(
            `machines[${i}]`,
            `machines[${i}] must be a machine id like m-00000000-0000-0000-0000-000000000000`,
          );
        }
        return m;
      }),
    ),
  ];
}
