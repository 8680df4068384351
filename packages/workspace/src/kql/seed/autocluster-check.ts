// evaluate autocluster() picks its segments heuristically, so its answer cannot be compared row for row.
// What any correct answer satisfies is checked instead: the output shape (SegmentId, Count, Percent, then
// the input's columns), counts that the input can account for, and percents that agree with the counts.

import type { ResultValue } from "../result.js";
import type { LogAnalyticsTable } from "./log-analytics-form.js";

const wildcard = "*";

/** Every property of a valid autocluster output that `output` breaks, given the plugin's `input`. */
export function checkAutocluster(input: LogAnalyticsTable, output: LogAnalyticsTable): string[] {
  const problems: string[] = [];
  const expectedColumns = [
    "SegmentId:long",
    "Count:long",
    "Percent:real",
    ...input.columns.map((c) => `${c.name}:${c.type}`),
  ].join(", ");
  const actualColumns = output.columns.map((c) => `${c.name}:${c.type}`).join(", ");
  if (expectedColumns !== actualColumns) {
    return [`columns differ\n  expected ${expectedColumns}\n  actual   ${actualColumns}`];
  }
  if (output.rows.length === 0) problems.push("no segments found");
  const total = input.rows.length;
  let counted = 0;
  output.rows.forEach((row, index) => {
    const [segmentId, count, percent, ...pattern] = row;
    if (segmentId !== index) problems.push(`segment ${index} has SegmentId ${String(segmentId)}`);
    if (typeof count !== "number" || !Number.isInteger(count) || count <= 0) {
      problems.push(`segment ${index} has Count ${String(count)}`);
      return;
    }
    counted += count;
    if (typeof percent !== "number" || Math.abs(percent - (100 * count) / total) > 1e-9) {
      problems.push(`segment ${index}: Percent ${String(percent)} is not ${count} of ${total} rows`);
    }
    const fixed = pattern.map((v, i) => [i, v] as const).filter(([, v]) => !isWildcard(v));
    if (fixed.length === 0) problems.push(`segment ${index} fixes no column`);
    const matching = input.rows.filter((r) => fixed.every(([i, v]) => r[i] === v)).length;
    if (matching < count) {
      problems.push(
        `segment ${index} claims ${count} rows but only ${matching} input rows match ${JSON.stringify(pattern)}`,
      );
    }
  });
  if (counted > total) problems.push(`the segments count ${counted} rows, more than the ${total} input rows`);
  return problems;
}

/** A string column left open shows the wildcard; any other type shows null. */
function isWildcard(value: ResultValue | undefined): boolean {
  return value === wildcard || value === null || value === undefined;
}
