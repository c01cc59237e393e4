import { useMemo } from 'react';
import { api, type Tag } from '../api';
import { QualityBadge, StateBadge } from '../components/Badges';
import { RangePicker, rangeFromParams, rangeToParams, resolveRange, type TimeRange } from '../components/RangePicker';
import { SERIES_COLOURS, shortName, Trend } from '../components/Trend';
import { age, dateTime, num } from '../format';
import { useLive } from '../live';
import { breadcrumb, findNode, usePlant } from '../plant';
import { href, replaceParams, useRoute } from '../router';
import { KEY_TAGS, STATE_TAG, stateInfo, statesFromDescription } from '../states';
import { kindOf } from './Overview';

const MAX_TRENDED = 8;

export function MachinePage({ path }: { path: string }) {
  const plant = usePlant();
  const route = useRoute();
  const node = findNode(plant.tree, path);
  const tags = useMemo(
    () => [...(plant.tagsByAsset.get(path) ?? [])].sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true })),
    [plant.tagsByAsset, path],
  );
  const numeric = useMemo(() => tags.filter((t) => t.dataType !== 'String'), [tags]);
  const latest = useLive(
    [],
    useMemo(() => [path], [path]),
    250,
  );
  const range = rangeFromParams(route.params);
  const setRange = (r: TimeRange) => replaceParams(rangeToParams(r));

  const defaultTrend = useMemo(() => {
    const out: string[] = [];
    for (const k of KEY_TAGS) {
      const t = numeric.find((x) => x.id.endsWith(`/${k}`));
      if (t && out.length < 3) out.push(t.id);
    }
    return out;
  }, [numeric]);
  const selectedIds = route.params.get('tags')?.split(',').filter(Boolean) ?? defaultTrend;
  const trended = selectedIds.map((id) => plant.tagsById.get(id)).filter((t): t is Tag => t !== undefined);
  const setTrended = (ids: string[]) => replaceParams({ tags: ids.join(',') });
  const { from, to } = resolveRange(range);
  // A relative range exports "now-15m … now" as of the click, not as of the page load.
  const exportRange: [string | number, string | number] =
    range.kind === 'relative' ? [`now-${range.key}`, 'now'] : [range.from, range.to];

  if (!node && plant.tree) {
    return (
      <section className="page">
        <h1>Unknown machine</h1>
        <p>
          No asset at <code>{path}</code>. <a href="#/overview">Back to the overview</a>.
        </p>
      </section>
    );
  }
  const stateTag = tags.find((t) => t.id.endsWith(`/${STATE_TAG}`));
  const sv = stateTag ? latest.get(stateTag.id) : undefined;
  const state =
    typeof sv?.value === 'number' ? stateInfo(sv.value, statesFromDescription(stateTag?.description)) : undefined;
  const sources = [...new Set(tags.map((t) => t.lineage.source))];
  const conn = plant.health?.sources.filter((s) => sources.includes(s.name)) ?? [];
  const commOk = conn.every((s) => s.state === 'connected');
  const toggle = (id: string) =>
    setTrended(
      selectedIds.includes(id) ? selectedIds.filter((x) => x !== id) : [...selectedIds, id].slice(-MAX_TRENDED),
    );

  return (
    <section className="page" aria-labelledby="machine-title">
      <nav aria-label="Breadcrumb" className="crumbs">
        {breadcrumb(plant.tree, path).map((n, i, all) =>
          i === all.length - 1 ? (
            <span key={n.path} aria-current="page">
              {n.name}
            </span>
          ) : (
            <a key={n.path} href={href('overview', n.path)}>
              {n.name}
            </a>
          ),
        )}
      </nav>
      <div className="page-head">
        <div>
          <h1 id="machine-title">{node?.name ?? path}</h1>
          <p className="muted">
            {node?.description ?? kindOf(tags)} · {tags.length} tags · <code>{path}</code>
          </p>
        </div>
        <div className="head-status">
          <StateBadge state={state} stale={!commOk} />
          {conn.map((s) => (
            <a key={s.name} href="#/connections" className={`pill ${s.state === 'connected' ? '' : 'pill-alarm'}`}>
              <span className={`dot ${s.state === 'connected' ? 'dot-ok' : 'dot-bad'}`} aria-hidden="true" />
              {s.name}: {s.state}
            </a>
          ))}
        </div>
      </div>

      <div className="card">
        <div className="card-head">
          <h2>Trend</h2>
          <RangePicker value={range} tz={plant.tz} onChange={setRange} />
          <a
            className="button"
            href={
              trended.length
                ? api.exportUrl(
                    trended.map((t) => t.id),
                    exportRange[0],
                    exportRange[1],
                    plant.tz,
                  )
                : undefined
            }
            download
            aria-disabled={trended.length === 0}
            data-testid="export-csv"
            title="Raw values of the trended tags in this range, with source timestamps and StatusCodes"
          >
            Export CSV
          </a>
        </div>
        <ul className="chips" aria-label="Trended tags">
          {trended.map((t, i) => (
            <li key={t.id} className="chip">
              <span
                className="swatch"
                style={{ background: SERIES_COLOURS[i % SERIES_COLOURS.length] }}
                aria-hidden="true"
              />
              {shortName(t)}
              {t.unit && <span className="muted"> [{t.unit}]</span>}
              <button type="button" aria-label={`Remove ${shortName(t)} from the trend`} onClick={() => toggle(t.id)}>
                ×
              </button>
            </li>
          ))}
          {trended.length === 0 && <li className="muted small">Tick tags in the table below to trend them.</li>}
        </ul>
        {trended.length > 0 && (
          <Trend
            tags={trended}
            from={from}
            to={to}
            live={range.kind === 'relative'}
            tz={plant.tz}
            onRange={(f, t) => setRange({ kind: 'absolute', from: f, to: Math.min(t, Date.now() + 60_000) })}
          />
        )}
      </div>

      <div className="card">
        <div className="card-head">
          <h2>Tags</h2>
          <span className="muted small">Times in {plant.tz}</span>
        </div>
        <div className="table-wrap">
          <table className="grid" data-testid="tag-table">
            <thead>
              <tr>
                <th scope="col">
                  <span className="visually-hidden">Trend</span>
                </th>
                <th scope="col">Tag</th>
                <th scope="col" className="num">
                  Value
                </th>
                <th scope="col">Unit</th>
                <th scope="col">Quality</th>
                <th scope="col">Source timestamp</th>
                <th scope="col">Age</th>
                <th scope="col">Lineage (NodeId)</th>
              </tr>
            </thead>
            <tbody>
              {tags.map((t) => {
                const v = latest.get(t.id);
                const bad = v !== undefined && v.statusCode >>> 30 !== 0;
                const trendable = t.dataType !== 'String';
                return (
                  <tr key={t.id} className={bad ? 'row-bad' : undefined}>
                    <td>
                      {trendable && (
                        <input
                          type="checkbox"
                          checked={selectedIds.includes(t.id)}
                          onChange={() => toggle(t.id)}
                          aria-label={`Trend ${shortName(t)}`}
                        />
                      )}
                    </td>
                    <td>
                      <a href={href('tags', '', { q: t.id })} title={t.description ?? t.id}>
                        {shortName(t)}
                      </a>
                    </td>
                    <td className="num" data-testid="tag-value" data-tag={t.id}>
                      {t.id.endsWith(`/${STATE_TAG}`) && typeof v?.value === 'number'
                        ? `${v.value} ${stateInfo(v.value, statesFromDescription(t.description))?.label ?? ''}`
                        : num(v?.value)}
                    </td>
                    <td>{t.unit ?? ''}</td>
                    <td>{v ? <QualityBadge statusCode={v.statusCode} status={v.status} /> : '—'}</td>
                    <td className="nowrap">{v ? dateTime(v.ts, plant.tz, true) : '—'}</td>
                    <td className="nowrap">{v ? age(Date.now() - v.ts) : '—'}</td>
                    <td
                      className="lineage"
                      title={`${t.lineage.source} · ${t.lineage.endpoint}\n${t.lineage.browsePath ?? ''}`}
                    >
                      <code>{t.lineage.nodeId.replace(/^nsu=[^;]+;/, '')}</code>
                      <span className="muted small"> · {t.lineage.source}</span>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </div>
    </section>
  );
}
