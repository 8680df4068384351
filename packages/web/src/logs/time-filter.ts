// Log Analytics applies the page's time range to a query only when the query does not filter TimeGenerated
// itself; a query that does keeps its own window. This decides which case a query is, on its text with
// comments and string literals removed, so a column named in a string or comment does not count.

/** Removes `// comments` and string literals ('…', "…", @'…', ```…```) from KQL text. */
export function codeOnly(query: string): string {
  return query.replace(/```[\s\S]*?```|@?"(?:[^"\\\n]|\\.)*"|@?'(?:[^'\\\n]|\\.)*'|\/\/[^\n]*/g, " ");
}

/**
 * True when the query limits TimeGenerated itself: a `where` (or `filter`) whose condition names it, or a
 * `timespan`-like function on it (`ago`, `between`) anywhere in a where clause.
 */
export function filtersTimeGenerated(query: string): boolean {
  const code = codeOnly(query);
  const clause = /\b(?:where|filter)\b([^|;]*)/g;
  for (let match = clause.exec(code); match !== null; match = clause.exec(code)) {
    if (/\bTimeGenerated\b/.test(match[1] ?? "")) return true;
  }
  return false;
}
