import { describe, expect, it } from "vitest";
import { formatTimespan, parseTimespan, ticksPerHour, ticksPerDay } from "./timespan.js";

describe("timespan", () => {
  it.each([
    ["1h", ticksPerHour],
    ["1.5d", (ticksPerDay * 3n) / 2n],
    ["10ms", 100_000n],
    ["-2m", -1_200_000_000n],
    ["2.01:02:03.5", 2n * ticksPerDay + ticksPerHour + 1_230_000_000n + 5_000_000n],
    ["00:00:01", 10_000_000n],
    ["1:00:00", ticksPerHour],
    ["3tick", 3n],
  ])("parses %s", (text, ticks) => {
    expect(parseTimespan(text)).toBe(ticks);
  });

  it.each(["", "abc", "1x", "25:00:00", "1:60", "--1h"])("refuses %j", (text) => {
    expect(parseTimespan(text)).toBeUndefined();
  });

  it("formats as Kusto shows timespans", () => {
    expect(formatTimespan(ticksPerHour)).toBe("01:00:00");
    expect(formatTimespan(ticksPerDay + 5n)).toBe("1.00:00:00.0000005");
    expect(formatTimespan(-15_000_000n)).toBe("-00:00:01.5000000");
    expect(formatTimespan(0n)).toBe("00:00:00");
  });
});
