import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { clock, dateTime, dayLabel, num } from '../format';
import { SERIES_COLOURS } from './Trend';

export interface ChartSeries {
  label: string;
  values: readonly (number | null)[];
  unit?: string;
  colour?: string;
  /** Draw as steps (states, counters) instead of lines. */
  step?: boolean;
  /** Show a marker at every point (sparse series such as one value per shift). */
  points?: boolean;
  /** Dashed (limits, thresholds, interval edges). */
  dash?: boolean;
}

export interface TimeChartProps {
  /** Epoch ms, ascending. */
  x: readonly number[];
  series: readonly ChartSeries[];
  tz: string;
  height?: number;
  /** Fixed y range (e.g. 0–100 % for ratios); auto otherwise. */
  yRange?: [number, number];
  /** Fills between two series (by index into `series`), e.g. an 80 % interval. */
  band?: [number, number];
  /** Called with the index into `x` when a point is clicked (drill-down). */
  onPick?(index: number): void;
  /** x range to show (defaults to the data's). */
  xRange?: [number, number];
  label: string;
  testId?: string;
}

/**
 * A static uPlot time chart for figures that are fetched rather than streamed: KPI series per
 * shift or day, the health index, RUL with its interval. Null values are gaps and never bridged.
 */
export function TimeChart({
  x,
  series,
  tz,
  height = 220,
  yRange,
  band,
  onPick,
  xRange,
  label,
  testId,
}: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const pick = useRef(onPick);
  pick.current = onPick;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.floor(el.clientWidth)));
    ro.observe(el);
    setWidth(Math.floor(el.clientWidth));
    return () => ro.disconnect();
  }, []);

  // Ranges are compared by value: a caller's fresh array with the same numbers does not rebuild the chart.
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed by value, not identity
  useEffect(() => {
    const el = box.current;
    if (!el || width === 0) return;
    const unit = series[0]?.unit ?? '';
    const opts: uPlot.Options = {
      width,
      height,
      ms: 1,
      tzDate: (ts) => uPlot.tzDate(new Date(ts), tz),
      scales: {
        x: { time: true, ...(xRange ? { range: () => xRange } : {}) },
        y: yRange ? { range: () => yRange } : { auto: true },
      },
      axes: [
        {
          stroke: '#444',
          grid: { stroke: '#d8d8d8', width: 1 },
          ticks: { stroke: '#bbb', width: 1 },
          values: (_u, ticks) => {
            const span = (ticks[ticks.length - 1] ?? 0) - (ticks[0] ?? 0);
            let prev = '';
            return ticks.map((ts) => {
              const day = dayLabel(ts, tz);
              if (span > 3 * 86_400_000) return day;
              const showDay = day !== prev;
              prev = day;
              const hm = clock(ts, tz).slice(0, 5);
              return showDay ? `${hm}\n${day}` : hm;
            });
          },
        },
        {
          stroke: '#444',
          size: 56,
          label: unit || undefined,
          labelSize: 18,
          grid: { stroke: '#e2e2e2', width: 1 },
          ticks: { stroke: '#bbb', width: 1 },
          values: (_u, vals) => vals.map((v) => num(v)),
        },
      ],
      series: [
        { value: (_u, v) => (v == null ? '—' : dateTime(v, tz)) },
        ...series.map(
          (s, i): uPlot.Series => ({
            label: s.label,
            stroke: s.colour ?? SERIES_COLOURS[i % SERIES_COLOURS.length],
            width: s.dash ? 1 : 1.5,
            dash: s.dash ? [4, 4] : undefined,
            spanGaps: false,
            paths: s.step ? uPlot.paths.stepped?.({ align: 1 }) : undefined,
            points: { show: s.points ?? false, size: 7 },
            value: (_u, v) => (v == null ? '—' : `${num(v)}${s.unit ? ` ${s.unit}` : ''}`),
          }),
        ),
      ],
      bands: band ? [{ series: [band[1] + 1, band[0] + 1], fill: 'rgba(31,78,121,0.12)' }] : undefined,
      cursor: { drag: { x: false, y: false }, focus: { prox: 24 } },
      legend: { live: true },
    };
    const data = [x, ...series.map((s) => s.values)] as unknown as uPlot.AlignedData;
    const plot = new uPlot(opts, data, el);
    const over = plot.over;
    const click = () => {
      const idx = plot.cursor.idx;
      if (idx != null && pick.current) pick.current(idx);
    };
    over.addEventListener('click', click);
    if (onPick) over.style.cursor = 'pointer';
    return () => {
      over.removeEventListener('click', click);
      plot.destroy();
    };
  }, [x, series, tz, width, height, yRange?.join(), band?.join(), xRange?.join(), onPick !== undefined]);

  return <div ref={box} className="trend-plot chart-plot" role="img" aria-label={label} data-testid={testId} />;
}
