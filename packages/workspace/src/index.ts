export * from "./store/index.js";
export * from "./kql/result.js";
