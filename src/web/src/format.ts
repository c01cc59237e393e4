/** Formatting in the plant's time zone (from GET /api/v1/sites, overridable in the header). */

const cache = new Map<string, Intl.DateTimeFormat>();

function fmt(tz: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${tz}|${JSON.stringify(opts)}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone: tz, hourCycle: 'h23', ...opts });
    cache.set(key, f);
  }
  return f;
}

/** `25 Nov 2026, 18:48:45` in `tz`. */
export function dateTime(ms: number, tz: string, withMs = false): string {
  return fmt(tz, {
    day: '2-digit',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    ...(withMs ? { fractionalSecondDigits: 3 } : {}),
  }).format(ms);
}

/** `18:48:45` in `tz`. */
export function clock(ms: number, tz: string): string {
  return fmt(tz, { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(ms);
}

/** Short zone name, e.g. `CET`, `GMT+1`. */
export function zoneName(ms: number, tz: string): string {
  const p = fmt(tz, { timeZoneName: 'short' }).formatToParts(ms);
  return p.find((x) => x.type === 'timeZoneName')?.value ?? tz;
}

/** `2026-11-25T18:48` in `tz`, for <input type="datetime-local">. */
export function localInput(ms: number, tz: string): string {
  const p: Record<string, string> = {};
  for (const x of fmt(tz, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(ms))
    p[x.type] = x.value;
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** Parses `2026-11-25T18:48` as a wall-clock time in `tz` (DST-correct to the minute). */
export function parseLocalInput(s: string, tz: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(s);
  if (!m) return undefined;
  const wall = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!);
  // Two passes find the UTC instant whose wall-clock time in tz is `wall`.
  let guess = wall;
  for (let i = 0; i < 2; i++) {
    const shown = parseLocalInputUtc(localInput(guess, tz));
    guess += wall - shown;
  }
  return guess;
}

function parseLocalInputUtc(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(s)!;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!);
}

/** `3 s`, `12 min`, `2 h`, `4 d`. */
export function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d`;
}

/** Engineering value with sensible precision: 1234 → `1,234`, 59.34 → `59.3`, 0.0123 → `0.0123`. */
export function num(v: number | string | null | undefined, digits?: number): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  const d = digits ?? (a >= 1000 ? 0 : a >= 100 ? 1 : a >= 1 ? 2 : a === 0 ? 0 : 3);
  return v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: Math.min(d, a >= 100 ? 0 : 1) });
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1 << 20) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1 << 30) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  return `${(n / (1 << 30)).toFixed(2)} GiB`;
}

/** `49:1C:69:23:…` */
export function thumbprint(hex: string): string {
  return (
    hex
      .toUpperCase()
      .match(/.{1,2}/g)
      ?.join(':') ?? hex
  );
}

/** `25 Nov` in `tz`. */
export function dayLabel(ms: number, tz: string): string {
  return fmt(tz, { day: '2-digit', month: 'short' }).format(ms);
}

/** A ratio 0..1 as `83.4 %`; null as `—`. */
export function pct(r: number | null | undefined, digits = 1): string {
  if (r === null || r === undefined || !Number.isFinite(r)) return '—';
  return `${(r * 100).toFixed(digits)} %`;
}

/** A duration as `2 h 05 min`, `12 min`, `40 s`. */
export function span(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}
