import { useEffect, useState } from 'react';
import { localInput, parseLocalInput } from '../format';

export const PRESETS: { key: string; label: string; ms: number }[] = [
  { key: '15m', label: 'Last 15 min', ms: 15 * 60_000 },
  { key: '1h', label: 'Last hour', ms: 3_600_000 },
  { key: '8h', label: 'Last 8 h (shift)', ms: 8 * 3_600_000 },
  { key: '24h', label: 'Last 24 h', ms: 86_400_000 },
  { key: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { key: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
  { key: '90d', label: 'Last 90 days', ms: 90 * 86_400_000 },
];

/** A time range: relative (follows now, live) or absolute. Stored in the URL so views can be shared. */
export type TimeRange = { kind: 'relative'; key: string; ms: number } | { kind: 'absolute'; from: number; to: number };

export function rangeFromParams(p: URLSearchParams): TimeRange {
  const from = Number(p.get('from'));
  const to = Number(p.get('to'));
  if (from > 0 && to > from) return { kind: 'absolute', from, to };
  const preset = PRESETS.find((x) => x.key === p.get('range')) ?? PRESETS[0]!;
  return { kind: 'relative', key: preset.key, ms: preset.ms };
}

export function rangeToParams(r: TimeRange): Record<string, string | undefined> {
  return r.kind === 'relative'
    ? { range: r.key, from: undefined, to: undefined }
    : { range: undefined, from: String(r.from), to: String(r.to) };
}

export function resolveRange(r: TimeRange, now = Date.now()): { from: number; to: number } {
  return r.kind === 'relative' ? { from: now - r.ms, to: now } : { from: r.from, to: r.to };
}

/**
 * Presets from "last 15 min" to "last 90 days" and an absolute from/to in the plant's time zone.
 */
export function RangePicker({ value, tz, onChange }: { value: TimeRange; tz: string; onChange(r: TimeRange): void }) {
  const { from, to } = resolveRange(value);
  const [f, setF] = useState(localInput(from, tz));
  const [t, setT] = useState(localInput(to, tz));
  const [err, setErr] = useState<string>();
  useEffect(() => {
    const r = resolveRange(value);
    setF(localInput(r.from, tz));
    setT(localInput(r.to, tz));
  }, [value, tz]);

  const apply = () => {
    const a = parseLocalInput(f, tz);
    const b = parseLocalInput(t, tz);
    if (a === undefined || b === undefined) return setErr('Enter both times');
    if (b <= a) return setErr('"To" must be after "From"');
    setErr(undefined);
    onChange({ kind: 'absolute', from: a, to: b });
  };

  return (
    <div className="range">
      <label>
        <span className="visually-hidden">Time range</span>
        <select
          value={value.kind === 'relative' ? value.key : 'custom'}
          onChange={(e) => {
            const p = PRESETS.find((x) => x.key === e.target.value);
            if (p) onChange({ kind: 'relative', key: p.key, ms: p.ms });
          }}
          data-testid="range-select"
        >
          {PRESETS.map((p) => (
            <option key={p.key} value={p.key}>
              {p.label}
            </option>
          ))}
          <option value="custom" disabled={value.kind !== 'absolute'}>
            Custom range
          </option>
        </select>
      </label>
      <form
        className="range-abs"
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <label>
          From{' '}
          <input
            type="datetime-local"
            value={f}
            onChange={(e) => setF(e.target.value)}
            aria-label="From (plant time)"
          />
        </label>
        <label>
          To{' '}
          <input type="datetime-local" value={t} onChange={(e) => setT(e.target.value)} aria-label="To (plant time)" />
        </label>
        <button type="submit">Apply</button>
        {err && (
          <span className="error small" role="alert">
            {err}
          </span>
        )}
      </form>
      {value.kind === 'relative' ? (
        <span className="pill small" title="The window follows the current time">
          <span className="dot dot-ok" aria-hidden="true" /> Following now
        </span>
      ) : (
        <button type="button" onClick={() => onChange({ kind: 'relative', key: '15m', ms: PRESETS[0]!.ms })}>
          Back to live
        </button>
      )}
    </div>
  );
}
