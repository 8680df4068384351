import { describe, expect, it } from "vitest";
import { formatParameters, parseParameters } from "./function-parameters.js";

describe("function parameter lists", () => {
  it("parse and format as Kusto writes them", () => {
    const parameters = parseParameters("(machine:string, window:timespan = 1h, names:string = 'a,b')");
    expect(parameters).toEqual([
      { name: "machine", type: "string" },
      { name: "window", type: "timespan", default: "1h" },
      { name: "names", type: "string", default: "'a,b'" },
    ]);
    expect(formatParameters(parameters)).toBe("(machine:string, window:timespan = 1h, names:string = 'a,b')");
    expect(parseParameters("()")).toEqual([]);
  });

  it("say which parameter is malformed", () => {
    expect(() => parseParameters("(a:string, 5)")).toThrow("parameter 2 ('5')");
  });
});
