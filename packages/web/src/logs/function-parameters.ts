// A stored function's parameters as people write them in Kusto, `(machine:string, window:timespan = 1h)`,
// parsed into the list the workspace stores, and back.

import type { FunctionParameter } from "../api/saved.js";

export function formatParameters(parameters: readonly FunctionParameter[]): string {
  return `(${parameters.map((p) => `${p.name}:${p.type}${p.default === undefined ? "" : ` = ${p.default}`}`).join(", ")})`;
}

/** Splits on commas outside quotes and brackets. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = "";
  for (const char of text) {
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === "(" || char === "[") depth++;
    else if (char === ")" || char === "]") depth--;
    else if (char === "," && depth === 0) {
      parts.push(current);
      current = "";
      continue;
    }
    current += char;
  }
  if (current.trim() !== "") parts.push(current);
  return parts;
}

/** Throws an Error naming the parameter that is malformed. */
export function parseParameters(text: string): FunctionParameter[] {
  const inner = text.trim().replace(/^\(/, "").replace(/\)$/, "").trim();
  if (inner === "") return [];
  return splitTopLevel(inner).map((part, i) => {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([A-Za-z]+)\s*(?:=\s*(.+?))?\s*$/s.exec(part);
    if (match === null)
      throw new Error(
        `parameter ${i + 1} ('${part.trim()}') is not written name:type or name:type = default`,
      );
    const [, name = "", type = "", fallback] = match;
    return fallback === undefined ? { name, type } : { name, type, default: fallback };
  });
}
