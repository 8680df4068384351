// Traffic follows the working day of the site it serves: quiet at night and at weekends, busiest in the
// early afternoon. One value per minute of the window, computed once per site.

import type { Site } from "./catalogue/sites.js";
import type { SimulationWindow } from "./estate-model.js";

export const minuteMs = 60_000;
export const hourMs = 3_600_000;

/** The window of `hours` whole minutes that ends at `end` (truncated to the minute). */
export function windowEndingAt(end: Date, hours: number): SimulationWindow {
  const endMs = Math.floor(end.getTime() / minuteMs) * minuteMs;
  const minutes = Math.round(hours * 60);
  return { startMs: endMs - minutes * minuteMs, minutes };
}

/** The start of minute `minute` of the window, in ms since the epoch. */
export function minuteStartMs(window: SimulationWindow, minute: number): number {
  return window.startMs + minute * minuteMs;
}

/** Load factors in [0.2, 1] for each minute of the window, in the site's local time. */
export function officeHoursProfile(window: SimulationWindow, site: Site): Float32Array {
  const profile = new Float32Array(window.minutes);
  for (let m = 0; m < window.minutes; m++) {
    const localMs = minuteStartMs(window, m) + site.utcOffsetHours * hourMs;
    const hour = (localMs / hourMs) % 24;
    const weekday = new Date(localMs).getUTCDay();
    const weekend = weekday === 0 || weekday === 6;
    const peak = Math.exp(-(((hour - 13.5) / 4) ** 2));
    profile[m] = 0.2 + 0.8 * peak * (weekend ? 0.3 : 1);
  }
  return profile;
}
