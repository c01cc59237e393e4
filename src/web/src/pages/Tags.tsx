import { useEffect, useMemo, useState } from 'react';
import { api, type LatestValue, type Tag } from '../api';
import { QualityBadge } from '../components/Badges';
import { Sparkline } from '../components/Sparkline';
import { age, dateTime, num } from '../format';
import { usePlant } from '../plant';
import { href, replaceParams, useRoute } from '../router';
import { qualityOf } from '../states';

const PAGE = 200;
/** A tag whose last value is older than this is counted as "not updated recently". */
const STALE_MS = 15 * 60_000;

/** Case-insensitive match on id (UNS path), name, unit, description and NodeId, like GET /api/v1/tags?q=. */
function matches(t: Tag, q: string): boolean {
  const n = q.toLowerCase();
  return (
    t.id.includes(n) ||
    t.name.toLowerCase().includes(n) ||
    (t.unit?.toLowerCase().includes(n) ?? false) ||
    (t.description?.toLowerCase().includes(n) ?? false) ||
    t.lineage.nodeId.toLowerCase().includes(n)
  );
}

export function TagsPage() {
  const plant = usePlant();
  const route = useRoute();
  const q = route.params.get('q') ?? '';
  const [input, setInput] = useState(q);
  const [shown, setShown] = useState(PAGE);
  const [latest, setLatest] = useState<Map<string, LatestValue>>(new Map());
  const [selected, setSelected] = useState<string | undefined>(route.params.get('tag') ?? undefined);

  useEffect(() => setInput(q), [q]);
  useEffect(() => {
    const t = setTimeout(() => {
      if (input !== q) replaceParams({ q: input });
    }, 200);
    return () => clearTimeout(t);
  }, [input, q]);

  useEffect(() => {
    let alive = true;
    const load = () =>
      api
        .latest({})
        .then((r) => alive && setLatest(new Map(r.values.map((v) => [v.tagId, v]))))
        .catch(() => undefined);
    void load();
    const t = setInterval(load, 5000);
    return () => {
      alive = false;
      clearInterval(t);
    };
  }, []);

  const results = useMemo(() => {
    const terms = q.trim().split(/\s+/).filter(Boolean);
    return plant.tags
      .filter((t) => terms.every((term) => matches(t, term)))
      .sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
  }, [plant.tags, q]);

  const now = Date.now();
  const summary = useMemo(() => {
    const s = { Good: 0, Uncertain: 0, Bad: 0, none: 0, stale: 0 };
    for (const t of results) {
      const v = latest.get(t.id);
      if (!v) {
        s.none++;
        continue;
      }
      s[qualityOf(v.statusCode)]++;
      if (now - Date.parse(v.ts) > STALE_MS) s.stale++;
    }
    return s;
  }, [results, latest, now]);
  const total = results.length || 1;
  const sel = selected ? plant.tagsById.get(selected) : undefined;

  return (
    <section className="page" aria-labelledby="tags-title">
      <div className="page-head">
        <div>
          <h1 id="tags-title">Tag explorer</h1>
          <p className="muted">
            {plant.tags.length} tags. Search by name, unified-namespace path, unit, description or NodeId; several words
            narrow the search.
          </p>
        </div>
      </div>
      <div className="card">
        <div className="search">
          <label htmlFor="tag-search" className="visually-hidden">
            Search tags
          </label>
          <input
            id="tag-search"
            type="search"
            placeholder="e.g. bearing temperature, °C, kW, s=Machining.Line1"
            value={input}
            onChange={(e) => {
              setInput(e.target.value);
              setShown(PAGE);
            }}
            data-testid="tag-search"
          />
          <span className="muted small" aria-live="polite">
            {results.length} match{results.length === 1 ? '' : 'es'}
          </span>
        </div>
        <div
          className="quality-bar"
          role="img"
          aria-label={`Quality: ${summary.Good} Good, ${summary.Uncertain} Uncertain, ${summary.Bad} Bad, ${summary.none} without value`}
        >
          <span className="q-good" style={{ flexGrow: summary.Good }} />
          <span className="q-uncertain" style={{ flexGrow: summary.Uncertain }} />
          <span className="q-bad" style={{ flexGrow: summary.Bad }} />
          <span className="q-none" style={{ flexGrow: summary.none }} />
        </div>
        <dl className="stats" data-testid="quality-summary">
          <div>
            <dt>Good</dt>
            <dd>{Math.round((summary.Good / total) * 100)} %</dd>
          </div>
          <div>
            <dt>Uncertain</dt>
            <dd className={summary.Uncertain ? 'text-warn' : ''}>{Math.round((summary.Uncertain / total) * 100)} %</dd>
          </div>
          <div>
            <dt>Bad</dt>
            <dd className={summary.Bad ? 'text-alarm' : ''}>{Math.round((summary.Bad / total) * 100)} %</dd>
          </div>
          <div>
            <dt>No value yet</dt>
            <dd>{summary.none}</dd>
          </div>
          <div>
            <dt>Not updated for 15 min</dt>
            <dd>{summary.stale}</dd>
          </div>
        </dl>
      </div>
      <div className={`split${sel ? ' split-open' : ''}`}>
        <div className="card table-card">
          <div className="table-wrap">
            <table className="grid" data-testid="tag-results">
              <thead>
                <tr>
                  <th scope="col">Tag path</th>
                  <th scope="col" className="num">
                    Value
                  </th>
                  <th scope="col">Unit</th>
                  <th scope="col">Quality</th>
                  <th scope="col">Last update</th>
                  <th scope="col">NodeId</th>
                </tr>
              </thead>
              <tbody>
                {results.slice(0, shown).map((t) => {
                  const v = latest.get(t.id);
                  return (
                    <tr key={t.id} className={selected === t.id ? 'row-sel' : undefined}>
                      <td>
                        <button
                          type="button"
                          className="linklike"
                          onClick={() => setSelected(t.id)}
                          aria-pressed={selected === t.id}
                        >
                          <span className="muted">{t.assetPath.split('/').slice(2).join('/')}/</span>
                          {t.id.slice(t.assetPath.length + 1)}
                        </button>
                      </td>
                      <td className="num">{num(v?.value)}</td>
                      <td>{t.unit ?? ''}</td>
                      <td>
                        {v ? (
                          <QualityBadge statusCode={v.statusCode} status={v.status} />
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                      <td className="nowrap">{v ? `${age(now - Date.parse(v.ts))} ago` : '—'}</td>
                      <td>
                        <code className="small">{t.lineage.nodeId.replace(/^nsu=[^;]+;/, '')}</code>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {results.length > shown && (
            <button type="button" className="more" onClick={() => setShown(shown + PAGE)}>
              Show {Math.min(PAGE, results.length - shown)} more of {results.length - shown}
            </button>
          )}
        </div>
        {sel && <TagDetail tag={sel} value={latest.get(sel.id)} onClose={() => setSelected(undefined)} />}
      </div>
    </section>
  );
}

function TagDetail({ tag, value, onClose }: { tag: Tag; value?: LatestValue; onClose(): void }) {
  const plant = usePlant();
  const [spark, setSpark] = useState<{ t: number[]; v: (number | null)[] }>();
  const [now] = useState(Date.now());
  useEffect(() => {
    if (tag.dataType === 'String') return;
    const ctl = new AbortController();
    api
      .trend([tag.id], now - 3_600_000, now, 400, ctl.signal)
      .then((r) => setSpark(r.series[0]))
      .catch(() => undefined);
    return () => ctl.abort();
  }, [tag, now]);
  return (
    <aside className="card detail" aria-label={`Details of ${tag.id}`} data-testid="tag-detail">
      <div className="card-head">
        <h2>{tag.name}</h2>
        <button type="button" onClick={onClose} aria-label="Close details">
          ×
        </button>
      </div>
      <p className="mono small break">{tag.id}</p>
      {tag.description && <p>{tag.description}</p>}
      <dl className="meta">
        <dt>Value</dt>
        <dd>
          {num(value?.value)} {tag.unit}
        </dd>
        <dt>Quality</dt>
        <dd>{value ? <QualityBadge statusCode={value.statusCode} status={value.status} /> : '—'}</dd>
        <dt>Source time</dt>
        <dd>{value ? dateTime(Date.parse(value.ts), plant.tz, true) : '—'}</dd>
        <dt>Server time</dt>
        <dd>{value ? dateTime(Date.parse(value.serverTs), plant.tz, true) : '—'}</dd>
        <dt>Data type</dt>
        <dd>{tag.dataType}</dd>
        <dt>EU range</dt>
        <dd>{tag.euRange ? `${num(tag.euRange.low)} … ${num(tag.euRange.high)} ${tag.unit ?? ''}` : '—'}</dd>
        <dt>Retention</dt>
        <dd>{tag.retentionClass ?? 'default'}</dd>
        <dt>Asset</dt>
        <dd>
          <a href={href('machine', tag.assetPath)}>{tag.assetPath}</a>
        </dd>
      </dl>
      <h3>Lineage</h3>
      <dl className="meta">
        <dt>Source</dt>
        <dd>{tag.lineage.source}</dd>
        <dt>Endpoint</dt>
        <dd className="break">{tag.lineage.endpoint}</dd>
        <dt>NodeId</dt>
        <dd className="mono small break">{tag.lineage.nodeId}</dd>
        {tag.lineage.browsePath && (
          <>
            <dt>Browse path</dt>
            <dd className="mono small break">{tag.lineage.browsePath}</dd>
          </>
        )}
      </dl>
      {spark && (
        <>
          <h3>Last hour</h3>
          <Sparkline
            t={spark.t}
            v={spark.v}
            from={now - 3_600_000}
            to={now}
            width={300}
            height={60}
            label={`${tag.name}, last hour`}
          />
          <p>
            <a href={href('machine', tag.assetPath, { tags: tag.id, range: '1h' })}>Open in trend</a>
          </p>
        </>
      )}
    </aside>
  );
}
