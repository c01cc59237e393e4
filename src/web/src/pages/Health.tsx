import { useMemo, useState } from 'react';
import { api, type MachineHealth, type PdmEvent, pdmApi } from '../api';
import { TimeChart } from '../components/TimeChart';
import { dateTime, num } from '../format';
import { findNode, usePlant } from '../plant';
import { usePoll } from '../poll';
import { href, type Route, replaceParams } from '../router';

const RANGES = [
  { id: '1h', label: '1 h', ms: 3_600_000 },
  { id: '8h', label: '8 h', ms: 8 * 3_600_000 },
  { id: '24h', label: '24 h', ms: 86_400_000 },
  { id: '7d', label: '7 d', ms: 7 * 86_400_000 },
];

/** Health below this needs attention (amber), below the pdm default threshold 30 it is an alarm. */
const HEALTH_WARN = 60;
const HEALTH_ALARM = 30;

function healthSeverity(h: number): 'normal' | 'warning' | 'alarm' {
  return h < HEALTH_ALARM ? 'alarm' : h < HEALTH_WARN ? 'warning' : 'normal';
}

/** `#/health` the fleet ranked by risk; `#/health/<machine>` one machine's health and its evidence. */
export function HealthPage({ route }: { route: Route }) {
  return route.rest ? <MachineHealthView path={route.rest} range={route.params.get('range') ?? '8h'} /> : <Fleet />;
}

function useName() {
  const plant = usePlant();
  return (path: string) => findNode(plant.tree, path)?.name ?? path.split('/').pop() ?? path;
}

function Fleet() {
  const fleet = usePoll('fleet', (sig) => pdmApi.machines('', sig), 5000);
  const name = useName();
  const machines = fleet.value?.machines ?? [];
  return (
    <section className="page" aria-labelledby="fleet-title">
      <div className="page-head">
        <div>
          <h1 id="fleet-title">Machine health</h1>
          <p className="muted">
            Fleet ranked by risk (100 − health index, +50 when a remaining useful life is inside the horizon). See
            docs/pdm.md.
          </p>
        </div>
      </div>
      {fleet.error && (
        <div className="banner banner-alarm" role="alert">
          Health unavailable: {fleet.error}
        </div>
      )}
      {fleet.value && machines.length === 0 && (
        <p className="empty">No machine is modelled yet: the health model starts with the first values.</p>
      )}
      {machines.length > 0 && (
        <div className="card">
          <div className="table-wrap">
            <table className="grid" data-testid="fleet">
              <thead>
                <tr>
                  <th className="num">#</th>
                  <th>Machine</th>
                  <th className="num">Risk</th>
                  <th>Health index</th>
                  <th className="num">Anomaly score</th>
                  <th>Top signal</th>
                  <th>Shortest RUL (80 % interval)</th>
                  <th>State</th>
                </tr>
              </thead>
              <tbody>
                {machines.map((m, i) => (
                  <FleetRow key={m.machine} m={m} rank={i + 1} name={name(m.machine)} />
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}

function FleetRow({ m, rank, name }: { m: MachineHealth; rank: number; name: string }) {
  const sev = healthSeverity(m.healthIndex);
  // Failure modes first: a consumable's RUL is a planned replacement, not what makes a machine fail.
  const rul = [...m.rul].sort((a, b) => Number(a.consumable) - Number(b.consumable) || a.hours - b.hours)[0];
  const top = m.contributors[0];
  return (
    <tr data-testid="fleet-row" data-machine={m.machine} data-risk={m.risk}>
      <td className="num">{rank}</td>
      <td>
        <a href={href('health', m.machine)}>{name}</a>
      </td>
      <td className="num">{num(m.risk, 0)}</td>
      <td title={m.story.sentence || undefined}>
        <HealthBar value={m.healthIndex} />
        {sev !== 'normal' &&
          (m.story.explained ? (
            <span className="muted"> wear on schedule</span>
          ) : (
            <span className={sev === 'alarm' ? 'text-alarm' : 'text-warn'}> low</span>
          ))}
      </td>
      <td className={`num ${m.anomalyOpen ? 'text-warn' : ''}`}>
        {m.anomalyScore === null ? <span className="muted">learning</span> : num(m.anomalyScore, 1)}
        {m.anomalyOpen && ' ▲ anomaly'}
      </td>
      <td>{top && m.anomalyScore !== null ? `${top.signal} (z ${num(top.z, 1)})` : ''}</td>
      <td>{rul ? <RulText r={rul} /> : <span className="muted">—</span>}</td>
      <td>{m.stateName ?? '—'}</td>
    </tr>
  );
}

function HealthBar({ value }: { value: number }) {
  const sev = healthSeverity(value);
  return (
    <span className="health-bar" title={`Health index ${num(value, 0)} of 100`}>
      <span className="bar-cell">
        <span className={`bar bar-${sev}`} style={{ width: `${Math.max(0, Math.min(100, value))}%` }} />
      </span>
      <span className="num">{num(value, 0)}</span>
    </span>
  );
}

/** Hours as a planner reads them: minutes below an hour (never "0 h"), days beyond three (as src/analytics/pdm/online/format.ts). */
function hours(h: number): string {
  if (!Number.isFinite(h)) return '—';
  if (h < 1) return `${Math.max(h > 0 ? 1 : 0, Math.round(h * 60))} min`;
  if (h < 10) return `${h.toFixed(1)} h`;
  if (h < 72) return `${Math.round(h)} h`;
  return `${(h / 24).toFixed(1)} d`;
}

function RulText({ r }: { r: MachineHealth['rul'][number] }) {
  return (
    <span data-testid="rul" data-consumable={r.consumable}>
      <strong>{r.mode}</strong>
      {r.consumable ? ' replacement due in ' : ': '}
      {hours(r.hours)}{' '}
      <span className="muted">
        ({hours(r.low)}–{hours(r.high)})
      </span>
    </span>
  );
}

interface Episode {
  id: string;
  kind: string;
  from: number;
  to?: number;
  events: PdmEvent[];
}

/** Groups pdm events by `details.episode`: opened → updates → closed. */
function episodesOf(events: readonly PdmEvent[]): Episode[] {
  const byId = new Map<string, Episode>();
  for (const e of [...events].sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts))) {
    const id = String(e.details?.episode ?? `${e.kind}|${e.ts}`);
    const ts = Date.parse(e.ts);
    let ep = byId.get(id);
    if (!ep) {
      ep = { id, kind: e.kind.replace(/\.(opened|update|closed)$/, ''), from: ts, events: [] };
      byId.set(id, ep);
    }
    ep.events.push(e);
    if (e.kind.endsWith('.closed')) ep.to = ts;
  }
  return [...byId.values()].sort((a, b) => b.from - a.from);
}

function MachineHealthView({ path, range }: { path: string; range: string }) {
  const plant = usePlant();
  const name = useName();
  const one = usePoll(path, (sig) => pdmApi.machine(path, 200, sig), 5000);
  const h = one.value?.health;
  const spanMs = RANGES.find((r) => r.id === range)?.ms ?? 8 * 3_600_000;
  const tagIds = useMemo(() => {
    if (!h) return [] as string[];
    const ids = [h.tags.healthIndex, h.tags.anomalyScore].filter((x): x is string => !!x);
    return ids;
  }, [h]);
  const rulIds = useMemo(
    () =>
      h
        ? h.rul.flatMap((r) => [
            `${path}/health/rul_${r.mode}_h`,
            `${path}/health/rul_${r.mode}_h_low`,
            `${path}/health/rul_${r.mode}_h_high`,
          ])
        : [],
    [h, path],
  );
  const trend = usePoll(
    `${tagIds.join('|')}|${rulIds.join('|')}|${spanMs}`,
    (sig) => {
      const now = Date.now();
      return api.trend([...tagIds, ...rulIds], now - spanMs, now, 800, sig);
    },
    tagIds.length > 0 ? 15_000 : 0,
  );
  const [open, setOpen] = useState<string>();
  const episodes = useMemo(() => episodesOf(one.value?.events ?? []), [one.value?.events]);

  const seriesOf = (id: string) => trend.value?.series.find((s) => s.tagId === id);
  const hi = h ? seriesOf(h.tags.healthIndex ?? '') : undefined;
  const as = h ? seriesOf(h.tags.anomalyScore ?? '') : undefined;
  // The window ends at the last fetch, so the charts are rebuilt when new data comes, not on every render.
  // biome-ignore lint/correctness/useExhaustiveDependencies: trend.value marks a new fetch
  const xRange = useMemo((): [number, number] => [Date.now() - spanMs, Date.now()], [trend.value, spanMs]);
  const hiChart = useMemo(
    () =>
      hi ? { x: hi.t, series: [{ label: 'Health index', unit: '%', values: hi.v, colour: '#1e1f21' }] } : undefined,
    [hi],
  );
  const asChart = useMemo(
    () => (as ? { x: as.t, series: [{ label: 'Anomaly score', unit: 'σ', values: as.v }] } : undefined),
    [as],
  );

  return (
    <section className="page" aria-labelledby="mh-title">
      <nav className="crumbs" aria-label="Breadcrumb">
        <a href="#/health">Machine health</a>
        <span>{name(path)}</span>
      </nav>
      <div className="page-head">
        <div>
          <h1 id="mh-title">{name(path)} · health</h1>
          <p className="muted">
            {path} · <a href={href('machine', path)}>live values</a> ·{' '}
            <a href={href('kpi', '', { drill: path })}>KPI timeline</a>
          </p>
        </div>
        <label>
          <span className="muted small">Range </span>
          <select value={range} onChange={(e) => replaceParams({ range: e.target.value })} data-testid="health-range">
            {RANGES.map((r) => (
              <option key={r.id} value={r.id}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {one.error && (
        <div className="banner banner-alarm" role="alert">
          {one.error}
        </div>
      )}
      {h && (
        <div className="card">
          <dl className="stats" data-testid="health-stats">
            <div>
              <dt>Health index</dt>
              <dd data-testid="health-index">
                <HealthBar value={h.healthIndex} />
              </dd>
            </div>
            <div>
              <dt>Anomaly score</dt>
              <dd className={h.anomalyOpen ? 'text-warn' : undefined}>
                {h.anomalyScore === null ? 'learning baseline' : `${num(h.anomalyScore, 1)} σ`}
                {h.anomalyOpen && ' ▲ anomaly open'}
              </dd>
            </div>
            {h.rul.map((r) => (
              <div key={r.mode}>
                <dt>
                  {r.consumable ? 'Consumable' : 'RUL'} {r.mode} (wear {num(r.wear, 1)} %, {num(r.ratePerHour, 2)} %/h)
                </dt>
                <dd>
                  <RulText r={r} />
                </dd>
              </div>
            ))}
            <div>
              <dt>Evaluated</dt>
              <dd className="small">
                {dateTime(Date.parse(h.ts), plant.tz)} · {h.stateName ?? 'state unknown'}
                {h.timeScale !== 1 && ` · plant time ×${num(h.timeScale, 0)}`}
              </dd>
            </div>
            <div>
              <dt>Baseline</dt>
              <dd className="small" data-testid="baseline-origin">
                {h.baseline.origin === 'after-renewal'
                  ? 'learned after the last renewal (healthy state)'
                  : `learned at unknown wear${h.baseline.wearAtStart !== null ? ` (worst wear ${num(h.baseline.wearAtStart, 0)} % then)` : ''}; learned anew at the next renewal`}
              </dd>
            </div>
          </dl>
          {h.story.sentence && (
            <p className={h.story.explained ? 'muted small' : 'text-warn small'} data-testid="health-story">
              {h.story.sentence}
            </p>
          )}
          {h.contributors.length > 0 && (
            <Contributors list={h.contributors} caption="Signals contributing most to the anomaly score now" />
          )}
        </div>
      )}
      <div className="kpi-grid">
        <section className="card" aria-labelledby="hi-title">
          <div className="card-head">
            <h2 id="hi-title">Health index</h2>
          </div>
          {hiChart ? (
            <TimeChart
              x={hiChart.x}
              series={hiChart.series}
              tz={plant.tz}
              yRange={[0, 100]}
              xRange={xRange}
              label="Health index over time"
              testId="health-chart"
            />
          ) : (
            <p className="muted">{trend.error ?? 'Loading…'}</p>
          )}
          <EpisodeStrip episodes={episodes} from={xRange[0]} to={xRange[1]} />
        </section>
        <section className="card" aria-labelledby="as-title">
          <div className="card-head">
            <h2 id="as-title">Anomaly score</h2>
            <span className="muted small">gaps while the baseline is learned</span>
          </div>
          {asChart ? (
            <TimeChart
              x={asChart.x}
              series={asChart.series}
              tz={plant.tz}
              xRange={xRange}
              label="Anomaly score over time"
              testId="anomaly-chart"
            />
          ) : (
            <p className="muted">{trend.error ?? 'Loading…'}</p>
          )}
        </section>
      </div>
      {h?.rul.map((r) => (
        <RulChart key={r.mode} mode={r.mode} path={path} trend={trend.value} xRange={xRange} />
      ))}
      <section className="card" aria-labelledby="ev-title">
        <div className="card-head">
          <h2 id="ev-title">Anomaly timeline and events</h2>
          <span className="muted small">one row per episode; open a row for its evidence</span>
        </div>
        {episodes.length === 0 && <p className="muted">No predictive-maintenance events for this machine.</p>}
        {episodes.length > 0 && (
          <ul className="episodes" data-testid="episodes">
            {episodes.map((ep) => {
              const last = ep.events[ep.events.length - 1] as PdmEvent;
              const warn = last.severity === 'warning' || last.severity === 'alarm' || last.severity === 'critical';
              return (
                <li key={ep.id} className={ep.to === undefined && warn ? 'episode-open' : undefined}>
                  <button
                    type="button"
                    className="linklike"
                    aria-expanded={open === ep.id}
                    onClick={() => setOpen(open === ep.id ? undefined : ep.id)}
                  >
                    {open === ep.id ? '▾' : '▸'} <strong>{ep.kind}</strong> · {dateTime(ep.from, plant.tz)} –{' '}
                    {ep.to ? dateTime(ep.to, plant.tz) : 'open'} · {last.message}
                  </button>
                  {open === ep.id && <Evidence events={ep.events} tz={plant.tz} />}
                </li>
              );
            })}
          </ul>
        )}
      </section>
    </section>
  );
}

function EpisodeStrip({ episodes, from, to }: { episodes: readonly Episode[]; from: number; to: number }) {
  const x = (t: number) => ((Math.min(Math.max(t, from), to) - from) / (to - from)) * 1000;
  const shown = episodes.filter((e) => (e.to ?? to) >= from && e.from <= to);
  return (
    <svg viewBox="0 0 1000 14" width="100%" height="14" role="img" aria-label="Anomaly and health episodes">
      <rect width="1000" height="14" fill="#ececea" />
      {shown.map((e) => (
        <rect
          key={e.id}
          x={x(e.from)}
          width={Math.max(2, x(e.to ?? to) - x(e.from))}
          height="14"
          fill={e.kind.includes('anomaly') ? '#d08a1c' : '#c1121f'}
        >
          <title>{e.kind}</title>
        </rect>
      ))}
    </svg>
  );
}

function RulChart({
  mode,
  path,
  trend,
  xRange,
}: {
  mode: string;
  path: string;
  trend?: { series: { tagId: string; t: number[]; v: (number | null)[] }[] };
  xRange: [number, number];
}) {
  const plant = usePlant();
  const chart = useMemo(() => {
    const find = (suffix: string) => trend?.series.find((s) => s.tagId === `${path}/health/rul_${mode}_h${suffix}`);
    const mid = find('');
    const low = find('_low');
    const high = find('_high');
    if (!mid || !low || !high) return undefined;
    // The three tags are written together; align on the median's timestamps.
    const at = (s: { t: number[]; v: (number | null)[] }) => {
      const m = new Map(s.t.map((t, i) => [t, s.v[i] ?? null]));
      return mid.t.map((t) => m.get(t) ?? null);
    };
    return {
      x: mid.t,
      series: [
        { label: `RUL ${mode}`, unit: 'h', values: mid.v, colour: '#1e1f21' },
        { label: '80 % low', unit: 'h', values: at(low), dash: true },
        { label: '80 % high', unit: 'h', values: at(high), dash: true },
      ],
    };
  }, [trend, mode, path]);
  if (!chart) return null;
  return (
    <section className="card" aria-label={`Remaining useful life, ${mode}`}>
      <div className="card-head">
        <h2>Remaining useful life · {mode}</h2>
        <span className="muted small">median with its 80 % interval</span>
      </div>
      <TimeChart
        x={chart.x}
        series={chart.series}
        band={[1, 2]}
        tz={plant.tz}
        xRange={xRange}
        label={`RUL of ${mode} over time`}
        testId="rul-chart"
      />
    </section>
  );
}

function Contributors({ list, caption }: { list: MachineHealth['contributors']; caption: string }) {
  return (
    <div className="table-wrap">
      <table className="grid" data-testid="contributors">
        <caption className="muted small">{caption}</caption>
        <thead>
          <tr>
            <th>Signal</th>
            <th className="num">z</th>
            <th className="num">Value</th>
            <th className="num">Expected</th>
            <th className="num">± σ</th>
          </tr>
        </thead>
        <tbody>
          {list.map((c) => (
            <tr key={c.signal}>
              <td>{c.signal}</td>
              <td className="num">{num(c.z, 1)}</td>
              <td className="num">{num(c.value)}</td>
              <td className="num">{num(c.expected)}</td>
              <td className="num">{num(c.expectedStd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Evidence({ events, tz }: { events: readonly PdmEvent[]; tz: string }) {
  return (
    <div className="evidence" data-testid="evidence">
      {events.map((e) => {
        const d = e.details ?? {};
        const contributors = Array.isArray(d.contributors)
          ? (d.contributors as {
              signal: string;
              z: number;
              value: number;
              baselineMean: number;
              baselineStd: number;
            }[])
          : [];
        const scalars = Object.entries(d).filter(([, v]) => typeof v !== 'object' || v === null);
        return (
          <div key={`${e.ts}|${e.kind}`} className="evidence-item">
            <div>
              <strong>{e.kind}</strong> · {dateTime(Date.parse(e.ts), tz)} · {e.severity} · {e.message}
            </div>
            <dl className="meta">
              {scalars.map(([k, v]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd>{typeof v === 'number' ? num(v) : String(v)}</dd>
                </div>
              ))}
            </dl>
            {contributors.length > 0 && (
              <Contributors
                caption="Contributing signals"
                list={contributors.map((c) => ({
                  signal: c.signal,
                  z: c.z,
                  value: c.value,
                  expected: c.baselineMean,
                  expectedStd: c.baselineStd,
                }))}
              />
            )}
          </div>
        );
      })}
    </div>
  );
}
