import { GotthardError } from '../../errors.js';

/**
 * Time-zone arithmetic with `Intl.DateTimeFormat` only (no library): the offset of a zone at an
 * instant, and local wall-clock time → instant, with daylight-saving gaps and overlaps resolved the
 * way shift calendars expect them (see `localToUtc`).
 */

const FORMATS = new Map<string, Intl.DateTimeFormat>();

function format(tz: string): Intl.DateTimeFormat {
  let f = FORMATS.get(tz);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
        weekday: 'short',
      });
    } catch {
      throw new GotthardError('GT_CONFIG_INVALID', `"${tz}" is not an IANA time zone; use e.g. Europe/Zurich or UTC`);
    }
    FORMATS.set(tz, f);
  }
  return f;
}

/** Throws a config error unless `tz` is a time zone the runtime knows. */
export function checkTimeZone(tz: string): void {
  format(tz);
}

export interface LocalTime {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Monday … 6 = Sunday */
  weekday: number;
}

const WEEKDAY: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

/** The wall-clock time in `tz` at instant `utcMs`. */
export function localTime(tz: string, utcMs: number): LocalTime {
  const out: LocalTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, weekday: 0 };
  for (const p of format(tz).formatToParts(new Date(utcMs))) {
    switch (p.type) {
      case 'year':
        out.year = Number(p.value);
        break;
      case 'month':
        out.month = Number(p.value);
        break;
      case 'day':
        out.day = Number(p.value);
        break;
      case 'hour':
        out.hour = Number(p.value);
        break;
      case 'minute':
        out.minute = Number(p.value);
        break;
      case 'second':
        out.second = Number(p.value);
        break;
      case 'weekday':
        out.weekday = WEEKDAY[p.value] ?? 0;
        break;
    }
  }
  return out;
}

const OFFSETS = new Map<string, Map<number, number>>();
const QUARTER = 900_000;

/**
 * UTC offset of `tz` at `utcMs`, in ms (Europe/Zurich in summer: +7 200 000). Cached per quarter
 * hour: offset changes of current time zones happen on quarter-hour boundaries.
 */
export function offsetMs(tz: string, utcMs: number): number {
  let cache = OFFSETS.get(tz);
  if (cache === undefined) {
    cache = new Map();
    OFFSETS.set(tz, cache);
  }
  const q = Math.floor(utcMs / QUARTER);
  let off = cache.get(q);
  if (off === undefined) {
    const t = q * QUARTER;
    const l = localTime(tz, t);
    off = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second) - t;
    if (cache.size > 200_000) cache.clear();
    cache.set(q, off);
  }
  return off;
}

/**
 * The instant at which the wall clock in `tz` shows the given local time.
 * - In a daylight-saving overlap (the clock runs through an hour twice), the first occurrence.
 * - In a gap (the hour does not exist, e.g. 02:30 on 2026-03-29 in Europe/Zurich), the instant the
 *   clock would show had it not jumped: 02:30 → 03:30 CEST. A shift "from 02:00" then starts at the jump.
 * `day` may overflow the month (Date.UTC normalises it).
 */
export function localToUtc(tz: string, year: number, month: number, day: number, hour = 0, minute = 0): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const before = offsetMs(tz, wall - 86_400_000 / 2);
  const after = offsetMs(tz, wall + 86_400_000 / 2);
  const candidates: number[] = [];
  for (const off of before === after ? [before] : [before, after]) {
    const t = wall - off;
    if (offsetMs(tz, t) === off) candidates.push(t);
  }
  if (candidates.length > 0) return Math.min(...candidates);
  return wall - before;
}

/** Local calendar date (year, month, day) of an instant, as a number of days since 1970-01-01. */
export function localDayNumber(tz: string, utcMs: number): number {
  return Math.floor((utcMs + offsetMs(tz, utcMs)) / 86_400_000);
}

/** Start (instant) of the local day with day number `dayNumber`. */
export function dayStart(tz: string, dayNumber: number): number {
  const d = new Date(dayNumber * 86_400_000);
  return localToUtc(tz, d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** `YYYY-MM-DD` of a day number. */
export function dayLabel(dayNumber: number): string {
  return new Date(dayNumber * 86_400_000).toISOString().slice(0, 10);
}

/** Day number of `YYYY-MM-DD`, or undefined. */
export function parseDayLabel(s: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return undefined;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(t).toISOString().slice(0, 10) !== s) return undefined;
  return t / 86_400_000;
}

/** Weekday (0 = Monday) of a day number. */
export function weekdayOf(dayNumber: number): number {
  return (((dayNumber + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

/** ISO 8601 local time with offset, e.g. `2026-03-29T03:00:00+02:00`, for labels a person reads. */
export function isoLocal(tz: string, utcMs: number): string {
  const l = localTime(tz, utcMs);
  const off = offsetMs(tz, utcMs) / 60_000;
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(l.year, 4)}-${p(l.month)}-${p(l.day)}T${p(l.hour)}:${p(l.minute)}:${p(l.second)}${sign}${p(Math.floor(a / 60))}:${p(a % 60)}`;
}
