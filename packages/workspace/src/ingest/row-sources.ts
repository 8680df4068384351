// Where rows come from: NDJSON, a JSON array or CSV, from a file, stdin or text already in memory. Each
// source yields rows in batches with the 1-based line each row starts on, so that errors can point at it.

import { createReadStream } from "node:fs";
import { constants } from "node:fs";
import { access, open } from "node:fs/promises";
import { extname } from "node:path";
import type { Readable } from "node:stream";
import { parse as parseCsv, CsvError } from "csv-parse";
import { IngestError, type RowLocation } from "./ingest-error.js";
import type { RawRow, ValueEncoding } from "./row-checker.js";

export type RowFormat = "ndjson" | "json-array" | "csv";

export interface RowSource {
  /** How errors name the source: the path as given, or "stdin". */
  readonly name: string;
  readonly encoding: ValueEncoding;
  /**
   * The rows, a batch at a time. `checkHeader`, when given, sees a CSV header's column names before any
   * row, so that an unknown column is reported on line 1.
   */
  rows(
    checkHeader?: (names: readonly string[], location: RowLocation) => void,
  ): AsyncIterable<readonly RawRow[]>;
}

const readChunkBytes = 1 << 20;
const rowsPerBatch = 2048;

/** A file by its path, its format from the extension or else its first character; "-" is NDJSON on stdin. */
export async function fileRowSource(path: string, format?: RowFormat): Promise<RowSource> {
  if (path === "-") return ndjsonSource("stdin", () => process.stdin);
  // Fail here, naming the file, rather than halfway through a batch when the stream is first read.
  await access(path, constants.R_OK);
  const chosen = format ?? (await detectFormat(path));
  const stream = (): Readable => createReadStream(path, { highWaterMark: readChunkBytes });
  switch (chosen) {
    case "ndjson":
      return ndjsonSource(path, stream);
    case "json-array":
      return jsonArraySource(path, async () => streamText(stream()));
    case "csv":
      return csvSource(path, stream);
  }
}

/** Rows arriving on a stream in a known format, e.g. a file sent to the workspace over HTTP. */
export function streamRowSource(name: string, format: RowFormat, stream: Readable): RowSource {
  switch (format) {
    case "ndjson":
      return ndjsonSource(name, () => stream);
    case "json-array":
      return jsonArraySource(name, async () => streamText(stream));
    case "csv":
      return csvSource(name, () => stream);
  }
}

/** NDJSON or a JSON array held in memory, e.g. a request body. */
export function jsonTextRowSource(name: string, text: string): RowSource {
  return firstNonSpace(text) === "["
    ? jsonArraySource(name, async () => text)
    : ndjsonSource(name, () => text);
}

/** A file's format from its extension, or else from its first character. */
export async function detectFormat(path: string): Promise<RowFormat> {
  const extension = extname(path).toLowerCase();
  if (extension === ".csv") return "csv";
  if (extension === ".ndjson" || extension === ".jsonl") return "ndjson";
  const handle = await open(path, "r");
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const first = firstNonSpace(
      head
        .subarray(0, bytesRead)
        .toString("utf8")
        .replace(/^\uFEFF/, ""),
    );
    if (first === "[") return "json-array";
    if (first === "{" || extension === ".json") return "ndjson";
    return "csv";
  } finally {
    await handle.close();
  }
}

function firstNonSpace(text: string): string | undefined {
  return /\S/.exec(text)?.[0];
}

async function streamText(stream: Readable): Promise<string> {
  stream.setEncoding("utf8");
  let text = "";
  for await (const chunk of stream) text += chunk as string;
  return text;
}

function ndjsonSource(name: string, open: () => Readable | string): RowSource {
  return {
    name,
    encoding: "json",
    async *rows() {
      const input = open();
      let line = 0;
      let carry = "";
      const parseLines = (text: string, final: boolean): RawRow[] => {
        const rows: RawRow[] = [];
        let start = 0;
        for (;;) {
          const end = text.indexOf("\n", start);
          if (end < 0 && !final) break;
          const stop = end < 0 ? text.length : end;
          line++;
          const row = parseLine(text, start, stop, line, name);
          if (row !== undefined) rows.push(row);
          if (end < 0) break;
          start = end + 1;
        }
        carry = start < text.length && !final ? text.slice(start) : "";
        return rows;
      };
      if (typeof input === "string") {
        yield parseLines(input.replace(/^\uFEFF/, ""), true);
        return;
      }
      input.setEncoding("utf8");
      let first = true;
      for await (const chunk of input) {
        let text = carry + (chunk as string);
        if (first) {
          text = text.replace(/^\uFEFF/, "");
          first = false;
        }
        const rows = parseLines(text, false);
        if (rows.length > 0) yield rows;
      }
      if (carry !== "") yield parseLines(carry, true);
    },
  };
}

function parseLine(
  text: string,
  start: number,
  stop: number,
  line: number,
  source: string,
): RawRow | undefined {
  let end = stop;
  if (end > start && text.charCodeAt(end - 1) === 13) end--;
  const lineText = text.slice(start, end);
  if (lineText.length === 0 || lineText.trim().length === 0) return undefined;
  try {
    return { value: JSON.parse(lineText), line, text: lineText };
  } catch (error) {
    throw new IngestError({ source, line }, `not valid JSON: ${syntaxMessage(error)}`);
  }
}

function syntaxMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The whole array goes through one JSON.parse, the fast path; each element's line is worked out only when
 * something needs it (an error, or a long beyond 2^53), by scanning the text for element boundaries.
 */
function jsonArraySource(name: string, readText: () => Promise<string>): RowSource {
  return {
    name,
    encoding: "json",
    async *rows() {
      const text = (await readText()).replace(/^\uFEFF/, "");
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        throw locateArraySyntaxError(text, name, error);
      }
      if (!Array.isArray(parsed)) {
        throw new IngestError({ source: name, line: 1 }, "expected a JSON array of records");
      }
      let elements: ArrayElement[] | undefined;
      const elementAt = (index: number): ArrayElement | undefined => {
        elements ??= scanArrayElements(text);
        return elements[index];
      };
      const rows: RawRow[] = parsed.map((value, index) => lazyArrayRow(value, index, elementAt));
      for (let i = 0; i < rows.length; i += rowsPerBatch) yield rows.slice(i, i + rowsPerBatch);
    },
  };
}

interface ArrayElement {
  readonly line: number;
  readonly text: string;
}

function lazyArrayRow(
  value: unknown,
  index: number,
  elementAt: (index: number) => ArrayElement | undefined,
): RawRow {
  return {
    value,
    get line() {
      return elementAt(index)?.line ?? 1;
    },
    get text() {
      return elementAt(index)?.text;
    },
  };
}

/** Top-level elements of a JSON array text: where each starts (1-based line) and its text. */
function scanArrayElements(text: string): ArrayElement[] {
  const elements: ArrayElement[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let start = -1;
  let startLine = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) line++;
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
      continue;
    }
    if (depth === 1 && start < 0 && c > 32 && c !== 44 && c !== 93) {
      start = i;
      startLine = line;
    }
    if (c === 34) inString = true;
    else if (c === 91 || c === 123) depth++;
    else if (c === 93 || c === 125) depth--;
    if (depth === 1 && c === 44 && start >= 0) {
      elements.push({ line: startLine, text: text.slice(start, i).trim() });
      start = -1;
    } else if (depth === 0 && c === 93 && start >= 0) {
      elements.push({ line: startLine, text: text.slice(start, i).trim() });
      start = -1;
    }
  }
  return elements;
}

function locateArraySyntaxError(text: string, source: string, error: unknown): IngestError {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith("["))
    return new IngestError({ source, line: 1 }, `not valid JSON: ${syntaxMessage(error)}`);
  for (const element of scanArrayElements(text)) {
    try {
      JSON.parse(element.text);
    } catch (elementError) {
      return new IngestError(
        { source, line: element.line },
        `not valid JSON: ${syntaxMessage(elementError)}`,
      );
    }
  }
  const lines = text.split("\n").length;
  return new IngestError({ source, line: lines }, `not valid JSON: ${syntaxMessage(error)}`);
}

function csvSource(name: string, open: () => Readable): RowSource {
  return {
    name,
    encoding: "text",
    async *rows(checkHeader) {
      const parser = open().pipe(
        parseCsv({
          bom: true,
          columns: (header: string[]) => {
            checkHeader?.(header, { source: name, line: 1 });
            return header;
          },
          skip_empty_lines: true,
          info: true,
          raw: true,
        }),
      );
      let batch: RawRow[] = [];
      try {
        for await (const entry of parser as AsyncIterable<CsvEntry>) {
          // info.lines is the line a record ends on; a quoted field may have carried it over several.
          const ownNewlines = countNewlines(entry.raw.replace(/\r?\n$/, ""));
          batch.push({ value: entry.record, line: entry.info.lines - ownNewlines });
          if (batch.length === rowsPerBatch) {
            yield batch;
            batch = [];
          }
        }
      } catch (error) {
        if (error instanceof CsvError) {
          const line = typeof error["lines"] === "number" ? error["lines"] : undefined;
          throw new IngestError({ source: name, line }, `not valid CSV: ${error.message}`);
        }
        throw error;
      }
      if (batch.length > 0) yield batch;
    },
  };
}

interface CsvEntry {
  readonly record: Record<string, string>;
  readonly info: { readonly lines: number };
  readonly raw: string;
}

function countNewlines(text: string): number {
  let count = 0;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) count++;
  return count;
}
