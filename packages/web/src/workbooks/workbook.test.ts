import { describe, expect, it } from "vitest";
import { defaultWorkbook } from "./default-workbook.js";
import { kqlString, parseWorkbook, substituteParameters, type WorkbookParameter } from "./workbook.js";

const parameters: WorkbookParameter[] = [
  { type: "timerange", name: "TimeRange", label: "Time range", default: "1440m" },
  {
    type: "dropdown",
    name: "Computer",
    label: "Machine",
    query: "VMComputer | distinct Computer",
    allLabel: "All",
  },
];

describe("workbook parameters", () => {
  it("go into queries as KQL string literals, whatever they hold", () => {
    const query = "VMConnection | where isempty({Computer}) or Computer == {Computer} | where x == '{Other}'";
    expect(substituteParameters(query, parameters, { Computer: 'we"b\\1' })).toBe(
      'VMConnection | where isempty("we\\"b\\\\1") or Computer == "we\\"b\\\\1" | where x == \'{Other}\'',
    );
    expect(substituteParameters("{Computer}", parameters, {})).toBe('""');
    expect(substituteParameters("{TimeRange}", parameters, {})).toBe("{TimeRange}");
    expect(kqlString("a\nb")).toBe('"a\\nb"');
  });
});

describe("workbook JSON", () => {
  it("reads back what it writes, and the default workbook is valid", () => {
    const json = JSON.parse(JSON.stringify(defaultWorkbook));
    expect(parseWorkbook(json)).toEqual(defaultWorkbook);
  });

  it("says which part of an imported workbook is wrong", () => {
    expect(() => parseWorkbook({ version: 2 })).toThrow("version must be 1");
    expect(() =>
      parseWorkbook({
        version: 1,
        title: "x",
        items: [{ type: "query", query: "print 1", visualization: "pie" }],
      }),
    ).toThrow("items[0].visualization must be one of");
    expect(() => parseWorkbook({ version: 1, title: "x", items: [{ type: "picture" }] })).toThrow(
      'items[0].type must be "text" or "query"',
    );
  });
});
