import { describe, expect, it } from "vitest";
import { sortRows, timespanTicks } from "./sort-rows.js";

describe("sorting result rows", () => {
  const columns = [
    { name: "n", type: "long" },
    { name: "t", type: "timespan" },
    { name: "s", type: "string" },
  ];
  const rows = [
    [10, "1.00:00:00", "b"],
    [9, "23:00:00", "a10"],
    [null, "00:00:00.5", "a9"],
  ] as const;

  it("compares numbers as numbers and puts nulls last both ways", () => {
    expect(sortRows(rows, columns, { column: 0, descending: false }).map((r) => r[0])).toEqual([9, 10, null]);
    expect(sortRows(rows, columns, { column: 0, descending: true }).map((r) => r[0])).toEqual([10, 9, null]);
  });

  it("orders timespans by duration and strings naturally", () => {
    expect(sortRows(rows, columns, { column: 1, descending: false }).map((r) => r[1])).toEqual([
      "00:00:00.5",
      "23:00:00",
      "1.00:00:00",
    ]);
    expect(sortRows(rows, columns, { column: 2, descending: false }).map((r) => r[2])).toEqual([
      "a9",
      "a10",
      "b",
    ]);
    expect(timespanTicks("-00:00:01")).toBe(-1e7);
  });
});
