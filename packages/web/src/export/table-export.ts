// A query result as files people open elsewhere: CSV (RFC 4180, a header row, every value as the Query API
// wrote it) and JSON (an array of objects keyed by column name, dynamic values parsed back into JSON).

import type { QueryTable } from "../api/client.js";

function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(table: QueryTable): string {
  const lines = [table.columns.map((c) => csvField(c.name)).join(",")];
  for (const row of table.rows) lines.push(row.map(csvField).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

function jsonValue(value: unknown, type: string): unknown {
  if (type !== "dynamic" || typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

export function toJsonRows(table: QueryTable): string {
  const objects = table.rows.map((row) =>
    Object.fromEntries(table.columns.map((c, i) => [c.name, jsonValue(row[i], c.type)])),
  );
  return `${JSON.stringify(objects, null, 2)}\n`;
}
