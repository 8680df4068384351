import type { WorkspaceStore } from "../store/workspace-store.js";
import { QueryError } from "./errors.js";
import type { QueryOptions, QueryResult } from "./result.js";

/** Compiles and runs KQL over one workspace. One engine per store; safe to use from many requests at once. */
export class KqlEngine {
  constructor(readonly store: WorkspaceStore) {}

  async run(query: string, _options: QueryOptions = {}): Promise<QueryResult> {
    throw new QueryError("NotSupported", `not supported: the KQL engine is being built (${query.length} chars)`);
  }
}
