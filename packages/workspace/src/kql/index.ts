export * from "./result.js";
export * from "./errors.js";
export * from "./engine.js";
