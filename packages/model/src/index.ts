export * from "./schema-types.js";
export * from "./tables.js";
export * from "./legacy-views.js";
export * from "./ids.js";
export * from "./timespan.js";
export * from "./map-api.js";
