// /api/map/…: the map's JSON routes. Every answer is computed by KQL over the tables for the requested range
// (`timespan`, as the Query API takes it: PT30M, P1D or start/end; the last 30 minutes by default) and carries
// that KQL in `queries`. Reading needs the query permission; changing machine groups needs a contributor key.

import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import type { EstateAggregation } from "@svcmap/model";
import { QueryError } from "../kql/errors.js";
import { resolveTimespan } from "../kql/run/timespan-option.js";
import { ApiError, badArgument } from "../http/api-error.js";
import { throughGate } from "../http/query-gate.js";
import type { QueryRunner } from "../http/query-routes.js";
import { dependencyMap } from "./dependency-map.js";
import { estateAggregations, estateMap } from "./estate.js";
import { listMachines } from "./machine-list.js";
import { MachineGroupError, type MachineGroupStore } from "./machine-groups.js";
import { MapQuerySet, type MapWindow } from "./map-query.js";
import { machineSummary, processSummary } from "./summaries.js";

export interface MapApiContext {
  readonly engine: QueryRunner;
  readonly groups: MachineGroupStore;
  /** The clock; tests pin it. */
  readonly now?: () => Date;
}

export const defaultMapTimespan = "PT30M";

type Query = Record<string, unknown>;

function invalid(parameter: string, message: string): ApiError {
  return badArgument({ code: "InvalidParameter", message: `${parameter}: ${message}` });
}

function notFound(what: string): ApiError {
  return new ApiError(404, { code: "NotFound", message: what });
}

function textParam(query: Query, name: string, fallback = ""): string {
  const value = query[name];
  if (value === undefined) return fallback;
  if (typeof value !== "string") throw invalid(name, "give it once, as text");
  return value;
}

function flagParam(query: Query, name: string): boolean {
  const value = textParam(query, name, "false");
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0" || value === "") return false;
  throw invalid(name, `'${value}' is neither true nor false`);
}

export function mapWindow(query: Query, now: Date): MapWindow {
  const text = textParam(query, "timespan", defaultMapTimespan);
  try {
    const { startMicros, endMicros } = resolveTimespan(text, now);
    const start = new Date(Number(startMicros / 1000n));
    const end = new Date(Number(endMicros / 1000n));
    if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()))
      throw invalid("timespan", `'${text}' is out of range`);
    if (start.getTime() >= end.getTime()) throw invalid("timespan", `'${text}' ends before it starts`);
    return { start, end };
  } catch (error) {
    if (error instanceof QueryError) throw invalid("timespan", error.message);
    throw error;
  }
}

function bodyObject(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw badArgument({ code: "InvalidRequest", message: "the request body must be a JSON object" });
  }
  return body as Record<string, unknown>;
}

async function groupCall<T>(work: () => Promise<T | undefined>, id: string): Promise<T> {
  try {
    const result = await work();
    if (result === undefined) throw notFound(`no machine group '${id}'`);
    return result;
  } catch (error) {
    if (error instanceof MachineGroupError) throw invalid(error.field, error.message);
    throw error;
  }
}

interface Params {
  readonly machine?: string;
  readonly process?: string;
  readonly id?: string;
}

export function mapApiPlugin(context: MapApiContext): FastifyPluginAsync {
  const now = context.now ?? (() => new Date());
  return async (app) => {
    const read = { config: { permission: "query" as const } };
    const write = { config: { permission: "configure" as const } };
    const setup = (request: FastifyRequest): { queries: MapQuerySet; window: MapWindow; query: Query } => {
      const query = request.query as Query;
      const abort = new AbortController();
      request.raw.once("close", () => {
        if (!request.raw.complete || request.raw.destroyed) abort.abort();
      });
      return {
        // Map queries wait their turn with the Query API's, so a burst of map requests cannot starve the server.
        queries: new MapQuerySet(throughGate(app.queryGate, context.engine), abort.signal),
        window: mapWindow(query, now()),
        query,
      };
    };

    app.get("/api/map/machines", read, async (request) => {
      const { queries, window, query } = setup(request);
      return listMachines(queries, context.groups, window, textParam(query, "search"));
    });

    app.get<{ Params: Params }>("/api/map/machines/:machine/map", read, async (request) => {
      const { queries, window, query } = setup(request);
      const machine = request.params.machine ?? "";
      return dependencyMap(queries, window, [machine], { selfLinks: flagParam(query, "selfLinks") });
    });

    app.get<{ Params: Params }>("/api/map/machines/:machine/summary", read, async (request) => {
      const { queries, window } = setup(request);
      const machine = request.params.machine ?? "";
      const summary = await machineSummary(queries, context.groups, window, machine);
      if (summary === undefined) throw notFound(`machine '${machine}' reported no inventory in the range`);
      return summary;
    });

    app.get<{ Params: Params }>(
      "/api/map/machines/:machine/processes/:process/summary",
      read,
      async (request) => {
        const { queries, window } = setup(request);
        const { machine = "", process = "" } = request.params;
        const summary = await processSummary(queries, window, machine, process);
        if (summary === undefined)
          throw notFound(`process '${process}' on '${machine}' reported no inventory in the range`);
        return summary;
      },
    );

    app.get("/api/map/estate", read, async (request) => {
      const { queries, window, query } = setup(request);
      const by = textParam(query, "by", "site");
      if (!(estateAggregations as readonly string[]).includes(by)) {
        throw invalid("by", `'${by}' is not one of ${estateAggregations.join(", ")}`);
      }
      const groups = by === "group" ? await context.groups.list() : [];
      return estateMap(
        queries,
        window,
        by as EstateAggregation,
        groups,
        textParam(query, "within"),
        textParam(query, "subnet"),
      );
    });

    app.get("/api/map/groups", read, async () => ({ groups: await context.groups.list() }));

    app.post("/api/map/groups", write, async (request, reply) => {
      const body = bodyObject(request.body);
      const group = await groupCall(
        () => context.groups.create(body["name"] as string, (body["machines"] ?? []) as string[]),
        "",
      );
      return reply.status(201).send(group);
    });

    app.get<{ Params: Params }>("/api/map/groups/:id", read, async (request) => {
      const id = request.params.id ?? "";
      return groupCall(() => context.groups.get(id), id);
    });

    app.patch<{ Params: Params }>("/api/map/groups/:id", write, async (request) => {
      const id = request.params.id ?? "";
      const body = bodyObject(request.body);
      return groupCall(() => context.groups.rename(id, body["name"] as string), id);
    });

    app.delete<{ Params: Params }>("/api/map/groups/:id", write, async (request, reply) => {
      const id = request.params.id ?? "";
      await groupCall(async () => ((await context.groups.delete(id)) ? true : undefined), id);
      return reply.status(204).send();
    });

    app.post<{ Params: Params }>("/api/map/groups/:id/machines", write, async (request) => {
      const id = request.params.id ?? "";
      const body = bodyObject(request.body);
      return groupCall(() => context.groups.addMachines(id, body["machines"] as string[]), id);
    });

    app.delete<{ Params: Params }>("/api/map/groups/:id/machines/:machine", write, async (request) => {
      const id = request.params.id ?? "";
      return groupCall(() => context.groups.removeMachines(id, [request.params.machine ?? ""]), id);
    });

    app.get<{ Params: Params }>("/api/map/groups/:id/map", read, async (request) => {
      const { queries, window, query } = setup(request);
      const id = request.params.id ?? "";
      const group = await groupCall(() => context.groups.get(id), id);
      return dependencyMap(queries, window, group.machines, {
        selfLinks: flagParam(query, "selfLinks"),
        onlyGroupConnected: flagParam(query, "onlyGroupConnected"),
      });
    });
  };
}
