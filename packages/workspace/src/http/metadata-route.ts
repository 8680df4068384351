// GET /v1/workspaces/{id}/metadata: the Log Analytics metadata API, which query tools read to learn a
// workspace's tables, their columns and its saved functions (for completion and schema browsers).

import type { FastifyInstance } from "fastify";
import { queryableTables } from "../kql/analyse/global-state.js";
import { parameterListText, type StoredFunctionSource } from "../kql/analyse/stored-functions.js";
import { workspaceResourceUri } from "../ingest/record-defaults.js";
import { workspaceNotFound } from "./api-error.js";
import { sameWorkspace } from "./query-routes.js";

export interface WorkspaceMetadata {
  readonly tables: readonly {
    readonly id: string;
    readonly name: string;
    readonly timespanColumn?: string;
    readonly columns: readonly { readonly name: string; readonly type: string }[];
  }[];
  readonly functions: readonly {
    readonly id: string;
    readonly name: string;
    readonly parameters: string;
    readonly body: string;
    readonly description: string;
    readonly workspaces: readonly string[];
  }[];
  readonly workspaces: readonly { readonly id: string; readonly name: string; readonly resourceId: string }[];
  readonly categories: readonly never[];
  readonly solutions: readonly never[];
  readonly resourceTypes: readonly never[];
  readonly queries: readonly never[];
  readonly applications: readonly never[];
  readonly resources: readonly never[];
  readonly permissions: readonly never[];
}

export function registerMetadataRoute(
  app: FastifyInstance,
  workspaceId: string,
  functions: StoredFunctionSource | undefined,
): void {
  app.get<{ Params: { id: string } }>(
    "/v1/workspaces/:id/metadata",
    { config: { permission: "query" } },
    async (request): Promise<WorkspaceMetadata> => {
      if (!sameWorkspace(request.params.id, workspaceId)) throw workspaceNotFound(request.params.id);
      return {
        tables: queryableTables().map((t) => ({
          id: `t/${t.name}`,
          name: t.name,
          ...(t.columns.some((c) => c.name === "TimeGenerated") ? { timespanColumn: "TimeGenerated" } : {}),
          columns: t.columns.map((c) => ({ name: c.name, type: c.type })),
        })),
        functions: (functions?.current() ?? []).map((f) => ({
          id: `f/${f.name}`,
          name: f.name,
          // Log Analytics lists the parameters without the parentheses.
          parameters: parameterListText(f.parameters).slice(1, -1),
          body: f.body,
          description: f.description,
          workspaces: [workspaceId],
        })),
        workspaces: [{ id: workspaceId, name: "svcmap", resourceId: workspaceResourceUri(workspaceId) }],
        categories: [],
        solutions: [],
        resourceTypes: [],
        queries: [],
        applications: [],
        resources: [],
        permissions: [],
      };
    },
  );
}
