import { useCallback, useEffect, useState } from 'react';
import { dateTime, num } from '../format';
import { usePlant } from '../plant';
import { type AuditEntry, type AuditVerification, securityApi } from '../securityApi';

const OUTCOME_STYLE: Record<string, string> = { ok: '', refused: 'text-warn', failed: 'text-alarm' };

/**
 * The tamper-evident audit log (admin): who did what, when, to what, with what outcome and why;
 * the chain check; export as JSON Lines or CSV.
 */
export function AuditPage() {
  const plant = usePlant();
  const [entries, setEntries] = useState<AuditEntry[]>();
  const [total, setTotal] = useState(0);
  const [matched, setMatched] = useState(0);
  const [error, setError] = useState<string>();
  const [verification, setVerification] = useState<AuditVerification>();
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const [outcome, setOutcome] = useState('');
  const filter = {
    ...(actor ? { actor } : {}),
    ...(action ? { action } : {}),
    ...(outcome ? { outcome } : {}),
  };
  const key = JSON.stringify(filter);

  const load = useCallback(() => {
    securityApi
      .audit(JSON.parse(key))
      .then((r) => {
        setEntries(r.entries);
        setTotal(r.total);
        setMatched(r.matched);
        setError(undefined);
      })
      .catch((e: Error) => setError(e.message));
  }, [key]);
  useEffect(() => {
    load();
    const t = setInterval(load, 5000);
    return () => clearInterval(t);
  }, [load]);

  const verify = () =>
    securityApi
      .verify()
      .then(setVerification)
      .catch((e: Error) => setError(e.message));

  return (
    <section className="page" aria-labelledby="audit-title">
      <div className="page-head">
        <div>
          <h1 id="audit-title">Audit log</h1>
          <p className="muted">
            Append-only, each entry chained to the one before by SHA-256: logins, users and tokens, configuration and
            rules, certificate trust, writes to machines, work orders.
          </p>
        </div>
        <dl className="stats compact">
          <div>
            <dt>Entries</dt>
            <dd data-testid="audit-total">{num(total, 0)}</dd>
          </div>
          <div>
            <dt>Shown</dt>
            <dd>
              {num(entries?.length ?? 0, 0)} of {num(matched, 0)}
            </dd>
          </div>
        </dl>
      </div>
      <div className="card">
        <div className="card-head">
          <label>
            Actor <input value={actor} onChange={(e) => setActor(e.target.value)} placeholder="user:alice" />
          </label>
          <label>
            Action{' '}
            <input value={action} onChange={(e) => setAction(e.target.value)} placeholder="machine. or pki.trust" />
          </label>
          <label>
            Outcome{' '}
            <select value={outcome} onChange={(e) => setOutcome(e.target.value)} aria-label="Outcome">
              <option value="">all</option>
              <option value="ok">ok</option>
              <option value="refused">refused</option>
              <option value="failed">failed</option>
            </select>
          </label>
          <button type="button" onClick={verify} data-testid="audit-verify">
            Verify chain
          </button>
          <a className="button" href={securityApi.exportUrl('csv', filter)} download>
            Export CSV
          </a>
          <a className="button" href={securityApi.exportUrl('jsonl', filter)} download>
            Export JSON Lines
          </a>
        </div>
        {verification && (
          <div
            className={`banner ${verification.ok ? '' : 'banner-alarm'}`}
            role="status"
            data-testid="audit-verification"
            data-ok={String(verification.ok)}
          >
            {verification.ok ? (
              <>
                Chain intact: {num(verification.entries, 0)} entries. Head{' '}
                <code className="break">{verification.head}</code> — keep it somewhere else to detect a rewritten log.
              </>
            ) : (
              <>
                <strong>The log was altered:</strong>
                <ul>
                  {verification.problems.map((p) => (
                    <li key={`${p.entry}-${p.kind}`}>
                      entry {p.entry}: {p.message}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </div>
        )}
        {error && (
          <div className="banner banner-alarm" role="alert">
            Could not load the audit log: {error}
          </div>
        )}
        <div className="table-wrap">
          <table className="grid" data-testid="audit">
            <thead>
              <tr>
                <th className="num">#</th>
                <th>Time</th>
                <th>Actor</th>
                <th>Action</th>
                <th>Target</th>
                <th>Outcome</th>
                <th>Reason / details</th>
              </tr>
            </thead>
            <tbody>
              {entries?.map((e) => (
                <tr key={e.seq} data-testid="audit-row" data-action={e.action} data-outcome={e.outcome}>
                  <td className="num">{e.seq}</td>
                  <td className="small">{dateTime(Date.parse(e.ts), plant.tz)}</td>
                  <td className="mono small">{e.actor}</td>
                  <td className="mono small">{e.action}</td>
                  <td className="mono small break">{e.target ?? '—'}</td>
                  <td className={OUTCOME_STYLE[e.outcome] ?? ''}>{e.outcome}</td>
                  <td className="small break">
                    {e.reason}
                    {e.details && <div className="muted mono">{JSON.stringify(e.details)}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </section>
  );
}
