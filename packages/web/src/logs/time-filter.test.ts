import { describe, expect, it } from "vitest";
import { filtersTimeGenerated } from "./time-filter.js";

describe("whether a query sets its own time window", () => {
  it("sees a where on TimeGenerated", () => {
    expect(filtersTimeGenerated("VMConnection | where TimeGenerated >= ago(24hr)")).toBe(true);
    expect(filtersTimeGenerated("VMConnection\n| where Computer == 'x' and TimeGenerated > ago(1h)")).toBe(
      true,
    );
  });

  it("does not count TimeGenerated used elsewhere, in strings or in comments", () => {
    expect(filtersTimeGenerated("VMConnection | summarize count() by bin(TimeGenerated, 1h)")).toBe(false);
    expect(filtersTimeGenerated("VMConnection | where Computer == 'TimeGenerated'")).toBe(false);
    expect(filtersTimeGenerated("// where TimeGenerated > ago(1d)\nVMConnection | take 1")).toBe(false);
    expect(filtersTimeGenerated("VMComputer | summarize arg_max(TimeGenerated, *) by _ResourceId")).toBe(
      false,
    );
  });
});
