import { useEffect, useMemo, useState } from 'react';
import { age, num, pct } from '../format';
import { type CatalogTag, securityApi } from '../securityApi';

const WINDOWS = ['1h', '8h', '24h', '7d'] as const;
const MAX_ROWS = 500;
const CLASS_STYLE: Record<string, string> = {
  public: '',
  internal: '',
  confidential: 'text-warn',
  restricted: 'text-alarm',
};

function issues(t: CatalogTag): string[] {
  const q = t.quality;
  const out: string[] = [];
  if (q.samples === 0) out.push('no values');
  if (q.badShare > 0) out.push(`${pct(q.badShare)} bad/uncertain`);
  if (q.gaps > 0) out.push(`${q.gaps} gap${q.gaps > 1 ? 's' : ''}`);
  if (q.stale) out.push('stale');
  if (q.flatline) out.push('flat-lined');
  if (q.outOfRange > 0) out.push('outside EURange');
  return out;
}

/**
 * The data catalog: for each tag its lineage (endpoint and NodeId → UNS path → sinks), owner,
 * classification and retention, and its data quality over a window.
 */
export function CatalogPage() {
  const [window, setWindow] = useState<(typeof WINDOWS)[number]>('24h');
  const [tags, setTags] = useState<CatalogTag[]>();
  const [sinks, setSinks] = useState<string[]>([]);
  const [error, setError] = useState<string>();
  const [filter, setFilter] = useState('');
  const [cls, setCls] = useState('');
  const [onlyIssues, setOnlyIssues] = useState(false);

  useEffect(() => {
    const ac = new AbortController();
    setTags(undefined);
    securityApi
      .catalog(window, ac.signal)
      .then((r) => {
        setTags(r.tags);
        setSinks(r.sinks);
        setError(undefined);
      })
      .catch((e: Error) => e.name !== 'AbortError' && setError(e.message));
    return () => ac.abort();
  }, [window]);

  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return (tags ?? []).filter(
      (t) =>
        (f === '' || t.id.includes(f) || t.lineage.nodeId.toLowerCase().includes(f)) &&
        (cls === '' || t.classification === cls) &&
        (!onlyIssues || issues(t).length > 0),
    );
  }, [tags, filter, cls, onlyIssues]);
  const withIssues = useMemo(() => (tags ?? []).filter((t) => issues(t).length > 0).length, [tags]);
  const now = Date.now();

  return (
    <section className="page" aria-labelledby="catalog-title">
      <div className="page-head">
        <div>
          <h1 id="catalog-title">Data catalog</h1>
          <p className="muted">
            Where each value comes from, where it goes, who owns it, how sensitive it is, and how good it is.
          </p>
        </div>
        {tags && (
          <dl className="stats compact">
            <div>
              <dt>Tags</dt>
              <dd data-testid="catalog-count">{num(tags.length, 0)}</dd>
            </div>
            <div>
              <dt>With quality issues</dt>
              <dd>{num(withIssues, 0)}</dd>
            </div>
            <div>
              <dt>Sinks</dt>
              <dd>{sinks.join(', ')}</dd>
            </div>
          </dl>
        )}
      </div>
      <div className="card">
        <div className="card-head">
          <label>
            Filter{' '}
            <input
              type="search"
              value={filter}
              placeholder="tag path or NodeId"
              onChange={(e) => setFilter(e.target.value)}
              aria-label="Filter tags"
            />
          </label>
          <label>
            Classification{' '}
            <select value={cls} onChange={(e) => setCls(e.target.value)} aria-label="Classification">
              <option value="">all</option>
              <option value="public">public</option>
              <option value="internal">internal</option>
              <option value="confidential">confidential</option>
              <option value="restricted">restricted</option>
            </select>
          </label>
          <label>
            <input type="checkbox" checked={onlyIssues} onChange={(e) => setOnlyIssues(e.target.checked)} /> Only tags
            with quality issues
          </label>
          <label>
            Quality window{' '}
            <select
              value={window}
              onChange={(e) => setWindow(e.target.value as (typeof WINDOWS)[number])}
              aria-label="Quality window"
            >
              {WINDOWS.map((w) => (
                <option key={w} value={w}>
                  {w}
                </option>
              ))}
            </select>
          </label>
        </div>
        {error && (
          <div className="banner banner-alarm" role="alert">
            Could not load the catalog: {error}
          </div>
        )}
        {!tags && !error && <p className="muted">Computing quality over {window}…</p>}
        {tags && (
          <div className="table-wrap">
            <table className="grid" data-testid="catalog">
              <thead>
                <tr>
                  <th>Tag (UNS path)</th>
                  <th>Lineage</th>
                  <th>Governance</th>
                  <th>Flows to</th>
                  <th className="num">Values</th>
                  <th>Quality</th>
                </tr>
              </thead>
              <tbody>
                {shown.slice(0, MAX_ROWS).map((t) => {
                  const problems = issues(t);
                  return (
                    <tr key={t.id} data-testid="catalog-row" data-tag={t.id} data-classification={t.classification}>
                      <td>
                        <span className="mono small break">{t.id}</span>
                        <div className="muted small">
                          {t.dataType}
                          {t.unit ? ` · ${t.unit}` : ''}
                          {t.euRange ? ` · EURange ${t.euRange.low}..${t.euRange.high}` : ''}
                        </div>
                      </td>
                      <td className="lineage small" data-testid="lineage">
                        <code className="break">{t.lineage.endpoint}</code>
                        <div>
                          → <code className="break">{t.lineage.nodeId}</code>
                        </div>
                        <div className="muted">source {t.lineage.source}</div>
                      </td>
                      <td className="small">
                        <strong className={CLASS_STYLE[t.classification] ?? ''}>{t.classification}</strong>
                        <div className="muted">{t.owner ?? 'no owner'}</div>
                        <div className="muted">retention {t.retentionClass}</div>
                      </td>
                      <td className="small" data-testid="sinks">
                        {t.sinks.map((s) => (
                          <div key={s.sink} title={s.reason} data-sink={s.sink} data-flows={String(s.flows)}>
                            {s.flows ? '✓' : '✗'} {s.sink}
                            {!s.flows && <span className="muted"> (withheld)</span>}
                          </div>
                        ))}
                      </td>
                      <td className="num small">
                        {num(t.quality.samples, 0)}
                        <div className="muted">
                          {t.quality.lastTs ? `${age(now - Date.parse(t.quality.lastTs))} ago` : 'never'}
                        </div>
                      </td>
                      <td className="small" data-testid="quality">
                        {problems.length === 0 ? (
                          <span>Good</span>
                        ) : (
                          <span className="text-warn">{problems.join(', ')}</span>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {shown.length > MAX_ROWS && (
              <p className="muted">
                Showing {MAX_ROWS} of {num(shown.length, 0)} tags; narrow the filter to see the rest.
              </p>
            )}
          </div>
        )}
      </div>
    </section>
  );
}
