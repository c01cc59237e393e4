import type { ShiftConfig, TariffPeriodConfig } from './config.js';
import { WEEKDAYS } from './config.js';
import { dayLabel, localDayNumber, localToUtc, parseDayLabel, weekdayOf } from './tz.js';

/**
 * The shift calendar and the time-of-use tariff: recurring windows of local clock time, turned into
 * exact instants per day with `localToUtc`, so a night shift on the day clocks go back lasts 9 h and
 * on the day they go forward 7 h.
 */

interface RecurringWindow {
  days: readonly string[];
  start: string;
  end: string;
}

function hm(clock: string): [number, number] {
  return [Number(clock.slice(0, 2)), Number(clock.slice(3, 5))];
}

function minutes(clock: string): number {
  const [h, m] = hm(clock);
  return h * 60 + m;
}

/** Local instant of clock time on day number `day` (+1 when `nextDay`). */
function at(tz: string, day: number, clock: string, nextDay = false): number {
  const d = new Date((day + (nextDay ? 1 : 0)) * 86_400_000);
  const [h, m] = hm(clock);
  return localToUtc(tz, d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), h, m);
}

/** Occurrences of a window overlapping [from, to): one per local day it starts on. */
function occurrences(
  tz: string,
  w: RecurringWindow,
  from: number,
  to: number,
): { day: number; start: number; end: number }[] {
  const out: { day: number; start: number; end: number }[] = [];
  const first = localDayNumber(tz, from) - 1;
  const last = localDayNumber(tz, to);
  const overnight = minutes(w.end) <= minutes(w.start);
  for (let day = first; day <= last; day++) {
    if (!w.days.includes(WEEKDAYS[weekdayOf(day)] as string)) continue;
    const start = at(tz, day, w.start);
    const end = at(tz, day, w.end, overnight);
    if (end > from && start < to && end > start) out.push({ day, start, end });
  }
  return out;
}

export interface BreakInstance {
  name: string;
  start: number;
  end: number;
}

export interface ShiftInstance {
  /** `<local date of the start>/<name>`, e.g. `2026-03-29/night`. */
  id: string;
  name: string;
  start: number;
  end: number;
  breaks: BreakInstance[];
}

export type CalendarKind = 'work' | 'break' | 'off';

export interface CalendarInterval {
  from: number;
  to: number;
  kind: CalendarKind;
  shiftId?: string;
}

export class ShiftCalendar {
  constructor(
    private readonly shiftDefs: readonly ShiftConfig[],
    readonly timezone: string,
  ) {}

  /** Shift instances overlapping [from, to), by start; a shift overlapping an earlier one starts when it ends. */
  shifts(from: number, to: number): ShiftInstance[] {
    const list: ShiftInstance[] = [];
    for (const def of this.shiftDefs) {
      for (const o of occurrences(this.timezone, def, from - 86_400_000, to + 86_400_000)) {
        const startMin = minutes(def.start);
        const breaks: BreakInstance[] = [];
        for (const b of def.breaks) {
          const bNext = minutes(b.start) < startMin;
          const bStart = at(this.timezone, o.day, b.start, bNext);
          const bEnd = at(this.timezone, o.day + (bNext ? 1 : 0), b.end, minutes(b.end) <= minutes(b.start));
          const s = Math.max(bStart, o.start);
          const e = Math.min(bEnd, o.end);
          if (e > s) breaks.push({ name: b.name, start: s, end: e });
        }
        breaks.sort((a, b) => a.start - b.start);
        list.push({ id: `${dayLabel(o.day)}/${def.name}`, name: def.name, start: o.start, end: o.end, breaks });
      }
    }
    list.sort((a, b) => a.start - b.start);
    let end = Number.NEGATIVE_INFINITY;
    const out: ShiftInstance[] = [];
    for (const s of list) {
      const start = Math.max(s.start, end);
      if (s.end <= start) continue;
      const clipped = { ...s, start, breaks: s.breaks.filter((b) => b.end > start) };
      end = s.end;
      if (clipped.end > from && clipped.start < to) out.push(clipped);
    }
    return out;
  }

  /** The shift running at `t`, if any. */
  shiftAt(t: number): ShiftInstance | undefined {
    return this.shifts(t, t + 1).find((s) => s.start <= t && t < s.end);
  }

  /** The shift with the given id (`2026-03-29/night`), if the calendar has it. */
  shiftById(id: string): ShiftInstance | undefined {
    const [day, name] = id.split('/');
    const d = parseDayLabel(day ?? '');
    if (d === undefined || !name) return undefined;
    const t = localToUtc(this.timezone, 1970, 1, 1 + d, 12);
    return this.shifts(t - 86_400_000, t + 2 * 86_400_000).find((s) => s.id === id);
  }

  /** The partition of [from, to) into work (planned operation), break (planned down) and off (not scheduled). */
  intervals(from: number, to: number): CalendarInterval[] {
    const out: CalendarInterval[] = [];
    let t = from;
    const push = (end: number, kind: CalendarKind, shiftId?: string) => {
      const e = Math.min(end, to);
      if (e <= t) return;
      out.push(shiftId === undefined ? { from: t, to: e, kind } : { from: t, to: e, kind, shiftId });
      t = e;
    };
    for (const s of this.shifts(from, to)) {
      push(s.start, 'off');
      for (const b of s.breaks) {
        push(b.start, 'work', s.id);
        push(b.end, 'break', s.id);
      }
      push(s.end, 'work', s.id);
    }
    push(to, 'off');
    return out;
  }
}

export interface TariffInterval {
  from: number;
  to: number;
  price: number;
  name: string;
}

/** The time-of-use tariff: the first matching period sets the price; elsewhere `basePrice`. */
export class Tariff {
  constructor(
    private readonly periods: readonly TariffPeriodConfig[],
    private readonly basePrice: number,
    readonly timezone: string,
  ) {}

  intervals(from: number, to: number): TariffInterval[] {
    const marks: { start: number; end: number; prio: number; price: number; name: string }[] = [];
    this.periods.forEach((p, prio) => {
      for (const o of occurrences(this.timezone, p, from, to)) {
        marks.push({ start: o.start, end: o.end, prio, price: p.price, name: p.name });
      }
    });
    const cuts = new Set<number>([from, to]);
    for (const m of marks) {
      if (m.start > from && m.start < to) cuts.add(m.start);
      if (m.end > from && m.end < to) cuts.add(m.end);
    }
    const points = [...cuts].sort((a, b) => a - b);
    const out: TariffInterval[] = [];
    for (let i = 0; i + 1 < points.length; i++) {
      const a = points[i] as number;
      const b = points[i + 1] as number;
      let best: (typeof marks)[number] | undefined;
      for (const m of marks) if (m.start <= a && m.end >= b && (best === undefined || m.prio < best.prio)) best = m;
      const price = best?.price ?? this.basePrice;
      const name = best?.name ?? 'base';
      const prev = out[out.length - 1];
      if (prev !== undefined && prev.name === name && prev.price === price) prev.to = b;
      else out.push({ from: a, to: b, price, name });
    }
    return out;
  }
}
