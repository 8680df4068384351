/** Where a rejected value came from: the file (or "stdin"), the 1-based line, and the column if one. */
export interface RowLocation {
  readonly source: string;
  readonly line?: number;
  readonly column?: string;
}

/**
 * The one error ingestion raises for bad input. Its message leads with `file:line:` so that editors and
 * terminals can jump to the row, e.g. `rows.ndjson:17: column DestinationPort: expected int, got "http"`.
 */
export class IngestError extends Error {
  override readonly name = "IngestError";

  constructor(
    readonly location: RowLocation,
    readonly detail: string,
  ) {
    super(formatMessage(location, detail));
  }
}

function formatMessage(location: RowLocation, detail: string): string {
  const where = location.line === undefined ? location.source : `${location.source}:${location.line}`;
  const column = location.column === undefined ? "" : ` column ${location.column}:`;
  return `${where}:${column} ${detail}`;
}

/** A value that does not fit its column; the row checker turns it into an IngestError with the location. */
export class ValueMismatch extends Error {
  override readonly name = "ValueMismatch";
}

/** A short, unambiguous rendering of an offending value for error messages. */
export function describeValue(value: unknown): string {
  let text: string;
  if (value === undefined) text = "nothing";
  else if (typeof value === "bigint") text = value.toString();
  else text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
