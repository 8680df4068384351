// The one way map queries put values into KQL text. Strings become double-quoted literals in which every
// character outside printable ASCII, and every quote or backslash, is a \uXXXX escape: whatever the caller
// sends, the literal ends exactly where the helper says and means exactly the text given.

export function kqlString(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const plain = code >= 0x20 && code <= 0x7e && code !== 0x22 && code !== 0x5c;
    out += plain ? value[i] : `\\u${code.toString(16).padStart(4, "0")}`;
  }
  return `${out}"`;
}

/** A parenthesised list for `in (…)`. `in ()` is not KQL, so callers answer an empty list without a query. */
export function kqlStringList(values: readonly string[]): string {
  if (values.length === 0) throw new Error("an empty list cannot be written as a KQL `in` list");
  return `(${values.map(kqlString).join(", ")})`;
}

export function kqlDatetime(value: Date): string {
  if (Number.isNaN(value.getTime())) throw new Error("not a valid date");
  return `datetime(${value.toISOString()})`;
}
