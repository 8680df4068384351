import { describe, expect, it } from "vitest";
import { formatTimespan } from "@svcmap/model";
import { formatDatetime, toResultValue } from "./values.js";

describe("formatDatetime", () => {
  it.each([
    [0n, "1970-01-01T00:00:00Z"],
    [1_772_400_000_123_456n, "2026-03-01T21:20:00.123456Z"],
    [1_772_400_000_100_000n, "2026-03-01T21:20:00.1Z"],
    [-1n, "1969-12-31T23:59:59.999999Z"],
    [-86_400_000_001n, "1969-12-30T23:59:59.999999Z"],
    // Beyond what a double holds exactly: the bigint path.
    [-62_135_596_800_000_000n, "0001-01-01T00:00:00Z"],
    [253_402_300_799_999_999n, "9999-12-31T23:59:59.999999Z"],
  ])("%s µs is %s", (micros, text) => {
    expect(formatDatetime(micros)).toBe(text);
  });
});

describe("dynamic values", () => {
  it.each([
    '["10.0.0.1","web-1.contoso.com"]',
    "[1,2,-3,true,false,null]",
    '[ "a" , 1 ]',
    "[1.0,1.50,1e3,-0,12345678901234567890]",
    '{"b":1,"1":2,"b":3}',
    '["tab\\tx","\\u0041","é"]',
    "not json",
    '["unterminated',
  ])("%s reads as parsing and writing it would give", (text) => {
    let expected: string;
    try {
      expected = JSON.stringify(JSON.parse(text));
    } catch {
      expected = text;
    }
    expect(toResultValue(text, "dynamic")).toBe(expected);
  });
});

describe("timespan values", () => {
  it.each([
    0n,
    1n,
    -1n,
    10_000_000n,
    864_000_000_000n,
    -8_640_000_000_123n,
    93_784_567_890_1n,
    2n ** 60n,
    -(2n ** 60n),
  ])("%s ticks read as formatTimespan writes them", (ticks) => {
    expect(toResultValue(ticks, "timespan")).toBe(formatTimespan(ticks));
  });
});
