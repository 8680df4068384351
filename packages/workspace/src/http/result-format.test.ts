import { describe, expect, it } from "vitest";
import { formatPartialWarning, formatQueryFailure, formatQueryResponse } from "./result-format.js";
import { partialError, queryErrorToApiError } from "./response-body.js";
import { QueryError } from "../kql/errors.js";

const mixed = {
  tables: [
    {
      name: "PrimaryResult",
      columns: [
        { name: "Computer", type: "string" as const },
        { name: "Bytes", type: "real" as const },
        { name: "Up", type: "bool" as const },
      ],
      rows: [
        ["web\t1\nnext", 1e21, true],
        [null, 0.5, null],
      ],
    },
  ],
};

describe("text formats", () => {
  it("escapes control characters in table cells and writes exponents as Kusto does", () => {
    expect(formatQueryResponse(mixed, "table")).toBe(
      [
        "Computer      Bytes  Up",
        "------------  -----  ----",
        "web\\t1\\nnext  1E+21  true",
        "                0.5",
        "",
      ].join("\n"),
    );
  });

  it("quotes CSV fields with line breaks, and names each table when there are several", () => {
    expect(formatQueryResponse(mixed, "csv")).toBe(
      'Computer,Bytes,Up\r\n"web\t1\nnext",1e+21,true\r\n,0.5,\r\n',
    );
    const two = {
      tables: [
        { ...mixed.tables[0]!, rows: [] },
        { ...mixed.tables[0]!, name: "Table_1", rows: [] },
      ],
    };
    expect(formatQueryResponse(two, "table")).toMatch(/^PrimaryResult\nComputer .*\n\nTable_1\nComputer /s);
  });

  it("points a caret at the diagnostic, or gives the message alone when there is no position", () => {
    const query = "VMConnection\n|\twher x";
    const error = new QueryError("SyntaxError", "syntax", [
      { code: "KS007", message: "Unexpected 'wher'", start: 15, length: 4, line: 2, column: 3 },
    ]);
    expect(formatQueryFailure(query, queryErrorToApiError(error, query).info)).toBe(
      [
        "error: Unexpected 'wher'",
        "  at line 2, column 3",
        "    | wher x",
        "      ^^^^",
        "  (BadArgumentError > SyntaxError > KS007)",
        "",
      ].join("\n"),
    );
    const bare = queryErrorToApiError(new QueryError("QueryTimeout", "ran past 60 s"), "x").info;
    expect(formatQueryFailure("x", bare)).toBe(
      "error: ran past 60 s\n  (GatewayTimeout > QueryTimeout > QueryTimeout)\n",
    );
  });

  it("warns about a partial result with the limit that cut it", () => {
    expect(formatPartialWarning(partialError({ reason: "bytes", limit: 67_108_864 }))).toBe(
      "warning: the result is incomplete: Query result set has exceeded the internal data size limit 67108864 " +
        "(E_QUERY_RESULT_SET_TOO_LARGE).\n",
    );
  });
});
