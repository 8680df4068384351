export * from "./store/index.js";
export * from "./kql/index.js";
export * from "./http/index.js";
export * from "./ingest/index.js";
export * from "./simulate/index.js";
export * from "./enrich/index.js";
export * from "./map/index.js";
export * from "./saved/index.js";
