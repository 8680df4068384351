import { describe, expect, it } from "vitest";
import type { QueryTable } from "../api/client.js";
import { toCsv, toJsonRows } from "./table-export.js";

const table: QueryTable = {
  name: "PrimaryResult",
  columns: [
    { name: "Computer", type: "string" },
    { name: "Bytes", type: "long" },
    { name: "Names", type: "dynamic" },
  ],
  rows: [
    ['web, "front"', 10, '["a","b"]'],
    ["db\n1", null, "{}"],
  ],
};

describe("result export", () => {
  it("writes CSV with quoting where a value needs it", () => {
    expect(toCsv(table)).toBe(
      'Computer,Bytes,Names\r\n"web, ""front""",10,"[""a"",""b""]"\r\n"db\n1",,{}\r\n',
    );
  });

  it("writes JSON objects with dynamic values as JSON", () => {
    expect(JSON.parse(toJsonRows(table))).toEqual([
      { Computer: 'web, "front"', Bytes: 10, Names: ["a", "b"] },
      { Computer: "db\n1", Bytes: null, Names: {} },
    ]);
  });
});
