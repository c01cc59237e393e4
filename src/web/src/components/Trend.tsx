import { useEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api, type Tag, type TrendReply } from '../api';
import { clock, dateTime, dayLabel, num } from '../format';
import { link } from '../live';

/** Muted, distinguishable line colours (ISA-101: trends in calm colours; red and amber stay for alarms). */
export const SERIES_COLOURS = ['#1f4e79', '#2e7d6b', '#7a4f9a', '#8a6d3b', '#41637a', '#5a5a5a', '#9c4f6b', '#3f6f2f'];

export interface TrendProps {
  tags: readonly Tag[];
  from: number;
  to: number;
  /** Follow now: slide the window and append live values. */
  live: boolean;
  tz: string;
  height?: number;
  /** A drag-zoom, pan or zoom-out asks for a new absolute range. */
  onRange(from: number, to: number): void;
}

interface Buffer {
  t: number[];
  v: (number | null)[];
}

/**
 * A uPlot trend of several tags: one y axis per unit (tags with the same unit share it), a crosshair
 * with a live legend, drag to zoom (the hub downsamples the new range at full resolution), buttons
 * and arrow keys to pan and zoom out. Data comes from GET /api/v1/trend (min/max/first/last per
 * pixel bucket); nulls are gaps and are never bridged. In live mode new values are appended as they
 * arrive and the window slides; a fresh downsampled fetch every 30 s keeps the picture exact.
 */
export function Trend({ tags, from, to, live, tz, height = 320, onRange }: TrendProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const [width, setWidth] = useState(0);
  const [reply, setReply] = useState<TrendReply>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);
  const buffers = useRef(new Map<string, Buffer>());
  const ids = useMemo(() => tags.map((t) => t.id), [tags]);
  const span = to - from;
  const [refreshTick, setRefreshTick] = useState(0);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.floor(el.clientWidth)));
    ro.observe(el);
    setWidth(Math.floor(el.clientWidth));
    return () => ro.disconnect();
  }, []);

  // Fetch the downsampled range (again every 30 s while live, so the sliding window stays exact).
  // biome-ignore lint/correctness/useExhaustiveDependencies: refreshTick forces a refetch
  useEffect(() => {
    if (ids.length === 0 || width === 0) return;
    const ctl = new AbortController();
    const f = live ? Date.now() - span : from;
    const t = live ? Date.now() : to;
    setLoading(true);
    api
      .trend(ids, f, t, Math.min(8000, Math.max(200, width * 4)), ctl.signal)
      .then((r) => {
        buffers.current = new Map(r.series.map((s) => [s.tagId, { t: [...s.t], v: [...s.v] }]));
        setReply(r);
        setError(undefined);
      })
      .catch((e: Error) => {
        if (e.name !== 'AbortError') setError(e.message);
      })
      .finally(() => setLoading(false));
    return () => ctl.abort();
  }, [
    ids.join('|'),
    live ? -1 : from,
    live ? -1 : to,
    live,
    span,
    width > 0 ? Math.round(width / 200) : 0,
    refreshTick,
  ]);

  useEffect(() => {
    if (!live) return;
    const t = setInterval(() => setRefreshTick((n) => n + 1), 30_000);
    return () => clearInterval(t);
  }, [live]);

  // Build or rebuild the chart when tags, size or the time zone change.
  // biome-ignore lint/correctness/useExhaustiveDependencies: rebuilt on structural changes only
  useEffect(() => {
    const el = box.current;
    if (!el || width === 0 || !reply) return;
    const units: string[] = [];
    for (const t of tags) if (!units.includes(t.unit ?? '')) units.push(t.unit ?? '');
    const scales: uPlot.Scales = { x: { time: true } };
    for (const u of units) scales[u || '_'] = { auto: true };
    const axes: uPlot.Axis[] = [
      {
        stroke: '#444',
        grid: { stroke: '#d8d8d8', width: 1 },
        ticks: { stroke: '#bbb', width: 1 },
        // 24-hour plant time; the date is written under the first tick and where the day changes.
        values: (_u, ticks) => {
          let prevDay = '';
          return ticks.map((ts) => {
            const day = dayLabel(ts, tz);
            const showDay = day !== prevDay;
            prevDay = day;
            const span = (ticks[ticks.length - 1] ?? 0) - (ticks[0] ?? 0);
            if (span > 3 * 86_400_000) return day;
            const hm = clock(ts, tz).slice(0, span < 5 * 60_000 ? 8 : 5);
            return showDay ? `${hm}\n${day}` : hm;
          });
        },
      },
      ...units.map(
        (u, i): uPlot.Axis => ({
          scale: u || '_',
          side: i % 2 === 0 ? 3 : 1,
          label: u || 'value',
          labelSize: 18,
          stroke: '#444',
          size: 56,
          grid: { show: i === 0, stroke: '#e2e2e2', width: 1 },
          ticks: { stroke: '#bbb', width: 1 },
          values: (_u, vals) => vals.map((v) => num(v)),
        }),
      ),
    ];
    const series: uPlot.Series[] = [
      { value: (_u, v) => (v == null ? '—' : dateTime(v, tz, true)) },
      ...tags.map(
        (t, i): uPlot.Series => ({
          label: `${shortName(t)}${t.unit ? ` [${t.unit}]` : ''}`,
          scale: t.unit || '_',
          stroke: SERIES_COLOURS[i % SERIES_COLOURS.length],
          width: 1.5,
          spanGaps: false,
          paths:
            reply.series.find((s) => s.tagId === t.id)?.interpolation === 'step'
              ? uPlot.paths.stepped?.({ align: 1 })
              : undefined,
          value: (_u, v) => (v == null ? '—' : `${num(v)}${t.unit ? ` ${t.unit}` : ''}`),
          points: { show: false },
        }),
      ),
    ];
    const opts: uPlot.Options = {
      width,
      height,
      ms: 1,
      tzDate: (ts) => uPlot.tzDate(new Date(ts), tz),
      scales,
      axes,
      series,
      cursor: { drag: { x: true, y: false, setScale: false }, focus: { prox: 24 } },
      focus: { alpha: 0.35 },
      legend: { live: true },
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width < 5) return;
            const a = u.posToVal(u.select.left, 'x');
            const b = u.posToVal(u.select.left + u.select.width, 'x');
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            onRangeRef.current(Math.round(a), Math.round(b));
          },
        ],
      },
    };
    plot.current?.destroy();
    plot.current = new uPlot(opts, aligned(tags, buffers.current), el);
    plot.current.setScale('x', { min: live ? Date.now() - span : from, max: live ? Date.now() : to });
    return () => {
      plot.current?.destroy();
      plot.current = undefined;
    };
  }, [ids.join('|'), width, height, tz, reply]);

  const onRangeRef = useRef(onRange);
  onRangeRef.current = onRange;

  // Live: append values as they come; slide and redraw once a second.
  // biome-ignore lint/correctness/useExhaustiveDependencies: ids.join stands for tags
  useEffect(() => {
    if (!live || ids.length === 0) return;
    const watched = new Set(ids);
    const off = link.onValues((values) => {
      for (const v of values) {
        if (!watched.has(v.tag)) continue;
        const b = buffers.current.get(v.tag);
        if (!b) continue;
        const lastT = b.t[b.t.length - 1] ?? 0;
        if (v.ts <= lastT) continue;
        const good = v.statusCode >>> 30 === 0 && typeof v.value === 'number';
        // Drop the "held until now" point of the previous fetch before appending.
        b.t.push(v.ts);
        b.v.push(good ? (v.value as number) : null);
      }
    });
    const unsub = link.subscribe(ids);
    const t = setInterval(() => {
      const p = plot.current;
      if (!p) return;
      const now = Date.now();
      const min = now - span;
      for (const b of buffers.current.values()) {
        let cut = 0;
        while (cut < b.t.length - 1 && (b.t[cut + 1] as number) < min) cut++;
        if (cut > 0) {
          b.t.splice(0, cut);
          b.v.splice(0, cut);
        }
      }
      p.setData(aligned(tags, buffers.current), false);
      p.setScale('x', { min, max: now });
    }, 1000);
    return () => {
      off();
      unsub();
      clearInterval(t);
    };
  }, [ids.join('|'), live, span]);

  const pan = (frac: number) => {
    const f = live ? Date.now() - span : from;
    const shift = Math.round(span * frac);
    onRange(f + shift, f + span + shift);
  };
  const zoomOut = () => {
    const f = live ? Date.now() - span : from;
    const mid = f + span / 2;
    onRange(Math.round(mid - span), Math.round(mid + span));
  };

  return (
    <div className="trend">
      <div className="trend-tools" role="toolbar" aria-label="Trend navigation">
        <button type="button" onClick={() => pan(-0.5)} title="Pan back half a window (←)">
          ◀ Back
        </button>
        <button type="button" onClick={() => pan(0.5)} title="Pan forward half a window (→)">
          Forward ▶
        </button>
        <button type="button" onClick={zoomOut} title="Zoom out ×2 (−)">
          Zoom out
        </button>
        <span className="muted small">Drag across the chart to zoom; arrow keys pan when it has focus.</span>
        {loading && (
          <span className="muted small" aria-live="polite">
            Loading…
          </span>
        )}
        {reply && (
          <span className="muted small" data-testid="trend-resolution">
            {pointCount(reply)} points · bucket {bucketLabel(reply.bucketMs)}
          </span>
        )}
      </div>
      {error && (
        <div className="banner banner-alarm" role="alert">
          Trend failed: {error}
        </div>
      )}
      <div
        ref={box}
        className="trend-plot"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the chart takes arrow keys to pan and zoom
        tabIndex={0}
        role="img"
        aria-label={`Trend of ${tags.map(shortName).join(', ')}`}
        data-testid="trend"
        onKeyDown={(e) => {
          if (e.key === 'ArrowLeft') pan(-0.25);
          else if (e.key === 'ArrowRight') pan(0.25);
          else if (e.key === '-' || e.key === 'PageDown') zoomOut();
          else return;
          e.preventDefault();
        }}
      />
    </div>
  );
}

function aligned(tags: readonly Tag[], buffers: Map<string, Buffer>): uPlot.AlignedData {
  const tables = tags.map((t): uPlot.AlignedData => {
    const b = buffers.get(t.id) ?? { t: [], v: [] };
    return [b.t, b.v] as unknown as uPlot.AlignedData;
  });
  if (tables.length === 0) return [[]];
  if (tables.length === 1) return tables[0] as uPlot.AlignedData;
  return uPlot.join(tables);
}

function pointCount(r: TrendReply): number {
  return r.series.reduce((n, s) => n + s.t.length, 0);
}

export function bucketLabel(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${Math.round(ms / 100) / 10} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 6000) / 10} min`;
  return `${Math.round(ms / 360_000) / 10} h`;
}

/** `Bearing temperature` from `…/bearing/temperature`. */
export function shortName(t: Tag): string {
  const parts = t.id.slice(t.assetPath.length + 1).split('/');
  const s = parts.join(' ').replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}
