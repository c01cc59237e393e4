/**
 * The shift calendar, in simulated time (UTC, so that a seeded run is the same in every time zone).
 *
 * The plant works 24/7 in three 8-hour shifts starting 06:00, 14:00 and 22:00 UTC. Each shift has
 * three planned breaks: 15 min two hours in, a 30 min meal break four hours in, and 15 min six
 * hours in. During a break the production machines are in PlannedStop; utilities keep running.
 */
const SHIFT_START_MIN = 6 * 60;
const SHIFT_LENGTH_MIN = 8 * 60;
/** [start, end) in minutes after shift start. */
export const BREAKS_MIN: readonly (readonly [number, number])[] = [
  [120, 135],
  [240, 270],
  [360, 375],
];

const MS_PER_MIN = 60_000;
const MIN_PER_DAY = 24 * 60;

/** True when `simTimeMs` (epoch ms) falls in a planned break. */
export function isPlannedStop(simTimeMs: number): boolean {
  const minuteOfDay = Math.floor(simTimeMs / MS_PER_MIN) % MIN_PER_DAY;
  const intoShift = (minuteOfDay - SHIFT_START_MIN + MIN_PER_DAY) % SHIFT_LENGTH_MIN;
  for (const [start, end] of BREAKS_MIN) {
    if (intoShift >= start && intoShift < end) return true;
  }
  return false;
}
