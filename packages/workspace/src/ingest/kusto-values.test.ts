import { describe, expect, it } from "vitest";
import { jsonConverterFor, parseIsoDateTime, textConverterFor } from "./kusto-values.js";

describe("parseIsoDateTime", () => {
  it("reads Z, offsets, no zone (UTC), a date alone and fractions down to the microsecond", () => {
    expect(parseIsoDateTime("2026-05-01T10:00:00Z")).toBe(Date.UTC(2026, 4, 1, 10));
    expect(parseIsoDateTime("2026-05-01T12:00:00+02:00")).toBe(Date.UTC(2026, 4, 1, 10));
    expect(parseIsoDateTime("2026-05-01T05:30:00-0430")).toBe(Date.UTC(2026, 4, 1, 10));
    expect(parseIsoDateTime("2026-05-01 10:00:00")).toBe(Date.UTC(2026, 4, 1, 10));
    expect(parseIsoDateTime("2026-05-01")).toBe(Date.UTC(2026, 4, 1));
    expect(parseIsoDateTime("2026-05-01T10:00:00.1234567Z")).toBe(Date.UTC(2026, 4, 1, 10) + 123.456);
    expect(parseIsoDateTime("2024-02-29T00:00:00Z")).toBe(Date.UTC(2024, 1, 29));
  });

  it("refuses what is not a real instant", () => {
    for (const text of [
      "2026-02-29T00:00:00Z",
      "2026-13-01",
      "2026-05-01T24:00:00Z",
      "1714557600",
      "May 1 2026",
      "",
    ]) {
      expect(parseIsoDateTime(text)).toBeUndefined();
    }
  });
});

describe("converters", () => {
  it("take longs as numbers or numeric strings, exactly beyond 2^53", () => {
    const long = jsonConverterFor("long");
    expect(long(42)).toBe(42);
    expect(long("-42")).toBe(-42);
    expect(long("9223372036854775807")).toBe(9223372036854775807n);
    expect(() => long("9223372036854775808")).toThrow(/outside the 64-bit range/);
    expect(() => long(1.5)).toThrow(/expected long, got 1\.5/);
    expect(() => long(true)).toThrow(/expected long, got true/);
  });

  it("take bools as true/false in either form, and reals with Kusto's special values", () => {
    expect(jsonConverterFor("bool")("True")).toBe(true);
    expect(jsonConverterFor("bool")(false)).toBe(false);
    expect(jsonConverterFor("real")("2.5e3")).toBe(2500);
    expect(jsonConverterFor("real")("NaN")).toBeNaN();
    expect(() => jsonConverterFor("real")("fast")).toThrow(/expected real, got "fast"/);
  });

  it("take guids and decimals", () => {
    expect(jsonConverterFor("guid")("0F8FAD5B-D9CB-469F-A165-70867728950E")).toBe(
      "0f8fad5b-d9cb-469f-a165-70867728950e",
    );
    expect(() => jsonConverterFor("guid")("not-a-guid")).toThrow(/expected guid/);
    expect(jsonConverterFor("decimal")("12.50")).toBe("12.50");
    expect(() => jsonConverterFor("decimal")("1e5")).toThrow(/expected decimal/);
  });

  it("give strings any scalar's text and objects' JSON", () => {
    const string = jsonConverterFor("string");
    expect(string(42)).toBe("42");
    expect(string({ a: 1 })).toBe('{"a":1}');
  });

  it("read CSV cells: dynamic as JSON text, longs exactly", () => {
    expect(textConverterFor("dynamic")('{"a":[1]}')).toEqual({ a: [1] });
    expect(textConverterFor("long")("9007199254740993")).toBe(9007199254740993n);
  });
});
