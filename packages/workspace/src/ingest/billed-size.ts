// `_BilledSize`: Azure measures "a string representation of the columns that are stored" for the record,
// leaving out _ResourceId, _SubscriptionId, _ItemId, _IsBillable, _BilledSize and Type (Azure Monitor Logs
// pricing, "Data size calculation"), without saying which representation. svcmap's definition, chosen so
// that anyone can recompute it: the UTF-8 length of the record as compact JSON over the stored columns
// that Azure counts, leaving out empty ones (null, and "" for strings), with each value written as a query
// returns it (datetime as ISO 8601 with seven fractional digits and Z, timespan as [d.]hh:mm:ss[.fffffff],
// dynamic as its JSON). It is computed from the values while they are checked, not by serializing again.

import { formatTimespan, type KustoType } from "@svcmap/model";
import type { StoredValue } from "../store/table-appender.js";

export const unbilledColumns: ReadonlySet<string> = new Set([
  "_ResourceId",
  "_SubscriptionId",
  "_ItemId",
  "_IsBillable",
  "_BilledSize",
  "Type",
]);

/** `{` and `}`; each member then adds `"Name":value` and one separator, which over-counts one comma. */
export const emptyRecordBytes = 2 - 1;

/** Bytes of `"Name":` plus the comma that follows the member. */
export function memberOverheadBytes(name: string): number {
  return jsonStringBytes(name) + 2;
}

/** `"2026-05-01T10:00:00.0000000Z"`, the datetime form query results use. */
const datetimeBytes = 30;

/** Bytes of a stored value written as JSON; 0 for a value that counts as empty. */
export function valueBytes(type: KustoType, value: StoredValue): number {
  if (value === null) return 0;
  switch (type) {
    case "string":
      return value === "" ? 0 : jsonStringBytes(value as string);
    case "int":
    case "long":
      return typeof value === "number" ? integerBytes(value) : String(value).length;
    case "real":
      return Number.isFinite(value) ? String(value).length : String(value).length + 2;
    case "bool":
      return value ? 4 : 5;
    case "datetime":
      return datetimeBytes;
    case "timespan":
      return formatTimespan(BigInt(value as bigint | number)).length + 2;
    case "dynamic":
      return utf8Bytes(JSON.stringify(value));
    case "guid":
      return 38;
    case "decimal":
      return String(value).length;
  }
}

function integerBytes(n: number): number {
  let digits = n < 0 ? 2 : 1;
  let rest = Math.abs(n);
  while (rest >= 10) {
    rest = Math.floor(rest / 10);
    digits++;
  }
  return digits;
}

/** Text that JSON writes as is: printable ASCII other than `"` and `\`. */
const plainJsonText = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

export function jsonStringBytes(text: string): number {
  if (plainJsonText.test(text)) return text.length + 2;
  return utf8Bytes(JSON.stringify(text));
}

function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/** `_BilledSize` of a record given as column values, for records the workspace writes itself. */
export function recordBytes(
  columns: readonly { readonly name: string; readonly type: KustoType }[],
  record: Readonly<Record<string, StoredValue | undefined>>,
): number {
  let bytes = emptyRecordBytes;
  for (const column of columns) {
    const value = record[column.name];
    if (value === undefined || unbilledColumns.has(column.name)) continue;
    const size = valueBytes(column.type, value);
    if (size > 0) bytes += memberOverheadBytes(column.name) + size;
  }
  return bytes;
}
