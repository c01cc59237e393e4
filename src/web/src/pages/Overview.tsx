import { useEffect, useMemo, useRef, useState } from 'react';
import { type AssetNode, api, type Tag } from '../api';
import { AssetTree } from '../components/AssetTree';
import { StateBadge } from '../components/Badges';
import { KpiTiles } from '../components/KpiTiles';
import { Sparkline } from '../components/Sparkline';
import { shortName } from '../components/Trend';
import { age, num } from '../format';
import { type LiveValue, link, useLive } from '../live';
import { findNode, machinesOf, type Plant, usePlant } from '../plant';
import { href } from '../router';
import { useSession } from '../session';
import { KEY_TAGS, SPARK_TAGS, STATE_TAG, type StateInfo, stateInfo, statesFromDescription } from '../states';
import { useKpiSummary } from './Kpi';

const SPARK_MS = 15 * 60_000;

/** One machine as the overview shows it. */
interface MachineView {
  node: AssetNode;
  tags: Tag[];
  stateTag?: Tag;
  keyTags: Tag[];
  sparkTag?: Tag;
  sources: string[];
}

function machineView(node: AssetNode, plant: Plant): MachineView {
  const tags = plant.tagsByAsset.get(node.path) ?? [];
  const bySuffix = (suffix: string) => tags.find((t) => t.id.endsWith(`/${suffix}`));
  const keyTags: Tag[] = [];
  for (const k of KEY_TAGS) {
    const t = bySuffix(k);
    if (t && keyTags.length < 3) keyTags.push(t);
  }
  let sparkTag: Tag | undefined;
  for (const k of SPARK_TAGS) {
    sparkTag ??= bySuffix(k);
  }
  return {
    node,
    tags,
    stateTag: bySuffix(STATE_TAG),
    keyTags,
    sparkTag,
    sources: [...new Set(tags.map((t) => t.lineage.source))],
  };
}

export function kindOf(tags: readonly Tag[]): string {
  const has = (s: string) => tags.some((t) => t.id.includes(`/${s}/`));
  if (has('spindle')) return 'CNC machining centre';
  if (has('filler')) return 'Filling line';
  if (has('air')) return 'Air compressor';
  if (has('electrical')) return 'Energy meter';
  return 'Machine';
}

export function OverviewPage({ focus }: { focus: string }) {
  const plant = usePlant();
  const { principal } = useSession();
  // KPIs of a container above a user's scope are refused by the hub: show the scope's own instead.
  const kpiAsset = (asset: string) =>
    principal.scope.length === 0 || principal.scope.some((s) => asset === s || asset.startsWith(`${s}/`))
      ? asset
      : (principal.scope[0] as string);
  const root = plant.tree;
  const focusNode = (focus && findNode(root, focus)) || root;
  const machines = useMemo(() => machinesOf(focusNode).map((m) => machineView(m, plant)), [focusNode, plant]);
  const liveAssets = useMemo(() => (focusNode ? [focusNode.path] : []), [focusNode]);
  const latest = useLive([], liveAssets, 500);
  const sparkIds = useMemo(() => machines.flatMap((m) => (m.sparkTag ? [m.sparkTag.id] : [])), [machines]);
  const sparks = useSparks(sparkIds);

  // Group machines by line (their parent); a line rolls up its machines.
  const lines = useMemo(() => {
    const byLine = new Map<string, MachineView[]>();
    for (const m of machines) {
      const linePath = m.node.path.split('/').slice(0, -1).join('/');
      const list = byLine.get(linePath);
      if (list) list.push(m);
      else byLine.set(linePath, [m]);
    }
    return [...byLine.entries()].map(([path, ms]) => ({ node: findNode(root, path), path, machines: ms }));
  }, [machines, root]);

  const sourceState = new Map(plant.health?.sources.map((s) => [s.name, s.state]) ?? []);
  const now = Date.now();
  const states = machines.map((m) => machineState(m, latest));
  const count = (sev: string) => states.filter((s) => s?.severity === sev).length;
  const running = states.filter((s) => s?.active).length;

  if (plant.error && !root) {
    return (
      <section className="page">
        <h1>Plant overview</h1>
        <div className="banner banner-alarm" role="alert">
          Could not load the asset model: {plant.error}
        </div>
      </section>
    );
  }

  return (
    <div className="with-tree">
      <aside className="tree-panel" aria-label="Asset tree">
        <h2 className="panel-title">Assets</h2>
        {root ? <AssetTree root={root} selected={focusNode?.path ?? ''} /> : <p className="muted">Loading…</p>}
      </aside>
      <section className="page" aria-labelledby="overview-title">
        <div className="page-head">
          <div>
            <h1 id="overview-title">{focusNode && focusNode !== root ? focusNode.name : 'Plant overview'}</h1>
            <p className="muted">
              {machines.length} machines · {running} running
              {count('alarm') > 0 && <strong className="text-alarm"> · {count('alarm')} in fault</strong>}
              {count('warning') > 0 && <strong className="text-warn"> · {count('warning')} in maintenance</strong>}
            </p>
          </div>
        </div>
        {focusNode && (focusNode.level !== 'enterprise' || plant.sites[0]) && (
          <OverviewKpis
            asset={kpiAsset(focusNode.level === 'enterprise' ? (plant.sites[0]?.path ?? '') : focusNode.path)}
          />
        )}
        {!root && <p className="muted">Loading the plant…</p>}
        {root && machines.length === 0 && (
          <p className="empty">
            No machines yet. Machines appear here as soon as a source discovers their tags (see Connections).
          </p>
        )}
        {lines.map((line) => {
          const ls = line.machines.map((m) => machineState(m, latest));
          const worst = ls.find((s) => s?.severity === 'alarm') ?? ls.find((s) => s?.severity === 'warning');
          const lineRunning = ls.filter((s) => s?.active).length;
          const area = line.path.split('/').slice(0, -1).join('/');
          const areaNode = findNode(root, area);
          return (
            <section key={line.path} className="line" aria-label={`Line ${line.node?.name ?? line.path}`}>
              <header className="line-head">
                <h2>
                  <span className="muted">{areaNode?.name ?? ''} ›</span> {line.node?.name ?? line.path}
                </h2>
                <span className="line-rollup" data-testid="line-rollup">
                  {lineRunning}/{line.machines.length} running
                  {worst && (
                    <>
                      {' · '}
                      <StateBadge state={worst} />
                    </>
                  )}
                </span>
              </header>
              <div className="tiles">
                {line.machines.map((m, i) => (
                  <MachineTile
                    key={m.node.path}
                    m={m}
                    state={ls[i]}
                    latest={latest}
                    spark={m.sparkTag ? sparks.get(m.sparkTag.id) : undefined}
                    commState={m.sources.map((s) => sourceState.get(s)).find((s) => s !== 'connected') ?? 'connected'}
                    now={now}
                  />
                ))}
              </div>
            </section>
          );
        })}
      </section>
    </div>
  );
}

/** KPI tiles of the focused site, area or line for the running shift; each leads to the KPI page. */
function OverviewKpis({ asset }: { asset: string }) {
  const s = useKpiSummary(asset, 'current', 10_000);
  if (!s.value) return null;
  return (
    <section className="overview-kpis" aria-label="KPIs of the current shift">
      <h2 className="small muted">
        Current shift {s.value.shift} · <a href={href('kpi', asset)}>KPIs</a>
      </h2>
      <KpiTiles kpis={s.value.kpis} drillHref={href('kpi', asset, { drill: '*' })} compact />
    </section>
  );
}

function machineState(m: MachineView, latest: Map<string, LiveValue>): StateInfo | undefined {
  if (!m.stateTag) return undefined;
  const v = latest.get(m.stateTag.id);
  if (!v || typeof v.value !== 'number') return undefined;
  return stateInfo(v.value, statesFromDescription(m.stateTag.description));
}

function MachineTile({
  m,
  state,
  latest,
  spark,
  commState,
  now,
}: {
  m: MachineView;
  state: StateInfo | undefined;
  latest: Map<string, LiveValue>;
  spark?: { t: number[]; v: (number | null)[] };
  commState: string;
  now: number;
}) {
  const comm = commState === 'connected';
  const stateValue = m.stateTag ? latest.get(m.stateTag.id) : undefined;
  const stale = !comm || (stateValue !== undefined && stateValue.statusCode >>> 30 !== 0);
  const sev = stale ? 'stale' : (state?.severity ?? 'normal');
  return (
    <a
      className={`tile tile-${sev}`}
      href={href('machine', m.node.path)}
      data-testid="machine-tile"
      data-machine={m.node.path}
      aria-label={`${m.node.name}: ${stale ? 'communication lost' : (state?.label ?? 'state unknown')}`}
    >
      <div className="tile-head">
        <div>
          <div className="tile-name">{m.node.name}</div>
          <div className="tile-kind muted small">{m.node.description ?? kindOf(m.tags)}</div>
        </div>
        <StateBadge state={state} stale={stale} />
      </div>
      <dl className="kv">
        {m.keyTags.map((t) => {
          const v = latest.get(t.id);
          const bad = v !== undefined && v.statusCode >>> 30 !== 0;
          return (
            <div key={t.id} className={bad ? 'kv-bad' : undefined}>
              <dt>{shortName(t)}</dt>
              <dd data-testid="key-value" data-tag={t.id}>
                {bad && <span title={v?.status}>✕ </span>}
                {num(v?.value)}
                <span className="unit"> {t.unit}</span>
              </dd>
            </div>
          );
        })}
      </dl>
      {m.sparkTag && (
        <div className="tile-spark">
          <span className="muted small">{shortName(m.sparkTag)} · 15 min</span>
          <Sparkline
            t={spark?.t ?? []}
            v={spark?.v ?? []}
            from={now - SPARK_MS}
            to={now}
            width={200}
            height={34}
            label={`${shortName(m.sparkTag)}, last 15 minutes`}
          />
        </div>
      )}
      <div className="tile-foot small">
        {comm ? (
          <span className="muted">
            <span className="dot dot-ok" aria-hidden="true" /> OPC UA connected
            {stateValue && ` · updated ${age(now - lastUpdate(m, latest))} ago`}
          </span>
        ) : (
          <span className="text-stale">
            <span className="dot dot-bad" aria-hidden="true" /> Communication lost ({commState})
          </span>
        )}
      </div>
    </a>
  );
}

function lastUpdate(m: MachineView, latest: Map<string, LiveValue>): number {
  let t = 0;
  for (const tag of m.tags) {
    const v = latest.get(tag.id);
    if (v && v.ts > t) t = v.ts;
  }
  return t;
}

/** Last 15 min of each sparkline tag: fetched (downsampled) once a minute, live values appended. */
function useSparks(ids: readonly string[]): Map<string, { t: number[]; v: (number | null)[] }> {
  const [, setTick] = useState(0);
  const data = useRef(new Map<string, { t: number[]; v: (number | null)[] }>());
  const key = ids.join('|');
  // biome-ignore lint/correctness/useExhaustiveDependencies: key stands for ids
  useEffect(() => {
    if (ids.length === 0) return;
    let alive = true;
    const load = async () => {
      const now = Date.now();
      for (let i = 0; i < ids.length; i += 16) {
        const chunk = ids.slice(i, i + 16);
        try {
          const r = await api.trend(chunk, now - SPARK_MS, now, 240);
          if (!alive) return;
          for (const s of r.series) data.current.set(s.tagId, { t: s.t, v: s.v });
        } catch {
          // The tile shows "no data"; the next load retries.
        }
      }
      if (alive) setTick((n) => n + 1);
    };
    void load();
    const every = setInterval(load, 60_000);
    const watched = new Set(ids);
    const off = link.onValues((values) => {
      for (const v of values) {
        if (!watched.has(v.tag)) continue;
        const d = data.current.get(v.tag);
        if (!d) continue;
        if (v.ts <= (d.t[d.t.length - 1] ?? 0)) continue;
        d.t.push(v.ts);
        d.v.push(v.statusCode >>> 30 === 0 && typeof v.value === 'number' ? v.value : null);
      }
    });
    return () => {
      alive = false;
      clearInterval(every);
      off();
    };
  }, [key]);
  return data.current;
}
