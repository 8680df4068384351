import { describe, expect, it } from "vitest";
import { addToHistory, historyLimit, readHistory } from "./history.js";

function memoryStorage(): Pick<Storage, "getItem" | "setItem"> {
  const items = new Map<string, string>();
  return { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v) };
}

describe("query history", () => {
  it("keeps the newest first, moves a repeated query to the top and caps the list", () => {
    const storage = memoryStorage();
    addToHistory("A", new Date("2026-01-01T00:00:00Z"), storage);
    addToHistory("B", new Date("2026-01-01T00:01:00Z"), storage);
    const after = addToHistory(" A ", new Date("2026-01-01T00:02:00Z"), storage);
    expect(after.map((e) => e.query)).toEqual(["A", "B"]);
    expect(after[0]?.ranAt).toBe("2026-01-01T00:02:00.000Z");
    for (let i = 0; i < historyLimit + 5; i++) addToHistory(`q${i}`, new Date(), storage);
    expect(readHistory(storage)).toHaveLength(historyLimit);
  });

  it("survives damaged storage", () => {
    const storage = memoryStorage();
    storage.setItem("svcmap.logs.history", "{not json");
    expect(readHistory(storage)).toEqual([]);
  });
});
