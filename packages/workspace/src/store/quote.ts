// The one place where text becomes SQL. Every identifier and every literal that reaches DuckDB goes
// through these functions; nothing else in the workspace concatenates user-supplied text into SQL.

/** A double-quoted identifier. NUL cannot be part of a name, so it is refused rather than escaped. */
export function quoteIdent(name: string): string {
  if (name.length === 0) throw new Error("an SQL identifier cannot be empty");
  if (name.includes("\0")) throw new Error("an SQL identifier cannot contain NUL");
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * A single-quoted string literal. DuckDB reads SQL text as a C string, so a NUL inside a literal would end
 * the statement early: NULs are spliced in with chr(0) instead.
 */
export function quoteString(value: string): string {
  return value
    .split("\0")
    .map((part) => `'${part.replaceAll("'", "''")}'`)
    .join(" || chr(0) || ");
}

/** A numeric literal; refuses anything that is not a finite number so that no text can pass as one. */
export function quoteNumber(value: number | bigint): string {
  if (typeof value === "bigint") return value.toString();
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${String(value)}`);
  return Number.isInteger(value) ? value.toFixed(0) : value.toString();
}

export function quoteBoolean(value: boolean): string {
  return value ? "TRUE" : "FALSE";
}
