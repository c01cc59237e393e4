import {
  localDayNumber,
  localToUtc,
  ShiftCalendar,
  type ShiftConfig,
  WEEKDAYS,
  weekdayOf,
} from '../analytics/kpi/index.js';
import { formatDuration } from '../config/types.js';
import type { DowntimeWindowConfig } from './config.js';
import type { ScheduleEntry } from './store.js';
import type { WorkOrder } from './types.js';

/**
 * Automatic scheduling: planned-downtime windows from the shift calendar (breaks, time outside every
 * shift), the recurring `workflows.downtime` windows and the production schedule (downtime entries
 * add windows, production runs are cut out of them). A work order goes into the first window that
 * starts after now, ends before its due date (the predicted failure) and has room for its downtime
 * next to the work already planned on the same asset.
 */
export interface DowntimeWindow {
  start: number;
  end: number;
  /** What the window comes from, e.g. `break`, `off-shift`, `maintenance`, a schedule entry's name. */
  names: string[];
}

export interface CalendarSource {
  timezone: string;
  /** KPI shifts, when `shiftCalendar: breaks`. */
  shifts?: readonly ShiftConfig[];
  downtime: readonly DowntimeWindowConfig[];
  entries(from: number, to: number): ScheduleEntry[];
}

export type PlanResult =
  | { fits: true; start: number; end: number; window: DowntimeWindow }
  | { fits: false; why: string };

const within = (assets: readonly string[], asset: string): boolean =>
  assets.length === 0 || assets.some((a) => asset === a || asset.startsWith(`${a}/`));

/** Planned-downtime windows for `asset` overlapping [from, to), merged and sorted. */
export function downtimeWindows(src: CalendarSource, asset: string, from: number, to: number): DowntimeWindow[] {
  const raw: DowntimeWindow[] = [];
  if (src.shifts) {
    const cal = new ShiftCalendar(src.shifts, src.timezone);
    for (const iv of cal.intervals(from, to)) {
      if (iv.kind !== 'work')
        raw.push({ start: iv.from, end: iv.to, names: [iv.kind === 'break' ? 'break' : 'off-shift'] });
    }
  }
  for (const w of src.downtime) {
    if (!within(w.assets, asset)) continue;
    if ('every' in w) {
      const first = Math.floor((from - w.offset - w.length) / w.every) * w.every + w.offset;
      for (let s = first; s < to; s += w.every) {
        if (s + w.length > from) raw.push({ start: s, end: s + w.length, names: [w.name] });
      }
    } else {
      const overnight = w.end <= w.start;
      for (let day = localDayNumber(src.timezone, from) - 1; day <= localDayNumber(src.timezone, to); day++) {
        if (!w.days.includes(WEEKDAYS[weekdayOf(day)]!)) continue;
        const s = atLocal(src.timezone, day, w.start);
        const e = atLocal(src.timezone, day + (overnight ? 1 : 0), w.end);
        if (e > from && s < to) raw.push({ start: s, end: e, names: [w.name] });
      }
    }
  }
  const entries = src.entries(from, to).filter((e) => within(e.assets, asset));
  for (const e of entries) if (e.kind === 'downtime') raw.push({ start: e.start, end: e.end, names: [e.name] });
  let merged = merge(raw);
  for (const p of entries) if (p.kind === 'production') merged = cut(merged, p.start, p.end);
  return merged
    .map((w) => ({ ...w, start: Math.max(w.start, from), end: Math.min(w.end, to) }))
    .filter((w) => w.end > w.start);
}

/**
 * Plans `durationMs` of work on an asset into the first window after `now` that ends by `dueBy`;
 * `busy` are the slots already taken by other planned work orders on the same asset.
 */
export function plan(
  src: CalendarSource,
  asset: string,
  durationMs: number,
  now: number,
  dueBy: number | undefined,
  horizonMs: number,
  busy: readonly { start: number; end: number }[],
): PlanResult {
  const to = dueBy ?? now + horizonMs;
  if (to <= now) return { fits: false, why: 'the predicted failure is already due' };
  const windows = downtimeWindows(src, asset, now, to);
  let longest = 0;
  for (const w of windows) {
    let free = [{ start: w.start, end: w.end }];
    for (const b of busy)
      free = cut(
        free.map((f) => ({ ...f, names: [] })),
        b.start,
        b.end,
      );
    for (const f of free) {
      longest = Math.max(longest, f.end - f.start);
      if (f.end - f.start >= durationMs) return { fits: true, start: f.start, end: f.start + durationMs, window: w };
    }
  }
  const until =
    dueBy === undefined ? `within the ${Math.round(horizonMs / 3_600_000)} h horizon` : 'before the predicted failure';
  return {
    fits: false,
    why:
      windows.length === 0
        ? `no planned-downtime window ${until}`
        : `no planned-downtime window ${until} is long enough (needs ${fmtMin(durationMs)}, longest free ${fmtMin(longest)})`,
  };
}

/** Slots held by planned or running work orders of an asset (the one being planned excluded). */
export function busySlots(
  active: readonly WorkOrder[],
  asset: string,
  except?: string,
): { start: number; end: number }[] {
  return active
    .filter((w) => w.asset === asset && w.id !== except && w.plannedStart !== undefined && w.plannedEnd !== undefined)
    .map((w) => ({ start: w.plannedStart!, end: w.plannedEnd! }));
}

/** Durations in reasons as the config writes them (src/config/types.ts), rounded to whole seconds. */
function fmtMin(ms: number): string {
  return formatDuration(Math.round(ms / 1000) * 1000);
}

function atLocal(tz: string, day: number, clock: string): number {
  const d = new Date(day * 86_400_000);
  return localToUtc(
    tz,
    d.getUTCFullYear(),
    d.getUTCMonth() + 1,
    d.getUTCDate(),
    Number(clock.slice(0, 2)),
    Number(clock.slice(3, 5)),
  );
}

function merge(ws: DowntimeWindow[]): DowntimeWindow[] {
  const sorted = [...ws].sort((a, b) => a.start - b.start);
  const out: DowntimeWindow[] = [];
  for (const w of sorted) {
    const last = out[out.length - 1];
    if (last && w.start <= last.end) {
      last.end = Math.max(last.end, w.end);
      for (const n of w.names) if (!last.names.includes(n)) last.names.push(n);
    } else out.push({ start: w.start, end: w.end, names: [...w.names] });
  }
  return out;
}

function cut(ws: DowntimeWindow[], start: number, end: number): DowntimeWindow[] {
  const out: DowntimeWindow[] = [];
  for (const w of ws) {
    if (end <= w.start || start >= w.end) {
      out.push(w);
      continue;
    }
    if (start > w.start) out.push({ ...w, end: start });
    if (end < w.end) out.push({ ...w, start: end });
  }
  return out;
}
