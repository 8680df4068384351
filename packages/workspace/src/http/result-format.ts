// Text renderings of a Query API response body, for people (an aligned table) and for other programs (the
// JSON body itself, or RFC 4180 CSV). They start from the response body so that a query run locally and one
// sent to a server print the same.

import type { KustoType } from "@svcmap/model";
import type { ResultTable, ResultValue } from "../kql/result.js";
import { innermostError, type ErrorInfo } from "./api-error.js";
import type { QueryResponseBody } from "./response-body.js";

export const outputFormats = ["table", "json", "csv"] as const;
export type OutputFormat = (typeof outputFormats)[number];

export function isOutputFormat(value: string): value is OutputFormat {
  return (outputFormats as readonly string[]).includes(value);
}

export function formatQueryResponse(body: QueryResponseBody, format: OutputFormat): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(body)}\n`;
    case "csv":
      return body.tables.map(formatCsvTable).join("\r\n");
    case "table":
      return formatTables(body.tables);
  }
}

/** A cell as Kusto shows it: empty for null, the API's own text for datetime/timespan/guid/dynamic. */
export function displayValue(value: ResultValue): string {
  if (value === null) return "";
  if (typeof value === "number") return formatNumber(value);
  return String(value);
}

// .NET writes exponents as E+21 where JavaScript writes e+21; Kusto's tools show the former.
function formatNumber(value: number): string {
  return String(value).replace("e", "E");
}

const numericTypes: ReadonlySet<KustoType> = new Set(["int", "long", "real", "decimal"]);

function formatTables(tables: readonly ResultTable[]): string {
  const named = tables.length > 1;
  return tables.map((t) => (named ? `${t.name}\n` : "") + formatTable(t)).join("\n");
}

function formatTable(table: ResultTable): string {
  const header = table.columns.map((c) => escapeControl(c.name));
  const cells = table.rows.map((row) =>
    table.columns.map((_, i) => escapeControl(displayValue(row[i] ?? null))),
  );
  const widths = header.map((name, i) =>
    Math.max(name.length, ...cells.map((row) => (row[i] as string).length)),
  );
  const rightAligned = table.columns.map((c) => numericTypes.has(c.type));
  const line = (values: readonly string[], pad: (value: string, i: number) => string): string =>
    values.map(pad).join("  ").trimEnd();
  const width = (i: number): number => widths[i] ?? 0;
  const align = (v: string, i: number): string =>
    rightAligned[i] ? v.padStart(width(i)) : v.padEnd(width(i));
  const out = [
    line(header, align),
    line(
      header.map((_, i) => "-".repeat(width(i))),
      (v) => v,
    ),
    ...cells.map((row) => line(row, align)),
  ];
  return `${out.join("\n")}\n`;
}

// A newline or tab inside a value would break the alignment of every row after it.
function escapeControl(text: string): string {
  return text.replace(/[\t\n\r]/g, (c) => (c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"));
}

function formatCsvTable(table: ResultTable): string {
  const lines = [
    table.columns.map((c) => csvField(c.name)),
    ...table.rows.map((row) => table.columns.map((_, i) => csvField(csvValue(row[i] ?? null)))),
  ];
  return lines.map((fields) => `${fields.join(",")}\r\n`).join("");
}

function csvValue(value: ResultValue): string {
  return value === null ? "" : String(value);
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * A failed query for a person: the most specific message, then the query line it points at with a caret
 * under the offending text, then the chain of error codes.
 */
export function formatQueryFailure(query: string, error: ErrorInfo): string {
  const chain: ErrorInfo[] = [error];
  for (let e = error.innererror; e !== undefined; e = e.innererror) chain.push(e);
  const innermost = chain[chain.length - 1] as ErrorInfo;
  const out = [`error: ${innermost.message}`];
  if (innermost.line !== undefined && innermost.pos !== undefined) {
    const text = query.split(/\r?\n/)[innermost.line - 1];
    out.push(`  at line ${innermost.line}, column ${innermost.pos + 1}`);
    if (text !== undefined) {
      const caretLength = Math.max(1, Math.min(innermost.token?.length ?? 1, text.length - innermost.pos));
      out.push(
        `    ${text.replace(/\t/g, " ")}`,
        `    ${" ".repeat(innermost.pos)}${"^".repeat(caretLength)}`,
      );
    }
  }
  out.push(`  (${chain.map((e) => e.code).join(" > ")})`);
  return `${out.join("\n")}\n`;
}

/** The warning printed beside a partial result, from its error object's most specific messages. */
export function formatPartialWarning(error: ErrorInfo): string {
  const messages = (error.details ?? [error]).map((d) => innermostError(d).message);
  return `warning: the result is incomplete: ${messages.join("; ")}\n`;
}
