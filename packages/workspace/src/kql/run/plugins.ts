import type { Literal, Rel } from "../lower/ir.js";
import type { ResultValue } from "../result.js";
import { QueryError } from "../errors.js";
import { autocluster } from "./autocluster.js";

type PluginRel = Extract<Rel, { kind: "plugin" }>;

/** Runs a TypeScript operator over its input rows; returns literal rows in the plugin's output schema. */
export function runPlugin(rel: PluginRel, rows: readonly (readonly ResultValue[])[]): Literal[][] {
  switch (rel.plugin) {
    case "autocluster":
      return autocluster(rel, rows);
    default:
      throw new QueryError("NotSupported", `not supported: evaluate ${rel.plugin}()`);
  }
}
