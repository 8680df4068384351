export * from "./saved-content.js";
export * from "./saved-items.js";
