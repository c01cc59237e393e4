import type { KpiTimeline } from '../api';
import { clock, dateTime, num, span } from '../format';

/** ISA-101: producing and ordinary stops in greys; failure red, repair amber, unknown magenta. */
export const STATE_FILL: Record<string, string> = {
  running: '#55585d',
  setup: '#9a9c9f',
  delay: '#b9bbbd',
  plannedDown: '#dcdcda',
  failure: '#c1121f',
  repair: '#d08a1c',
  unknown: 'url(#unknown-hatch)',
};

export const STATE_LABEL: Record<string, string> = {
  running: 'Running (APT)',
  setup: 'Setup (AUST)',
  delay: 'Delay (ADET)',
  plannedDown: 'Planned down (PDOT)',
  failure: 'Failure (ADOT)',
  repair: 'Repair (ADOT)',
  unknown: 'Unknown',
};

const W = 1000;
const ROW = 22;

/**
 * The state timeline behind a figure: one strip per machine (states, with the shift calendar
 * above), and per machine the totals the KPIs are computed from — time per state, parts and kWh —
 * so a tile's number can be checked by hand.
 */
export function StateTimeline({
  timelines,
  names,
  tz,
}: {
  timelines: readonly KpiTimeline[];
  names: (path: string) => string;
  tz: string;
}) {
  const first = timelines[0];
  if (!first) return <p className="muted">No production machine in this scope.</p>;
  const from = Date.parse(first.from);
  const to = Date.parse(first.to);
  const x = (ms: number) => ((Math.min(Math.max(ms, from), to) - from) / Math.max(1, to - from)) * W;
  const ticks: number[] = [];
  const step = niceStep(to - from);
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) ticks.push(t);
  const height = 26 + timelines.length * (ROW + 6) + 18;
  return (
    <div className="timeline" data-testid="state-timeline">
      <svg viewBox={`0 0 ${W + 150} ${height}`} width="100%" role="img" aria-label="State timeline">
        <defs>
          <pattern id="unknown-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" fill="#f1e6f1" />
            <line x1="0" y1="0" x2="0" y2="6" stroke="#7b3f7a" strokeWidth="2" />
          </pattern>
        </defs>
        <g transform="translate(150,0)">
          {first.calendar.map((c) => (
            <rect
              key={`${c.from}-${c.kind}`}
              x={x(Date.parse(c.from))}
              y={4}
              width={Math.max(0.5, x(Date.parse(c.to)) - x(Date.parse(c.from)))}
              height={10}
              fill={c.kind === 'work' ? '#cfcfcc' : c.kind === 'break' ? '#ececea' : '#f5f5f3'}
              stroke="#f5f5f3"
            >
              <title>{`${c.kind}${c.shiftId ? ` · ${c.shiftId}` : ''}: ${clock(Date.parse(c.from), tz)}–${clock(Date.parse(c.to), tz)}`}</title>
            </rect>
          ))}
        </g>
        <text x={144} y={13} textAnchor="end" className="tl-label">
          Shift calendar
        </text>
        {timelines.map((t, i) => {
          const y = 22 + i * (ROW + 6);
          return (
            <g key={t.machine} data-testid="timeline-row" data-machine={t.machine}>
              <text x={144} y={y + 15} textAnchor="end" className="tl-label">
                {names(t.machine)}
              </text>
              <g transform="translate(150,0)">
                {t.states.map((s) => {
                  const a = Date.parse(s.from);
                  const b = Date.parse(s.to);
                  return (
                    <rect
                      key={s.from}
                      x={x(a)}
                      y={y}
                      width={Math.max(0.5, x(b) - x(a))}
                      height={ROW}
                      fill={STATE_FILL[s.state] ?? '#888'}
                      data-state={s.state}
                    >
                      <title>
                        {`${STATE_LABEL[s.state] ?? s.state}${s.value !== null ? ` (value ${s.value})` : ''}: ${dateTime(a, tz)} – ${clock(b, tz)} (${span(b - a)})${s.reason ? ` · reason ${s.reason}` : ''}${s.unknownCause ? ` · ${s.unknownCause}` : ''}`}
                      </title>
                    </rect>
                  );
                })}
              </g>
            </g>
          );
        })}
        <g transform={`translate(150,${height - 14})`}>
          {ticks.map((t) => (
            <text key={t} x={x(t)} y={10} textAnchor="middle" className="tl-tick">
              {clock(t, tz).slice(0, 5)}
            </text>
          ))}
        </g>
      </svg>
      <ul className="legend">
        {Object.entries(STATE_LABEL).map(([k, label]) => (
          <li key={k}>
            <svg width="14" height="10" aria-hidden="true">
              <rect width="14" height="10" fill={k === 'unknown' ? '#f1e6f1' : STATE_FILL[k]} stroke="#7b7b7b" />
            </svg>
            {label}
          </li>
        ))}
      </ul>
      <div className="table-wrap">
        <table className="grid" data-testid="timeline-totals">
          <thead>
            <tr>
              <th>Machine</th>
              {Object.keys(STATE_LABEL).map((k) => (
                <th key={k} className="num">
                  {STATE_LABEL[k]}
                </th>
              ))}
              <th className="num">Good / scrap</th>
              <th className="num">Counter events excluded</th>
              <th className="num">kWh</th>
            </tr>
          </thead>
          <tbody>
            {timelines.map((t) => {
              const per = new Map<string, number>();
              for (const s of t.states)
                per.set(s.state, (per.get(s.state) ?? 0) + Date.parse(s.to) - Date.parse(s.from));
              const good = t.parts.reduce((n, p) => n + (p.excluded ? 0 : p.good), 0);
              const scrap = t.parts.reduce((n, p) => n + (p.excluded ? 0 : p.scrap), 0);
              const excluded = t.parts.filter((p) => p.excluded || p.kind).length;
              const kwh = t.energy.reduce((n, e) => n + e.kwh, 0);
              return (
                <tr key={t.machine}>
                  <td>{names(t.machine)}</td>
                  {Object.keys(STATE_LABEL).map((k) => (
                    <td key={k} className="num">
                      {per.has(k) ? span(per.get(k)) : ''}
                    </td>
                  ))}
                  <td className="num">
                    {good} / {scrap}
                  </td>
                  <td className="num" title="increments excluded (unknown state or Bad counter) or at a reset/rollover">
                    {excluded}
                  </td>
                  <td className="num">{num(kwh)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function niceStep(ms: number): number {
  const steps = [5, 10, 15, 30, 60, 120, 180, 360, 720, 1440].map((m) => m * 60_000);
  return steps.find((s) => ms / s <= 10) ?? 86_400_000;
}
