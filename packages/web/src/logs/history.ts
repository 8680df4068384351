// The queries this browser ran, newest first, kept in localStorage: a query run again moves to the top
// rather than appearing twice, and the list is capped so storage stays small.

export interface HistoryEntry {
  readonly query: string;
  /** ISO time of the latest run. */
  readonly ranAt: string;
}

export const historyStorageKey = "svcmap.logs.history";
export const historyLimit = 100;

export function readHistory(storage: Pick<Storage, "getItem"> = window.localStorage): HistoryEntry[] {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(historyStorageKey) ?? "[]");
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (e): e is HistoryEntry =>
        typeof e === "object" && e !== null && typeof e.query === "string" && typeof e.ranAt === "string",
    );
  } catch {
    return [];
  }
}

export function addToHistory(
  query: string,
  now: Date = new Date(),
  storage: Pick<Storage, "getItem" | "setItem"> = window.localStorage,
): HistoryEntry[] {
  const text = query.trim();
  if (text === "") return readHistory(storage);
  const next = [
    { query: text, ranAt: now.toISOString() },
    ...readHistory(storage).filter((e) => e.query !== text),
  ].slice(0, historyLimit);
  storage.setItem(historyStorageKey, JSON.stringify(next));
  return next;
}
