// The documents each kind of saved item holds, and the checks that keep anything malformed out of the
// workspace. Messages name the field that is wrong, since they are shown to whoever tried to save it.

import { kustoTypes } from "@svcmap/model";
import type { StoredFunctionParameter } from "../kql/analyse/stored-functions.js";

export const savedKinds = ["query", "function", "workbook"] as const;
export type SavedKind = (typeof savedKinds)[number];

export interface SavedContent {
  readonly query: { readonly query: string; readonly description: string };
  readonly function: {
    readonly parameters: readonly StoredFunctionParameter[];
    readonly body: string;
    readonly description: string;
  };
  /** A workbook as the web UI writes it: the server keeps it whole, checking only its outline. */
  readonly workbook: {
    readonly version: 1;
    readonly title: string;
    readonly items: readonly Readonly<Record<string, unknown>>[];
    readonly parameters?: readonly Readonly<Record<string, unknown>>[];
  };
}

export class SavedItemError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SavedItemError";
  }
}

export function isSavedKind(value: string): value is SavedKind {
  return (savedKinds as readonly string[]).includes(value);
}

const maxNameLength = 200;
const maxContentBytes = 1024 * 1024;

function record(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new SavedItemError(`${where} must be a JSON object`);
  return value as Record<string, unknown>;
}

function text(value: unknown, where: string, optional = false): string {
  if (value === undefined && optional) return "";
  if (typeof value !== "string") throw new SavedItemError(`${where} must be a string`);
  return value;
}

function list(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new SavedItemError(`${where} must be an array`);
  return value;
}

/** Checks `input` as the content of an item of `kind` named `name`, and returns it in its stored form. */
export function parseSavedContent<K extends SavedKind>(
  kind: K,
  name: string,
  input: unknown,
): SavedContent[K] {
  if (name.trim() === "" || name.length > maxNameLength)
    throw new SavedItemError(`the name must be 1 to ${maxNameLength} characters`);
  if (JSON.stringify(input ?? null).length > maxContentBytes)
    throw new SavedItemError(`a saved ${kind} may hold at most ${maxContentBytes} bytes of JSON`);
  return parsers[kind](record(input, "the request body"));
}

const parsers: { readonly [K in SavedKind]: (body: Record<string, unknown>) => SavedContent[K] } = {
  query: (body) => {
    const query = text(body["query"], "query");
    if (query.trim() === "") throw new SavedItemError("query must not be empty");
    return { query, description: text(body["description"], "description", true) };
  },
  function: (body) => ({
    parameters: list(body["parameters"] ?? [], "parameters").map((p, i) => parameter(p, i)),
    body: text(body["body"], "body"),
    description: text(body["description"], "description", true),
  }),
  workbook: (body) => {
    if (body["version"] !== 1) throw new SavedItemError("version must be 1");
    const items = list(body["items"], "items").map((item, i) => record(item, `items[${i}]`));
    const parameters =
      body["parameters"] === undefined
        ? undefined
        : list(body["parameters"], "parameters").map((p, i) => record(p, `parameters[${i}]`));
    return {
      version: 1,
      title: text(body["title"], "title", true),
      items,
      ...(parameters === undefined ? {} : { parameters }),
    };
  },
};

function parameter(value: unknown, i: number): StoredFunctionParameter {
  const where = `parameters[${i}]`;
  const p = record(value, where);
  const name = text(p["name"], `${where}.name`);
  const type = text(p["type"], `${where}.type`);
  if (!(kustoTypes as readonly string[]).includes(type))
    throw new SavedItemError(`${where}.type '${type}' is not one of ${kustoTypes.join(", ")}`);
  const fallback = p["default"];
  return {
    name,
    type: type as StoredFunctionParameter["type"],
    ...(fallback === undefined || fallback === "" ? {} : { default: text(fallback, `${where}.default`) }),
  };
}
