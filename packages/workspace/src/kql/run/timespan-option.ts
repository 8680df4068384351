import { QueryError } from "../errors.js";
import { parseDatetimeMicros } from "../lower/literals.js";

/** ISO 8601 durations as the Query API's timespan uses them: PT1H, P1D, P7DT12H, PT30M, P1W. */
function durationMicros(text: string): bigint | undefined {
  const m =
    /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(
      text.trim(),
    );
  if (!m || text.trim().toUpperCase() === "P" || text.trim().toUpperCase().endsWith("T")) return undefined;
  const [, w, d, h, min, s] = m;
  const seconds =
    Number(w ?? 0) * 604800 +
    Number(d ?? 0) * 86400 +
    Number(h ?? 0) * 3600 +
    Number(min ?? 0) * 60 +
    Number(s ?? 0);
  return BigInt(Math.round(seconds * 1e6));
}

/** A timespan option: a duration ending now, start/end, start/duration or duration/end. */
export function resolveTimespan(text: string, now: Date): { startMicros: bigint; endMicros: bigint } {
  const nowMicros = BigInt(now.getTime()) * 1000n;
  const parts = text.split("/");
  const fail = (): never => {
    throw new QueryError(
      "SemanticError",
      `the timespan '${text}' is not an ISO 8601 duration or interval (e.g. PT1H, P1D, 2024-01-01T00:00:00Z/2024-01-02T00:00:00Z)`,
    );
  };
  if (parts.length === 1) {
    const duration = durationMicros(text) ?? fail();
    return { startMicros: nowMicros - duration, endMicros: nowMicros + 1n };
  }
  if (parts.length !== 2) return fail();
  const [first, second] = parts as [string, string];
  const firstDuration = durationMicros(first);
  const secondDuration = durationMicros(second);
  const firstTime = firstDuration === undefined ? parseDatetimeMicros(first) : undefined;
  const secondTime = secondDuration === undefined ? parseDatetimeMicros(second) : undefined;
  if (firstTime !== undefined && secondTime !== undefined)
    return { startMicros: firstTime, endMicros: secondTime };
  if (firstTime !== undefined && secondDuration !== undefined)
    return { startMicros: firstTime, endMicros: firstTime + secondDuration };
  if (firstDuration !== undefined && secondTime !== undefined)
    return { startMicros: secondTime - firstDuration, endMicros: secondTime };
  return fail();
}
