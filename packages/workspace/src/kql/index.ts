export * from "./result.js";
export * from "./errors.js";
export * from "./engine.js";
export * from "./analyse/stored-functions.js";
export { queryableTables } from "./analyse/global-state.js";
