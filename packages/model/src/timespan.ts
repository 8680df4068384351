// Kusto timespans count 100-nanosecond ticks. These read and write both of Kusto's spellings:
// the literal form (`1.5h`, `30s`, `10ms`, `2d`) and the constant form (`[-][d.]hh:mm:ss[.fffffff]`).

export const ticksPerMicrosecond = 10n;
export const ticksPerMillisecond = 10_000n;
export const ticksPerSecond = 10_000_000n;
export const ticksPerMinute = 60n * ticksPerSecond;
export const ticksPerHour = 60n * ticksPerMinute;
export const ticksPerDay = 24n * ticksPerHour;

const unitTicks: Readonly<Record<string, number>> = {
  d: 864e9,
  day: 864e9,
  days: 864e9,
  h: 36e9,
  hr: 36e9,
  hrs: 36e9,
  hour: 36e9,
  hours: 36e9,
  m: 6e8,
  min: 6e8,
  minute: 6e8,
  minutes: 6e8,
  s: 1e7,
  sec: 1e7,
  second: 1e7,
  seconds: 1e7,
  ms: 1e4,
  milli: 1e4,
  millis: 1e4,
  millisecond: 1e4,
  milliseconds: 1e4,
  microsecond: 10,
  microseconds: 10,
  tick: 1,
  ticks: 1,
};

const constantForm = /^(-)?(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?$/;
const literalForm = /^(-)?(\d+(?:\.\d+)?|\.\d+)\s*([a-z]+)$/i;

/** Parses either spelling; returns undefined for anything that is not a timespan. */
export function parseTimespan(text: string): bigint | undefined {
  const trimmed = text.trim();
  const constant = constantForm.exec(trimmed);
  if (constant) {
    const [, minus, days, hours, minutes, seconds, fraction] = constant;
    const h = BigInt(hours ?? "0");
    const m = BigInt(minutes ?? "0");
    const s = BigInt(seconds ?? "0");
    if (h > 23n || m > 59n || s > 59n) return undefined;
    const ticks =
      BigInt(days ?? "0") * ticksPerDay +
      h * ticksPerHour +
      m * ticksPerMinute +
      s * ticksPerSecond +
      BigInt((fraction ?? "").padEnd(7, "0"));
    return minus ? -ticks : ticks;
  }
  const literal = literalForm.exec(trimmed);
  if (literal) {
    const [, minus, amount, unit] = literal;
    const perUnit = unitTicks[(unit ?? "").toLowerCase()];
    if (perUnit === undefined) return undefined;
    const ticks = BigInt(Math.round(Number(amount) * perUnit));
    return minus ? -ticks : ticks;
  }
  return undefined;
}

/** Kusto's constant form, as query results show it: `[-][d.]hh:mm:ss[.fffffff]`. */
export function formatTimespan(ticks: bigint): string {
  const negative = ticks < 0n;
  let rest = negative ? -ticks : ticks;
  const days = rest / ticksPerDay;
  rest %= ticksPerDay;
  const hours = rest / ticksPerHour;
  rest %= ticksPerHour;
  const minutes = rest / ticksPerMinute;
  rest %= ticksPerMinute;
  const seconds = rest / ticksPerSecond;
  const fraction = rest % ticksPerSecond;
  const pad = (n: bigint): string => n.toString().padStart(2, "0");
  let text = `${pad(hours)}:${pad(minutes)}:${pad(seconds)}`;
  if (days > 0n) text = `${days}.${text}`;
  if (fraction > 0n) text += `.${fraction.toString().padStart(7, "0")}`;
  return negative ? `-${text}` : text;
}
