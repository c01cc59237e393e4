import { type ReactNode, useCallback, useMemo, useState } from 'react';
import { type KpiRange, type KpiSummary, kpiApi, type ParetoRow, type Reason, type WaterfallStep } from '../api';
import { KpiTiles } from '../components/KpiTiles';
import { StateTimeline } from '../components/StateTimeline';
import { TimeChart } from '../components/TimeChart';
import { dateTime, num, pct, span } from '../format';
import { findNode, usePlant } from '../plant';
import { usePoll } from '../poll';
import { href, type Route, replaceParams } from '../router';
import { useCan, useSession } from '../session';

const RANGES: { id: string; label: string }[] = [
  { id: 'current', label: 'Current shift' },
  { id: 'previous', label: 'Previous shift' },
  { id: 'today', label: 'Today' },
  { id: 'yesterday', label: 'Yesterday' },
  { id: 'week:this', label: 'This week' },
  { id: 'week:last', label: 'Last week' },
];

/** `current`/`previous`/a shift id → shift; `today`/`yesterday`/YYYY-MM-DD → day; `week:this|last|YYYY-MM-DD` → week. */
export function kpiRange(id: string): KpiRange {
  if (id.startsWith('week:')) return { week: id.slice(5) };
  if (id === 'today' || id === 'yesterday' || /^\d{4}-\d{2}-\d{2}$/.test(id)) return { day: id };
  return { shift: id || 'current' };
}

/** Any past day, week or shift: a date and what of it. */
function RangePicker({ scope, range }: { scope: string; range: string }) {
  const [date, setDate] = useState('');
  const shifts = usePoll(`${scope}|shift-names`, (sig) => kpiApi.shifts(scope, 'now-1d', 'now+1d', sig), 0);
  const names = [...new Set((shifts.value?.shifts ?? []).map((x) => x.name))];
  const pick = (kind: string) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return;
    const id = kind === 'day' ? date : kind === 'week' ? `week:${date}` : `${date}/${kind}`;
    replaceParams({ range: id, drill: undefined, at: undefined });
  };
  return (
    <span className="kpi-range-picker">
      <input
        type="date"
        value={date}
        onChange={(e) => setDate(e.target.value)}
        aria-label="Date of a past day, week or shift"
        data-testid="kpi-date"
      />
      <select
        value=""
        disabled={!date}
        onChange={(e) => pick(e.target.value)}
        aria-label="Show that day, its week or one of its shifts"
        data-testid="kpi-date-kind"
      >
        <option value="">Show…</option>
        <option value="day">Day</option>
        <option value="week">Week</option>
        {names.map((n) => (
          <option key={n} value={n}>
            Shift {n}
          </option>
        ))}
      </select>
      {!RANGES.some((r) => r.id === range) && <span className="muted small"> {range}</span>}
    </span>
  );
}

/** The KPI summary of a scope, polled every 5 s (the running shift is live). */
export function useKpiSummary(asset: string, range: string, everyMs = 5000) {
  return usePoll<KpiSummary>(
    `${asset}|${range}`,
    (signal) => kpiApi.summary(asset, kpiRange(range), signal),
    asset ? everyMs : 0,
  );
}

export function KpiPage({ route }: { route: Route }) {
  const plant = usePlant();
  const { principal } = useSession();
  // A user limited to part of the plant starts at that part (the hub refuses figures beyond it).
  const scope = route.rest || principal.scope[0] || plant.sites[0]?.path || '';
  const range = route.params.get('range') ?? 'current';
  const drill = route.params.get('drill') ?? '';
  const at = route.params.get('at') ?? range;
  const summary = useKpiSummary(scope, range);
  const name = useCallback(
    (path: string) => findNode(plant.tree, path)?.name ?? path.split('/').pop() ?? path,
    [plant.tree],
  );
  const s = summary.value;
  const drillTo = (machine: string, when = range) => href('kpi', scope, { range, drill: machine, at: when });

  if (!scope) return <section className="page">Loading the plant…</section>;
  return (
    <section className="page" aria-labelledby="kpi-title">
      <div className="page-head">
        <div>
          <h1 id="kpi-title">KPIs · {name(scope)}</h1>
          <p className="muted">
            ISO 22400-2 (docs/kpi.md).{' '}
            {s && (
              <>
                {s.shift ? `Shift ${s.shift}` : range.startsWith('week:') ? 'Week' : 'Day'} ·{' '}
                {dateTime(Date.parse(s.from), plant.tz)} – {dateTime(Date.parse(s.to), plant.tz)}
              </>
            )}
          </p>
        </div>
        <label>
          <span className="muted small">Range </span>
          <select
            value={range}
            onChange={(e) => replaceParams({ range: e.target.value, drill: undefined, at: undefined })}
            data-testid="kpi-range"
          >
            {RANGES.map((r) => (
              <option key={r.id} value={r.id}>
                {r.label}
              </option>
            ))}
            {!RANGES.some((r) => r.id === range) && (
              <option value={range}>{range.replace(/^week:/, 'week of ')}</option>
            )}
          </select>
        </label>
        <RangePicker scope={scope} range={range} />
      </div>
      {summary.error && (
        <div className="banner banner-alarm" role="alert">
          KPIs unavailable: {summary.error}
        </div>
      )}
      {!s && !summary.error && <p className="muted">Loading…</p>}
      {s && s.timeScale > 1 && (
        <p className="banner" data-testid="kpi-time-scale">
          Accelerated plant ×{s.timeScale}: KPIs are computed in the plant’s own time base (its ideal cycle time and
          power); times of day, MTBF and MTTR are real time.
        </p>
      )}
      {s && <KpiTiles kpis={s.kpis} drillHref={drillTo('*')} />}
      {drill && <DrillDown scope={scope} closeRange={range} summary={s} drill={drill} at={at} names={name} />}
      <ParetoAndStops
        scope={scope}
        range={range}
        names={name}
        drillTo={drillTo}
        waterfall={
          s && (
            <section className="card" aria-labelledby="wf-title">
              <div className="card-head">
                <h2 id="wf-title">OEE loss waterfall</h2>
                <span className="muted small">planned time → fully productive time</span>
              </div>
              <Waterfall steps={s.waterfall} drillHref={drillTo('*')} />
            </section>
          )
        }
      />
      {s && <MachineComparison summary={s} names={name} drillTo={drillTo} />}
      <div className="kpi-grid">
        <OeePerShift scope={scope} onPick={(shiftId) => (location.hash = drillTo('*', shiftId))} />
        <EnergyPerPart scope={scope} onPick={(day) => (location.hash = drillTo('*', day))} />
      </div>
    </section>
  );
}

function DrillDown({
  scope,
  summary,
  drill,
  at,
  names,
  closeRange,
}: {
  scope: string;
  closeRange: string;
  summary?: KpiSummary;
  drill: string;
  at: string;
  names: (p: string) => string;
}) {
  const plant = usePlant();
  const machines = useMemo(
    () => (drill === '*' ? (summary?.machines.filter((m) => m.role !== 'meter').map((m) => m.asset) ?? []) : [drill]),
    [drill, summary?.machines],
  );
  const key = `${machines.join('|')}|${at}`;
  const timelines = usePoll(
    key,
    (signal) => Promise.all(machines.map((m) => kpiApi.timeline(m, kpiRange(at), signal))),
    machines.length > 0 ? 30_000 : 0,
  );
  return (
    <section className="card" aria-labelledby="drill-title" data-testid="drilldown">
      <div className="card-head">
        <h2 id="drill-title">
          State timeline · {drill === '*' ? name0(scope, names) : names(drill)} · {at}
        </h2>
        <a href={href('kpi', scope, { range: closeRange })} className="button" data-testid="drill-close">
          Close
        </a>
      </div>
      {timelines.error && (
        <div className="banner banner-alarm" role="alert">
          Timeline unavailable: {timelines.error}
        </div>
      )}
      {!timelines.value && !timelines.error && <p className="muted">Loading the timeline…</p>}
      {timelines.value && <StateTimeline timelines={timelines.value} names={names} tz={plant.tz} />}
    </section>
  );
}

const name0 = (scope: string, names: (p: string) => string) => `all machines of ${names(scope)}`;

/** The loss waterfall as horizontal bars: totals from 0, each loss hanging from the running total. */
export function Waterfall({ steps, drillHref }: { steps: readonly WaterfallStep[]; drillHref: string }) {
  const max = Math.max(1, ...steps.map((s) => s.ms ?? 0));
  const pbt = steps.find((s) => s.key === 'pbt')?.ms ?? null;
  let level = 0;
  const rows = steps.map((s) => {
    const ms = s.ms ?? 0;
    let a: number;
    let b: number;
    if (s.kind === 'total') {
      a = 0;
      b = ms;
      level = ms;
    } else {
      a = level - ms;
      b = level;
      level -= ms;
    }
    return { s, a, b };
  });
  const W = 660;
  const L = 270;
  const R = 120;
  const H = 24;
  const x = (v: number) => L + (Math.max(0, v) / max) * (W - L - R);
  return (
    <a href={drillHref} className="chart-link" title="Show the state timeline behind it">
      <svg
        viewBox={`0 0 ${W} ${rows.length * H + 6}`}
        width="100%"
        role="img"
        aria-label="OEE loss waterfall"
        data-testid="waterfall"
      >
        {rows.map(({ s, a, b }, i) => (
          <g key={s.key} data-testid="waterfall-step" data-kind={s.kind} data-ms={s.ms ?? ''}>
            <text x={L - 6} y={i * H + 16} textAnchor="end" className={s.kind === 'total' ? 'wf-total' : 'wf-loss'}>
              {s.label}
            </text>
            <rect
              x={x(a)}
              y={i * H + 4}
              width={Math.max(s.ms ? 1 : 0, x(b) - x(a))}
              height={H - 8}
              className={s.kind === 'total' ? 'wf-bar-total' : 'wf-bar-loss'}
            />
            <text x={W - R + 6} y={i * H + 16} className="wf-num">
              {span(s.ms)}
              {s.kind === 'loss' && pbt ? ` · ${pct((s.ms ?? 0) / pbt, 1)}` : ''}
            </text>
          </g>
        ))}
      </svg>
    </a>
  );
}

function MachineComparison({
  summary,
  names,
  drillTo,
}: {
  summary: KpiSummary;
  names: (p: string) => string;
  drillTo: (m: string) => string;
}) {
  // Meters measure other machines' energy: they have no OEE and are left out of the comparison.
  const rows = summary.machines.filter((m) => m.role !== 'meter').sort((a, b) => (a.kpis.oee ?? 2) - (b.kpis.oee ?? 2));
  return (
    <section className="card" aria-labelledby="cmp-title">
      <div className="card-head">
        <h2 id="cmp-title">Machine comparison</h2>
        <span className="muted small">lowest OEE first</span>
      </div>
      <div className="table-wrap">
        <table className="grid compare" data-testid="machine-comparison">
          <thead>
            <tr>
              <th>Machine</th>
              <th>OEE</th>
              <th className="num" title="Availability">
                A
              </th>
              <th className="num" title="Effectiveness">
                E
              </th>
              <th className="num" title="Quality ratio">
                Q
              </th>
              <th className="num">Good</th>
              <th className="num">kWh/part</th>
              <th className="num">kWh</th>
              <th className="num">Unknown</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((m) => (
              <tr key={m.asset}>
                <td>
                  <a href={drillTo(m.asset)} data-testid="compare-machine">
                    {names(m.asset)}
                  </a>
                  {m.role !== 'production' && <span className="muted small"> {m.role}</span>}
                </td>
                <td>
                  <span className="bar-cell">
                    <span className="bar" style={{ width: `${Math.min(100, Math.round((m.kpis.oee ?? 0) * 100))}%` }} />
                  </span>{' '}
                  <span
                    className={`num ${m.kpis.flags.length > 0 ? 'text-warn' : ''}`}
                    data-testid="compare-oee"
                    data-flags={m.kpis.flags.map((f) => f.reason).join(' ') || undefined}
                    title={m.kpis.flags.map((f) => f.message).join('\n') || undefined}
                  >
                    {m.kpis.flags.length > 0 && '! '}
                    {pct(m.kpis.oee)}
                  </span>
                </td>
                <td className="num">{pct(m.kpis.availability)}</td>
                <td className="num">{pct(m.kpis.effectiveness)}</td>
                <td className="num">{pct(m.kpis.quality)}</td>
                <td className="num">{m.kpis.gq}</td>
                <td className="num">{num(m.kpis.kwhPerGoodPart)}</td>
                <td className="num">{num(m.kpis.kwh)}</td>
                <td className={`num ${(m.kpis.unknownShare ?? 0) > 0.05 ? 'text-stale' : ''}`}>
                  {pct(m.kpis.unknownShare)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function OeePerShift({ scope, onPick }: { scope: string; onPick(shiftId: string): void }) {
  const plant = usePlant();
  const series = usePoll(`${scope}|shift`, (sig) => kpiApi.series(scope, 'shift', 'now-7d', 'now', sig), 60_000);
  const rows = series.value?.rows ?? [];
  const chart = useMemo(() => {
    const x = rows.map((r) => Date.parse(r.start));
    const pc = (v: number | null) => (v === null ? null : v * 100);
    // A point above 100 % is drawn where it is (the axis grows) and marked as flagged, never clipped away.
    const flaggedRow = (r: (typeof rows)[number]) => (r.kpis.flags ?? []).length > 0;
    const top = Math.max(100, ...rows.map((r) => pc(r.kpis.oee) ?? 0));
    return {
      x,
      top: Math.ceil(top / 10) * 10,
      flagged: rows.filter(flaggedRow),
      series: [
        { label: 'OEE', unit: '%', values: rows.map((r) => pc(r.kpis.oee)), points: true, colour: '#1e1f21' },
        {
          label: 'Flagged (implausible)',
          unit: '%',
          values: rows.map((r) => (flaggedRow(r) ? pc(r.kpis.oee) : null)),
          points: true,
          colour: '#c2410c',
        },
        { label: 'Availability', unit: '%', values: rows.map((r) => pc(r.kpis.availability)), dash: true },
        { label: 'Effectiveness', unit: '%', values: rows.map((r) => pc(r.kpis.effectiveness)), dash: true },
        { label: 'Quality', unit: '%', values: rows.map((r) => pc(r.kpis.quality)), dash: true },
      ],
    };
  }, [rows]);
  return (
    <section className="card" aria-labelledby="oee-title">
      <div className="card-head">
        <h2 id="oee-title">OEE per shift</h2>
        <span className="muted small">last 7 days · click a shift for its timeline</span>
        <a className="button" href={kpiApi.exportUrl(scope, 'shift', 'now-7d', 'now')} download>
          CSV
        </a>
      </div>
      {series.error && <p className="error">{series.error}</p>}
      {rows.length > 0 ? (
        <TimeChart
          x={chart.x}
          series={chart.series}
          tz={plant.tz}
          yRange={[0, chart.top]}
          label="OEE per shift over the last 7 days"
          testId="oee-shift-chart"
          onPick={(i) => {
            const r = rows[i];
            if (r) onPick(r.label);
          }}
        />
      ) : (
        <p className="muted">{series.value ? 'No shifts in the last 7 days.' : 'Loading…'}</p>
      )}
      {chart.flagged.length > 0 && (
        <ul className="kpi-flags" data-testid="oee-flags">
          {chart.flagged.map((r) => (
            <li key={r.start}>
              <button type="button" className="linklike" onClick={() => onPick(r.label)}>
                {r.label}
              </button>
              : OEE {pct(r.kpis.oee)} — {r.kpis.flags.map((f) => f.message).join('; ')}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function EnergyPerPart({ scope, onPick }: { scope: string; onPick(day: string): void }) {
  const plant = usePlant();
  const series = usePoll(`${scope}|day`, (sig) => kpiApi.series(scope, 'day', 'now-30d', 'now', sig), 60_000);
  const rows = series.value?.rows ?? [];
  const chart = useMemo(
    () => ({
      x: rows.map((r) => Date.parse(r.start)),
      series: [
        { label: 'Energy per good part', unit: 'kWh', values: rows.map((r) => r.kpis.kwhPerGoodPart), points: true },
      ],
    }),
    [rows],
  );
  return (
    <section className="card" aria-labelledby="epp-title">
      <div className="card-head">
        <h2 id="epp-title">Energy per good part</h2>
        <span className="muted small">per day · last 30 days</span>
      </div>
      {series.error && <p className="error">{series.error}</p>}
      {rows.length > 0 ? (
        <TimeChart
          x={chart.x}
          series={chart.series}
          tz={plant.tz}
          label="Energy per good part per day"
          testId="energy-part-chart"
          onPick={(i) => {
            const r = rows[i];
            if (r) onPick(r.label);
          }}
        />
      ) : (
        <p className="muted">{series.value ? 'No days yet.' : 'Loading…'}</p>
      )}
    </section>
  );
}

function ParetoAndStops({
  scope,
  range,
  names,
  drillTo,
  waterfall,
}: {
  scope: string;
  range: string;
  names: (p: string) => string;
  drillTo: (m: string) => string;
  /** Shown beside the Pareto: both explain where the planned busy time went. */
  waterfall: ReactNode;
}) {
  const plant = usePlant();
  const pareto = usePoll(`${scope}|${range}|pareto`, (sig) => kpiApi.pareto(scope, kpiRange(range), sig), 10_000);
  const stops = usePoll(`${scope}|${range}|stops`, (sig) => kpiApi.stops(scope, kpiRange(range), sig), 10_000);
  const reasons = usePoll('reasons', (sig) => kpiApi.reasons(sig), 0);
  const [saving, setSaving] = useState<string>();
  const [error, setError] = useState<string>();
  const canAssign = useCan('operator');
  const leaves = (reasons.value?.reasons ?? []).filter((r) => r.leaf);
  const groups = new Map<string, Reason[]>();
  for (const r of leaves) {
    const g = r.path.slice(0, -1).join(' › ') || r.loss;
    groups.set(g, [...(groups.get(g) ?? []), r]);
  }
  const list = [...(stops.value?.stops ?? [])].sort((a, b) => Date.parse(b.start) - Date.parse(a.start)).slice(0, 25);
  return (
    <>
      <div className="kpi-grid">
        {waterfall}
        <section className="card" aria-labelledby="pareto-title">
          <div className="card-head">
            <h2 id="pareto-title">Stop reasons (Pareto)</h2>
            <span className="muted small">planned busy time lost</span>
          </div>
          {pareto.error && <p className="error">{pareto.error}</p>}
          {pareto.value && pareto.value.rows.length === 0 && <p className="muted">No unplanned stops in this range.</p>}
          {pareto.value && pareto.value.rows.length > 0 && <Pareto rows={pareto.value.rows} drillHref={drillTo('*')} />}
        </section>
      </div>
      <section className="card" aria-labelledby="stops-title">
        <div className="card-head">
          <h2 id="stops-title">Unplanned stops</h2>
          <span className="muted small">give each a reason; newest first</span>
        </div>
        {error && (
          <div className="banner banner-alarm" role="alert">
            {error}
          </div>
        )}
        {stops.error && <p className="error">{stops.error}</p>}
        {list.length === 0 && stops.value && <p className="muted">No unplanned stops in this range.</p>}
        {list.length > 0 && (
          <div className="table-wrap">
            <table className="grid" data-testid="stops">
              <thead>
                <tr>
                  <th>Machine</th>
                  <th>Start</th>
                  <th className="num">Lost</th>
                  <th>State</th>
                  <th>Reason</th>
                </tr>
              </thead>
              <tbody>
                {list.map((st) => {
                  const id = `${st.machine}|${st.start}`;
                  return (
                    <tr key={id}>
                      <td>
                        <a href={drillTo(st.machine)}>{names(st.machine)}</a>
                      </td>
                      <td className="nowrap">
                        {dateTime(Date.parse(st.start), plant.tz)}
                        {st.ongoing && <span className="muted"> · ongoing</span>}
                      </td>
                      <td className="num">{span(st.lostMs)}</td>
                      <td className={st.state === 'failure' ? 'text-alarm' : undefined}>{st.state}</td>
                      <td>
                        <select
                          aria-label={`Reason for the ${st.state} of ${names(st.machine)} at ${st.start}`}
                          value={st.reason ?? ''}
                          disabled={saving === id || !canAssign}
                          title={canAssign ? undefined : 'Giving a stop a reason needs the operator role'}
                          data-testid="stop-reason"
                          onChange={async (e) => {
                            setSaving(id);
                            try {
                              await kpiApi.setReason(st.machine, st.start, e.target.value || null);
                              setError(undefined);
                              stops.refresh();
                              pareto.refresh();
                            } catch (err) {
                              setError(`Could not set the reason: ${(err as Error).message}`);
                            } finally {
                              setSaving(undefined);
                            }
                          }}
                        >
                          <option value="">— by state ({st.loss})</option>
                          {[...groups.entries()].map(([g, rs]) => (
                            <optgroup key={g} label={g}>
                              {rs.map((r) => (
                                <option key={r.id} value={r.id}>
                                  {r.name}
                                </option>
                              ))}
                            </optgroup>
                          ))}
                        </select>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

/** Pareto: bars of lost time per reason, largest first, with the cumulative share as a line. */
export function Pareto({ rows, drillHref }: { rows: readonly ParetoRow[]; drillHref: string }) {
  const W = 560;
  const H = 250;
  const B = 100;
  const T = 10;
  const L = 50;
  const max = Math.max(1, ...rows.map((r) => r.lostMs));
  const bw = Math.min(90, (W - L - 40) / rows.length);
  const y = (ms: number) => T + (1 - ms / max) * (H - T - B);
  const yc = (share: number) => T + (1 - share) * (H - T - B);
  const line = rows.map((r, i) => `${i ? 'L' : 'M'}${L + bw * (i + 0.5)},${yc(r.cumulativeShare)}`).join('');
  return (
    <a href={drillHref} className="chart-link" title="Show the state timeline behind it">
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label="Pareto of stop reasons" data-testid="pareto">
        <text x={L - 6} y={T + 8} textAnchor="end" className="tl-tick">
          {span(max)}
        </text>
        <text x={W - 34} y={T + 8} className="tl-tick">
          100 %
        </text>
        <line x1={L} x2={W - 40} y1={H - B} y2={H - B} stroke="#999" />
        {rows.map((r, i) => (
          <g key={r.key} data-testid="pareto-bar">
            <rect x={L + bw * i + 3} y={y(r.lostMs)} width={bw - 6} height={H - B - y(r.lostMs)} className="pareto-bar">
              <title>{`${r.label}: ${span(r.lostMs)} in ${r.count} stop(s) · ${r.loss} · cumulative ${pct(r.cumulativeShare)}`}</title>
            </rect>
            <text
              x={L + bw * (i + 0.5)}
              y={H - B + 12}
              textAnchor="end"
              transform={`rotate(-35 ${L + bw * (i + 0.5)} ${H - B + 12})`}
              className="tl-tick"
            >
              {r.label.length > 22 ? `${r.label.slice(0, 21)}…` : r.label}
            </text>
          </g>
        ))}
        <path d={line} fill="none" stroke="#1e1f21" strokeWidth="1.5" />
        {rows.map((r, i) => (
          <circle key={r.key} cx={L + bw * (i + 0.5)} cy={yc(r.cumulativeShare)} r="3" fill="#1e1f21" />
        ))}
      </svg>
    </a>
  );
}
