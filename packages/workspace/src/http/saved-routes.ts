// Saved queries, stored functions and workbooks over HTTP, and the schema the web UI's editor completes
// against. Reading needs the query permission; saving changes what every user of the workspace sees (a
// stored function changes what queries mean), so it needs a contributor's save permission.

import type { FastifyPluginAsync } from "fastify";
import { queryableTables } from "../kql/analyse/global-state.js";
import { QueryError } from "../kql/errors.js";
import { SavedItemError, type SavedKind } from "../saved/saved-content.js";
import type { SavedItemStore } from "../saved/saved-items.js";
import { ApiError, badArgument, pathNotFound } from "./api-error.js";
import { queryErrorToApiError } from "./response-body.js";

const kindsByPath: Readonly<Record<string, SavedKind>> = {
  queries: "query",
  functions: "function",
  workbooks: "workbook",
};

function kindOf(path: string): SavedKind {
  const kind = kindsByPath[path];
  if (kind === undefined) throw pathNotFound();
  return kind;
}

export interface WorkspaceSchema {
  readonly tables: readonly {
    readonly name: string;
    readonly columns: readonly { readonly name: string; readonly type: string }[];
  }[];
  readonly functions: readonly {
    readonly name: string;
    readonly parameters: readonly {
      readonly name: string;
      readonly type: string;
      readonly default?: string;
    }[];
    readonly body: string;
    readonly description: string;
  }[];
}

export function savedItemRoutes(saved: SavedItemStore): FastifyPluginAsync {
  return async (app) => {
    app.get("/api/schema", { config: { permission: "query" } }, async (): Promise<WorkspaceSchema> => ({
      tables: queryableTables().map((t) => ({
        name: t.name,
        columns: t.columns.map((c) => ({ name: c.name, type: c.type })),
      })),
      functions: saved.current(),
    }));

    app.get<{ Params: { kind: string } }>(
      "/api/saved/:kind",
      { config: { permission: "query" } },
      async (request) => ({ items: await saved.list(kindOf(request.params.kind)) }),
    );

    app.get<{ Params: { kind: string; name: string } }>(
      "/api/saved/:kind/:name",
      { config: { permission: "query" } },
      async (request) => {
        const item = await saved.get(kindOf(request.params.kind), request.params.name);
        if (item === undefined) throw notFound(request.params.kind, request.params.name);
        return item;
      },
    );

    app.put<{ Params: { kind: string; name: string }; Body: unknown }>(
      "/api/saved/:kind/:name",
      { config: { permission: "configure" } },
      async (request) => {
        try {
          return await saved.save(kindOf(request.params.kind), request.params.name, request.body);
        } catch (error) {
          if (error instanceof SavedItemError)
            throw badArgument({ code: "InvalidSavedItem", message: error.message });
          // A function body's errors keep their positions within the body, for the editor to mark.
          if (error instanceof QueryError) {
            const body = (request.body as { body?: unknown } | null)?.body;
            throw queryErrorToApiError(error, typeof body === "string" ? body : "");
          }
          throw error;
        }
      },
    );

    app.delete<{ Params: { kind: string; name: string } }>(
      "/api/saved/:kind/:name",
      { config: { permission: "configure" } },
      async (request, reply) => {
        if (!(await saved.delete(kindOf(request.params.kind), request.params.name)))
          throw notFound(request.params.kind, request.params.name);
        return reply.status(204).send();
      },
    );
  };
}

function notFound(kind: string, name: string): ApiError {
  return new ApiError(404, {
    code: "SavedItemNotFound",
    message: `there is no saved ${kindsByPath[kind] ?? kind} named '${name}'`,
  });
}
