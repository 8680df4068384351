// Compares the engine's answer with the expected one the way Kusto defines it: rows in order where the
// query sorts (rows that tie on every sort key may come in any order among themselves), as a multiset
// otherwise; make_set arrays as sets; dcount estimates within their error bound.

import type { ResultColumn, ResultValue } from "../result.js";
import type { ExpectedAnswer } from "./seed-catalogue.js";
import type { LogAnalyticsTable } from "./log-analytics-form.js";

/** Kusto's dcount has a relative error of about 1.6% at its default accuracy; allow a little more. */
const dcountTolerance = 0.02;
const shownDifferences = 5;

/** Every way `actual` differs from `expected`; empty when they agree. */
export function compareTables(
  answer: ExpectedAnswer,
  expected: LogAnalyticsTable,
  actual: LogAnalyticsTable,
): string[] {
  const columnProblems = compareColumns(expected.columns, actual.columns);
  if (columnProblems.length > 0) return columnProblems;
  const names = expected.columns.map((c) => c.name);
  const indexOf = (name: string): number => {
    const i = names.indexOf(name);
    if (i < 0) throw new Error(`${answer.name}: directive names an unknown column ${name}`);
    return i;
  };
  const setColumns = answer.sets.map(indexOf);
  const approxColumns = answer.approx.map(indexOf);
  const orderColumns = answer.order.map(indexOf);
  const canonical = (rows: readonly (readonly ResultValue[])[]): ResultValue[][] =>
    rows.map((row) => row.map((cell, i) => (setColumns.includes(i) ? sortedSet(cell) : cell)));
  const want = canonical(expected.rows);
  const got = canonical(actual.rows);
  if (approxColumns.length > 0) return compareApproximately(want, got, approxColumns);
  if (orderColumns.length > 0) return compareInOrder(want, got, orderColumns);
  return compareMultisets(want, got, "");
}

function compareColumns(expected: readonly ResultColumn[], actual: readonly ResultColumn[]): string[] {
  const show = (columns: readonly ResultColumn[]): string =>
    columns.map((c) => `${c.name}:${c.type}`).join(", ");
  return show(expected) === show(actual)
    ? []
    : [`columns differ\n  expected ${show(expected)}\n  actual   ${show(actual)}`];
}

function sortedSet(cell: ResultValue): ResultValue {
  if (typeof cell !== "string") return cell;
  const parsed: unknown = JSON.parse(cell);
  if (!Array.isArray(parsed)) return cell;
  return JSON.stringify(
    parsed
      .map((e) => JSON.stringify(e))
      .sort()
      .map((e) => JSON.parse(e) as unknown),
  );
}

const keyOf = (row: readonly ResultValue[]): string => JSON.stringify(row);

function compareMultisets(
  want: readonly ResultValue[][],
  got: readonly ResultValue[][],
  where: string,
): string[] {
  const counts = new Map<string, number>();
  for (const row of want) counts.set(keyOf(row), (counts.get(keyOf(row)) ?? 0) + 1);
  const extra: string[] = [];
  for (const row of got) {
    const key = keyOf(row);
    const n = counts.get(key) ?? 0;
    if (n === 0) extra.push(key);
    else counts.set(key, n - 1);
  }
  const missing = [...counts].flatMap(([key, n]) => Array<string>(n).fill(key));
  if (missing.length === 0 && extra.length === 0) return [];
  return [
    `${where}rows differ: expected ${want.length}, got ${got.length}; ${missing.length} missing, ${extra.length} unexpected` +
      missing
        .slice(0, shownDifferences)
        .map((r) => `\n  missing    ${r}`)
        .join("") +
      extra
        .slice(0, shownDifferences)
        .map((r) => `\n  unexpected ${r}`)
        .join(""),
  ];
}

/** Consecutive rows with equal sort keys form a group; groups must match in order, rows within as multisets. */
function compareInOrder(
  want: readonly ResultValue[][],
  got: readonly ResultValue[][],
  keys: readonly number[],
): string[] {
  const wantGroups = groupsOf(want, keys);
  const gotGroups = groupsOf(got, keys);
  for (let g = 0; g < Math.max(wantGroups.length, gotGroups.length); g++) {
    const w = wantGroups[g];
    const a = gotGroups[g];
    if (w === undefined || a === undefined || w.key !== a.key) {
      const problems = compareMultisets(want, got, "");
      return [
        `order differs at sort group ${g}: expected key ${w?.key ?? "(end)"}, got ${a?.key ?? "(end)"}`,
        ...problems,
      ];
    }
    const problems = compareMultisets(w.rows, a.rows, `in the group with sort key ${w.key}: `);
    if (problems.length > 0) return problems;
  }
  return [];
}

function groupsOf(
  rows: readonly ResultValue[][],
  keys: readonly number[],
): { key: string; rows: ResultValue[][] }[] {
  const groups: { key: string; rows: ResultValue[][] }[] = [];
  for (const row of rows) {
    const key = JSON.stringify(keys.map((i) => row[i]));
    const last = groups[groups.length - 1];
    if (last !== undefined && last.key === key) last.rows.push(row);
    else groups.push({ key, rows: [row] });
  }
  return groups;
}

/** Rows are matched on their exact columns; the estimated ones must agree within the tolerance. */
function compareApproximately(
  want: readonly ResultValue[][],
  got: readonly ResultValue[][],
  approx: readonly number[],
): string[] {
  const exactKey = (row: readonly ResultValue[]): string =>
    JSON.stringify(row.filter((_v, i) => !approx.includes(i)));
  const exact = compareMultisets(
    want.map((r) => [exactKey(r)]),
    got.map((r) => [exactKey(r)]),
    "(exact columns) ",
  );
  if (exact.length > 0) return exact;
  const byKey = new Map(got.map((row) => [exactKey(row), row]));
  const problems: string[] = [];
  for (const row of want) {
    const other = byKey.get(exactKey(row)) as readonly ResultValue[];
    for (const i of approx) {
      const e = Number(row[i]);
      const a = Number(other[i]);
      if (Math.abs(a - e) > dcountTolerance * e)
        problems.push(`estimate off in ${exactKey(row)}: expected ${e}, got ${a}`);
    }
  }
  return problems.slice(0, shownDifferences);
}
