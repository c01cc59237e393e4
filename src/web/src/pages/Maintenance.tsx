import { useState } from 'react';
import { API, ApiError, call, client, csrfToken, put, type Reply } from '../api';
import { dateTime, num } from '../format';
import { usePlant } from '../plant';
import { usePoll } from '../poll';
import { href, type Route, replaceParams } from '../router';

/** A work order as `/workorders` returns it (src/workflows/types.ts, docs/workflows.md). */
type WorkOrder = Reply<'/api/v1/workorders'>['workOrders'][number];
type Calendar = Reply<'/api/v1/maintenance/calendar'>;

const STATUS_LABEL: Record<WorkOrder['status'], string> = {
  open: 'Open',
  planned: 'Planned',
  in_progress: 'In progress',
  done: 'Done',
  cancelled: 'Cancelled',
};

const NEXT: Record<WorkOrder['status'], WorkOrder['status'][]> = {
  open: ['planned', 'in_progress', 'done', 'cancelled'],
  planned: ['in_progress', 'done', 'cancelled'],
  in_progress: ['done', 'cancelled'],
  done: [],
  cancelled: [],
};

const ACTION_LABEL: Partial<Record<WorkOrder['status'], string>> = {
  planned: 'Plan',
  in_progress: 'Start',
  done: 'Complete',
  cancelled: 'Cancel',
};

const RANGES: Record<string, number> = {
  '1h': 3_600_000,
  '8h': 8 * 3_600_000,
  '24h': 24 * 3_600_000,
  '7d': 7 * 86_400_000,
};

async function setStatus(id: string, status: WorkOrder['status'], note?: string): Promise<void> {
  const res = await fetch(`${API}/workorders/${encodeURIComponent(id)}/status`, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json', 'x-csrf-token': csrfToken() },
    body: JSON.stringify(note ? { status, note } : { status }),
  });
  if (!res.ok) {
    const b = (await res.json().catch(() => undefined)) as { error?: { code: string; message: string } } | undefined;
    throw new ApiError(res.status, b?.error?.code ?? `HTTP_${res.status}`, b?.error?.message ?? res.statusText);
  }
}

const short = (asset: string) => asset.split('/').slice(-2).join('/');

/**
 * Maintenance: the work orders rules opened (reason and evidence, priority, due date from the RUL,
 * history), their status moves (operator role), and the maintenance calendar — planned work against
 * the planned-downtime windows and the production schedule.
 */
export function MaintenancePage({ route }: { route: Route }) {
  const { tz } = usePlant();
  const range = route.params.get('range') ?? '24h';
  const span = RANGES[range] ?? RANGES['24h']!;
  const selected = route.params.get('wo') ?? undefined;
  const list = usePoll(
    'workorders',
    (s) => call(client.GET('/api/v1/workorders', { params: { query: { limit: 200 } }, signal: s })),
    3000,
  );
  const cal = usePoll(
    `calendar-${range}`,
    (s) => {
      const from = Date.now() - span / 8;
      return call(
        client.GET('/api/v1/maintenance/calendar', {
          params: { query: { from: String(from), to: String(from + span) } },
          signal: s,
        }),
      );
    },
    5000,
  );
  const [busy, setBusy] = useState<string>();
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const t = (ms: number | undefined) => (ms === undefined ? '—' : dateTime(ms, tz));

  const move = async (wo: WorkOrder, status: WorkOrder['status']) => {
    if (status === 'cancelled' && !window.confirm(`Cancel ${wo.id} (${wo.title})?`)) return;
    setBusy(wo.id);
    try {
      await setStatus(wo.id, status);
      setMessage({ ok: true, text: `${wo.id}: ${STATUS_LABEL[status]}` });
    } catch (err) {
      setMessage({ ok: false, text: `${wo.id}: ${(err as Error).message}` });
    } finally {
      setBusy(undefined);
      list.refresh();
      cal.refresh();
    }
  };

  const orders = list.value?.workOrders ?? [];
  const active = orders.filter((w) => w.status !== 'done' && w.status !== 'cancelled');
  const closed = orders.filter((w) => w.status === 'done' || w.status === 'cancelled').slice(0, 20);
  const sel = orders.find((w) => w.id === selected);

  return (
    <section className="page" aria-labelledby="maint-title">
      <div className="page-head">
        <div>
          <h1 id="maint-title">Maintenance</h1>
          <p className="muted">
            Work orders opened by rules, planned automatically into the next planned-downtime window before the
            predicted failure; escalated when none fits.
          </p>
        </div>
      </div>
      {message && (
        <div className={`banner ${message.ok ? '' : 'banner-alarm'}`} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </div>
      )}
      {list.error && (
        <div className="banner banner-alarm" role="alert">
          Could not load work orders: {list.error}
        </div>
      )}

      <div className="card" data-testid="maintenance-calendar">
        <div className="card-head">
          <h2>Maintenance calendar</h2>
          <fieldset className="chips" aria-label="Range">
            {Object.keys(RANGES).map((r) => (
              <button
                key={r}
                type="button"
                className="chip"
                aria-pressed={r === range}
                onClick={() => replaceParams({ range: r })}
              >
                {r}
              </button>
            ))}
          </fieldset>
        </div>
        {cal.error && <p className="muted">Calendar unavailable: {cal.error}</p>}
        {cal.value && <CalendarChart cal={cal.value} tz={tz} onSelect={(id) => replaceParams({ wo: id })} />}
      </div>

      <div className="card">
        <div className="card-head">
          <h2>Work orders</h2>
          <span className="muted">{active.length} active</span>
        </div>
        <div className="table-wrap">
          <table className="grid" data-testid="workorders">
            <thead>
              <tr>
                <th>Id</th>
                <th>Machine</th>
                <th>Title</th>
                <th className="num">Priority</th>
                <th>Status</th>
                <th>Planned</th>
                <th>Due by</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {active.length === 0 && (
                <tr>
                  <td colSpan={8} className="muted">
                    No open work orders.
                  </td>
                </tr>
              )}
              {[...active, ...closed].map((w) => (
                <tr
                  key={w.id}
                  className={w.id === selected ? 'row-sel' : w.escalated && w.status === 'open' ? 'row-bad' : undefined}
                  data-status={w.status}
                >
                  <td>
                    <a href={href('maintenance', '', { range, wo: w.id })}>{w.id}</a>
                  </td>
                  <td>
                    <a href={href('machine', w.asset)}>{short(w.asset)}</a>
                  </td>
                  <td>{w.title}</td>
                  <td className="num">
                    {w.priority}
                    {w.escalated ? ' ▲' : ''}
                  </td>
                  <td>{STATUS_LABEL[w.status]}</td>
                  <td>{w.plannedStart ? `${t(w.plannedStart)} (${num(w.requiredDowntimeMin, 1)} min)` : '—'}</td>
                  <td>{t(w.dueBy)}</td>
                  <td>
                    {NEXT[w.status].map((s) => (
                      <button
                        key={s}
                        type="button"
                        disabled={busy === w.id}
                        onClick={() => void move(w, s)}
                        aria-label={`${ACTION_LABEL[s]} ${w.id}`}
                      >
                        {ACTION_LABEL[s]}
                      </button>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      {sel && <WorkOrderDetail wo={sel} tz={tz} />}
      <RulesCard />
    </section>
  );
}

function WorkOrderDetail({ wo, tz }: { wo: WorkOrder; tz: string }) {
  const h = usePoll(
    `wo-${wo.id}-${wo.status}`,
    (s) => call(client.GET('/api/v1/workorders/{id}', { params: { path: { id: wo.id } }, signal: s })),
    5000,
  );
  const e = wo.evidence;
  return (
    <div className="card" data-testid="workorder-detail">
      <div className="card-head">
        <h2>
          {wo.id}: {wo.title}
        </h2>
        {e.trendUrl && <a href={e.trendUrl.replace(/^\/#/, '#')}>Trend around the trigger</a>}
      </div>
      <p>{wo.reason}</p>
      <dl className="kv">
        <dt>Failure mode</dt>
        <dd>{wo.failureMode}</dd>
        {e.values?.map((v) => (
          <span key={v.tagId}>
            <dt>{v.tagId.split('/').slice(-2).join('/')}</dt>
            <dd>
              {num(v.value as number, 2)} {v.unit ?? ''} at {dateTime(v.ts, tz)}
            </dd>
          </span>
        ))}
        {e.healthIndex !== undefined && (
          <>
            <dt>Health index</dt>
            <dd>{num(e.healthIndex, 0)}</dd>
          </>
        )}
        {e.anomalyScore !== undefined && (
          <>
            <dt>Anomaly score</dt>
            <dd>{num(e.anomalyScore, 1)}</dd>
          </>
        )}
        {e.rulHours !== undefined && (
          <>
            <dt>Remaining useful life</dt>
            <dd>
              {num(e.rulHours, 1)} h (80 %: {num(e.rulLowHours ?? null, 1)}–{num(e.rulHighHours ?? null, 1)} h)
            </dd>
          </>
        )}
        {Object.entries(wo.externalIds).map(([k, v]) => (
          <span key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </span>
        ))}
      </dl>
      <h3>History</h3>
      <ol className="muted">
        {(h.value?.history ?? []).map((r) => (
          <li key={`${r.ts}-${r.kind}-${r.status}-${r.note ?? ''}`}>
            {dateTime(r.ts, tz)} · {r.actor} · {r.kind} → {r.status}
            {r.note ? ` — ${r.note}` : ''}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** Planned work per machine against downtime windows and production runs, with a "now" line. */
function CalendarChart({ cal, tz, onSelect }: { cal: Calendar; tz: string; onSelect(id: string): void }) {
  const W = 1000;
  const lane = 26;
  const head = 22;
  const gutter = 130;
  const x = (t: number) =>
    gutter + ((Math.min(Math.max(t, cal.from), cal.to) - cal.from) / (cal.to - cal.from)) * (W - gutter);
  const assets = [...new Set(cal.workOrders.map((w) => w.asset))].sort();
  const H = head + lane * (assets.length + 2);
  const ticks: number[] = [];
  const step = niceStep(cal.to - cal.from);
  // No label that would run off the right edge.
  for (let t = Math.ceil(cal.from / step) * step; t < cal.to - step / 3; t += step) ticks.push(t);
  const fmtTick = (t: number) =>
    step >= 86_400_000
      ? dateTime(t, tz).slice(0, 6)
      : new Intl.DateTimeFormat(undefined, { timeZone: tz, hour: '2-digit', minute: '2-digit' }).format(t);
  return (
    <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label="Maintenance calendar" style={{ fontSize: 11 }}>
      {ticks.map((t) => (
        <g key={t}>
          <line x1={x(t)} x2={x(t)} y1={head - 4} y2={H} stroke="#d8d8d5" />
          <text x={x(t) + 2} y={12} fill="#62656a">
            {fmtTick(t)}
          </text>
        </g>
      ))}
      <text x={4} y={head + 17} fill="#62656a">
        Downtime windows
      </text>
      {cal.windows.map((w) => (
        <rect
          key={`w${w.start}`}
          data-testid="calendar-window"
          x={x(w.start)}
          y={head + 4}
          width={Math.max(1, x(w.end) - x(w.start))}
          height={lane - 8}
          fill="#c9d6e3"
        >
          <title>
            {w.names.join(', ')}: {dateTime(w.start, tz)} – {dateTime(w.end, tz)}
          </title>
        </rect>
      ))}
      <text x={4} y={head + lane + 17} fill="#62656a">
        Production schedule
      </text>
      {cal.entries.map((e) => (
        <rect
          key={`e${e.id}`}
          x={x(e.start)}
          y={head + lane + 4}
          width={Math.max(1, x(e.end) - x(e.start))}
          height={lane - 8}
          fill={e.kind === 'production' ? '#b7b8b4' : '#c9d6e3'}
        >
          <title>
            {e.kind}: {e.name} {dateTime(e.start, tz)} – {dateTime(e.end, tz)}
          </title>
        </rect>
      ))}
      {assets.map((a, i) => {
        const y = head + lane * (i + 2);
        return (
          <g key={a}>
            <text x={4} y={y + 17} fill="#1e1f21">
              {short(a)}
            </text>
            {cal.workOrders
              .filter((w) => w.asset === a)
              .map((w) => (
                // biome-ignore lint/a11y/useSemanticElements: an SVG bar; the table below has the same action as a link
                <g
                  key={w.id}
                  role="button"
                  tabIndex={0}
                  data-testid="calendar-workorder"
                  onClick={() => onSelect(w.id)}
                  onKeyDown={(ev) => ev.key === 'Enter' && onSelect(w.id)}
                  style={{ cursor: 'pointer' }}
                >
                  <rect
                    x={x(w.plannedStart!)}
                    y={y + 3}
                    width={Math.max(3, x(w.plannedEnd!) - x(w.plannedStart!))}
                    height={lane - 6}
                    fill={w.status === 'done' ? '#8a8c90' : w.status === 'in_progress' ? '#1f4e79' : '#3f6f9f'}
                  />
                  <title>
                    {w.id} {w.title} ({w.status}) {dateTime(w.plannedStart!, tz)} – {dateTime(w.plannedEnd!, tz)}
                  </title>
                </g>
              ))}
            {cal.workOrders
              .filter((w) => w.asset === a && w.dueBy !== undefined && w.dueBy < cal.to)
              .map((w) => (
                <line
                  key={`d${w.id}`}
                  x1={x(w.dueBy!)}
                  x2={x(w.dueBy!)}
                  y1={y}
                  y2={y + lane}
                  stroke="#c1121f"
                  strokeWidth={2}
                >
                  <title>
                    {w.id}: predicted failure by {dateTime(w.dueBy!, tz)}
                  </title>
                </line>
              ))}
          </g>
        );
      })}
      <line x1={x(cal.now)} x2={x(cal.now)} y1={head - 6} y2={H} stroke="#1e1f21" strokeDasharray="3 2" />
    </svg>
  );
}

function niceStep(span: number): number {
  const steps = [60_000, 300_000, 900_000, 3_600_000, 3 * 3_600_000, 6 * 3_600_000, 86_400_000];
  return steps.find((s) => span / s <= 12) ?? 86_400_000;
}

/**
 * The rules with their version; an engineer edits one as JSON (the same shape as the YAML). The hub
 * validates it with the config schema and answers every problem with its path.
 */
function RulesCard() {
  const rules = usePoll('rules', (s) => call(client.GET('/api/v1/rules', { signal: s })), 10_000);
  const [editing, setEditing] = useState<{ id: string; text: string }>();
  const [error, setError] = useState<string>();
  const save = async () => {
    if (!editing) return;
    let body: unknown;
    try {
      body = JSON.parse(editing.text);
    } catch (e) {
      setError(`not JSON: ${(e as Error).message}`);
      return;
    }
    const id = (body as { id?: string }).id ?? editing.id;
    try {
      await put(`/rules/${encodeURIComponent(id)}`, body);
      setEditing(undefined);
      setError(undefined);
      rules.refresh();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <div className="card" data-testid="rules">
      <div className="card-head">
        <h2>Rules</h2>
        <button
          type="button"
          onClick={() =>
            setEditing({
              id: '',
              text: JSON.stringify(
                {
                  id: 'new-rule',
                  trigger: { kind: 'tag', tag: 'bearing/wear', above: 80, for: '10m' },
                  actions: [
                    {
                      kind: 'workOrder',
                      failureMode: 'bearing_wear',
                      title: 'Check {{asset}}',
                      requiredDowntime: '1h',
                    },
                  ],
                },
                null,
                2,
              ),
            })
          }
        >
          New rule
        </button>
      </div>
      {rules.error && <p className="muted">Rules unavailable: {rules.error}</p>}
      <div className="table-wrap">
        <table className="grid">
          <thead>
            <tr>
              <th>Rule</th>
              <th>Trigger</th>
              <th>Actions</th>
              <th>Assets</th>
              <th className="num">Version</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(rules.value?.rules ?? []).map(({ rule, version }) => (
              <tr key={rule.id} className={rule.enabled ? undefined : 'row-bad'}>
                <td>
                  {rule.name ?? rule.id}
                  {rule.enabled ? '' : ' (disabled)'}
                </td>
                <td>
                  <code>{triggerText(rule.trigger)}</code>
                </td>
                <td>{rule.actions.map((a) => a.kind).join(', ')}</td>
                <td>{rule.assets.length === 0 ? 'all' : rule.assets.map(short).join(', ')}</td>
                <td className="num">{version}</td>
                <td>
                  <button
                    type="button"
                    onClick={() => setEditing({ id: rule.id, text: JSON.stringify(rule, null, 2) })}
                  >
                    Edit
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {editing && (
        <div>
          <label htmlFor="rule-json">
            Rule (JSON, as in <code>workflows.rules</code>)
          </label>
          <textarea
            id="rule-json"
            rows={16}
            style={{ width: '100%', fontFamily: 'monospace', fontSize: 12 }}
            value={editing.text}
            onChange={(e) => setEditing({ ...editing, text: e.target.value })}
          />
          {error && (
            <div className="banner banner-alarm" role="alert">
              {error}
            </div>
          )}
          <button type="button" onClick={() => void save()}>
            Save as new version
          </button>
          <button
            type="button"
            onClick={() => {
              setEditing(undefined);
              setError(undefined);
            }}
          >
            Discard
          </button>
        </div>
      )}
    </div>
  );
}

function triggerText(t: { kind: string } & Record<string, unknown>): string {
  const dur = (v: unknown) => (typeof v === 'number' && v > 0 ? ` for ${Math.round(v / 1000)} s` : '');
  switch (t.kind) {
    case 'tag':
    case 'kpi': {
      const what = t.kind === 'tag' ? String(t.tag) : String(t.kpi);
      const cmp = t.above !== undefined ? `> ${t.above}` : `< ${t.below}`;
      return `${what} ${cmp}${t.clear !== undefined ? ` (clear ${t.clear})` : ''}${dur(t.for)}`;
    }
    case 'pdm':
      return `pdm ${t.event}${t.mode ? ` (${t.mode})` : ''}${dur(t.for)}`;
    case 'state':
      return `${t.tag} → ${(t.to as number[]).join('|')}${dur(t.for)}`;
    default:
      return `every ${Math.round(Number(t.every) / 60_000)} min`;
  }
}
