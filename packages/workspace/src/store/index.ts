export * from "./quote.js";
export * from "./duckdb-types.js";
export * from "./workspace-store.js";
export * from "./table-appender.js";
export { currentSchemaVersion, readSchemaVersion } from "./migrations.js";
