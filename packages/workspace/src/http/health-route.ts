import type { FastifyInstance } from "fastify";
import type { WorkspaceStore } from "../store/workspace-store.js";

export interface HealthBody {
  readonly status: "ok" | "unavailable";
  readonly workspaceId: string;
  readonly version: string;
  readonly message?: string;
}

/** GET /healthz: ready when the store answers a trivial query. Open to all, so probes need no key. */
export function registerHealthRoute(app: FastifyInstance, store: WorkspaceStore, version: string): void {
  app.get("/healthz", async (_request, reply) => {
    try {
      await store.withConnection((c) => c.run("SELECT 1"));
      return { status: "ok", workspaceId: store.workspaceId, version } satisfies HealthBody;
    } catch (error) {
      reply.status(503);
      return {
        status: "unavailable",
        workspaceId: store.workspaceId,
        version,
        message: error instanceof Error ? error.message : String(error),
      } satisfies HealthBody;
    }
  });
}
