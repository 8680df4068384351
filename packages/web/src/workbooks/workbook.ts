// A workbook: parameters at the top, then text and query steps with their visualizations, as one JSON
// document (version 1) that the workspace stores and people export and import.

import { chartKinds, type ChartKind } from "../charts/render-spec.js";

export type WorkbookParameter =
  | { readonly type: "timerange"; readonly name: string; readonly label: string; readonly default: string }
  | {
      readonly type: "dropdown";
      readonly name: string;
      readonly label: string;
      /** A query whose first column lists the choices; it may use the parameters before this one. */
      readonly query: string;
      /** The label of the empty choice, which stands for every value. */
      readonly allLabel: string;
    };

export type WorkbookItem =
  | { readonly type: "text"; readonly text: string }
  | {
      readonly type: "query";
      readonly title: string;
      readonly query: string;
      /** `auto` follows the query's render; anything else draws the rows so even without one. */
      readonly visualization: "auto" | ChartKind;
      readonly width: "full" | "half";
    };

export interface Workbook {
  readonly version: 1;
  readonly title: string;
  readonly parameters: readonly WorkbookParameter[];
  readonly items: readonly WorkbookItem[];
}

/** Parameter values by name; a dropdown's "" means all, a time range is in the URL's form (`1440m`). */
export type ParameterValues = Readonly<Record<string, string>>;

/** A KQL string literal holding `value`, so that any machine or group name is safe inside a query. */
export function kqlString(value: string): string {
  return `"${value
    .replace(/[\\"]/g, (c) => `\\${c}`)
    .replace(/\n/g, "\\n")
    .replace(/\r/g, "\\r")}"`;
}

/**
 * Puts the parameters' values into a query: `{Name}` becomes the value as a KQL string literal. Time range
 * parameters are not substituted: they set the query's timespan, as the Logs page's picker does.
 */
export function substituteParameters(
  query: string,
  parameters: readonly WorkbookParameter[],
  values: ParameterValues,
): string {
  const dropdowns = new Set(parameters.filter((p) => p.type === "dropdown").map((p) => p.name));
  return query.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) =>
    dropdowns.has(name) ? kqlString(values[name] ?? "") : whole,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** What a query step may be drawn as: `auto` follows the query's own render. */
export const stepVisualizations: readonly ("auto" | ChartKind)[] = ["auto", ...chartKinds];

/** Reads a workbook from JSON someone imports; throws an Error saying which part is wrong. */
export function parseWorkbook(input: unknown): Workbook {
  if (!isRecord(input)) throw new Error("a workbook is a JSON object");
  if (input["version"] !== 1) throw new Error("this is not a version 1 workbook (version must be 1)");
  const title = input["title"];
  if (typeof title !== "string" || title.trim() === "") throw new Error("the workbook needs a title");
  const rawParameters = input["parameters"] ?? [];
  const rawItems = input["items"];
  if (!Array.isArray(rawParameters)) throw new Error("parameters must be an array");
  if (!Array.isArray(rawItems)) throw new Error("items must be an array");
  const text = (value: unknown, where: string): string => {
    if (typeof value !== "string") throw new Error(`${where} must be a string`);
    return value;
  };
  const parameters = rawParameters.map((p: unknown, i): WorkbookParameter => {
    const where = `parameters[${i}]`;
    if (!isRecord(p)) throw new Error(`${where} must be an object`);
    const name = text(p["name"], `${where}.name`);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw new Error(`${where}.name '${name}' is not an identifier`);
    const label = typeof p["label"] === "string" ? p["label"] : name;
    if (p["type"] === "timerange")
      return {
        type: "timerange",
        name,
        label,
        default: typeof p["default"] === "string" ? p["default"] : "1440m",
      };
    if (p["type"] === "dropdown")
      return {
        type: "dropdown",
        name,
        label,
        query: text(p["query"], `${where}.query`),
        allLabel: typeof p["allLabel"] === "string" ? p["allLabel"] : "All",
      };
    throw new Error(`${where}.type must be "timerange" or "dropdown"`);
  });
  const items = rawItems.map((item: unknown, i): WorkbookItem => {
    const where = `items[${i}]`;
    if (!isRecord(item)) throw new Error(`${where} must be an object`);
    if (item["type"] === "text") return { type: "text", text: text(item["text"], `${where}.text`) };
    if (item["type"] === "query") {
      const visualization = item["visualization"] ?? "auto";
      if (
        typeof visualization !== "string" ||
        !(stepVisualizations as readonly string[]).includes(visualization)
      )
        throw new Error(`${where}.visualization must be one of ${stepVisualizations.join(", ")}`);
      return {
        type: "query",
        title: typeof item["title"] === "string" ? item["title"] : "",
        query: text(item["query"], `${where}.query`),
        visualization: visualization as "auto" | ChartKind,
        width: item["width"] === "half" ? "half" : "full",
      };
    }
    throw new Error(`${where}.type must be "text" or "query"`);
  });
  return { version: 1, title: title.trim(), parameters, items };
}
