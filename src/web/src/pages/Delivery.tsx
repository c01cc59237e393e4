import { useState } from 'react';
import { API, ApiError, call, client, csrfToken, type Reply } from '../api';
import { dateTime } from '../format';
import { usePlant } from '../plant';
import { usePoll } from '../poll';
import { useCan } from '../session';

/** An outbox entry as `GET /delivery/entries` and `/delivery/dead-letters` return it (docs/connectors.md). */
type Entry = Reply<'/api/v1/delivery/entries'>[number];

async function post<T>(path: string): Promise<T> {
  const res = await fetch(`${API}${path}`, {
    method: 'POST',
    headers: { accept: 'application/json', 'x-csrf-token': csrfToken() },
  });
  if (!res.ok) {
    const b = (await res.json().catch(() => undefined)) as { error?: { code: string; message: string } } | undefined;
    throw new ApiError(res.status, b?.error?.code ?? `HTTP_${res.status}`, b?.error?.message ?? res.statusText);
  }
  return (await res.json()) as T;
}

/**
 * Delivery to ERP/CMMS, webhooks, e-mail, MQTT and HTTP: per connector its state and backlog, the
 * dead letters with the reason each was held, and Retry / Discard (engineer role, audited).
 */
export function DeliveryPage() {
  const { tz } = usePlant();
  const t = (iso: string | undefined) => (iso ? dateTime(Date.parse(iso), tz) : '—');
  const connectors = usePoll(
    'connectors',
    (s) => call(client.GET('/api/v1/delivery/connectors', { signal: s })),
    10_000,
  );
  const health = usePoll('health', (s) => call(client.GET('/api/v1/health', { signal: s })), 3000);
  const dead = usePoll('dead', (s) => call(client.GET('/api/v1/delivery/dead-letters', { signal: s })), 3000);
  const pending = usePoll(
    'pending',
    (s) =>
      call(client.GET('/api/v1/delivery/entries', { params: { query: { state: 'pending', limit: 200 } }, signal: s })),
    3000,
  );
  const [busy, setBusy] = useState<number>();
  const canAct = useCan('engineer');
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const sinks = new Map(
    (health.value?.sinks ?? []).filter((s) => s.kind.startsWith('delivery-')).map((s) => [s.name, s]),
  );

  const act = async (e: Entry, what: 'retry' | 'discard') => {
    if (what === 'discard' && !window.confirm(`Discard "${e.summary}"? It will never be sent.`)) return;
    setBusy(e.id);
    try {
      await post(`/delivery/dead-letters/${e.id}/${what}`);
      setMessage({ ok: true, text: `${what === 'retry' ? 'Queued again' : 'Discarded'}: ${e.summary}` });
    } catch (err) {
      setMessage({ ok: false, text: `${what} failed: ${(err as Error).message}` });
    } finally {
      setBusy(undefined);
      dead.refresh();
      pending.refresh();
    }
  };

  const notAllowed = dead.error?.includes('role') || dead.error?.includes('engineer');
  return (
    <section className="page" aria-labelledby="delivery-title">
      <div className="page-head">
        <div>
          <h1 id="delivery-title">Delivery</h1>
          <p className="muted">
            Work orders and rule actions on their way to SAP, webhooks, e-mail, MQTT and HTTP. Nothing is dropped: what
            cannot be delivered waits here.
          </p>
        </div>
      </div>
      {message && (
        <div className={`banner ${message.ok ? '' : 'banner-alarm'}`} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </div>
      )}
      {connectors.error && (
        <div className="banner banner-alarm" role="alert">
          Could not load connectors: {connectors.error}
        </div>
      )}
      <div className="table-wrap">
        <table className="grid" data-testid="delivery-connectors">
          <caption className="muted">Connectors</caption>
          <thead>
            <tr>
              <th>Name</th>
              <th>Kind</th>
              <th>Target</th>
              <th>State</th>
              <th className="num">Waiting</th>
              <th className="num">Dead letters</th>
              <th>Oldest waiting</th>
              <th>Last delivered</th>
              <th>Last error</th>
            </tr>
          </thead>
          <tbody>
            {(connectors.value ?? []).map((c) => {
              const s = sinks.get(c.name);
              return (
                <tr key={c.name} data-state={s?.state ?? 'idle'}>
                  <td>{c.name}</td>
                  <td>{c.kind}</td>
                  <td>
                    <code>{c.target}</code>
                  </td>
                  <td>{s ? (s.state === 'connected' ? 'OK' : 'Failing') : 'Idle'}</td>
                  <td className="num">{s?.queued ?? 0}</td>
                  <td className="num">{s?.dropped ?? 0}</td>
                  <td>{t(s?.oldestSourceTs)}</td>
                  <td>{t(s?.lastDeliveredAt)}</td>
                  <td>{s?.lastError ?? ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      <h2>Dead letters</h2>
      {notAllowed && <p className="muted">Dead letters are shown to the engineer role and above.</p>}
      {dead.error && !notAllowed && (
        <div className="banner banner-alarm" role="alert">
          Could not load dead letters: {dead.error}
        </div>
      )}
      {dead.value?.length === 0 && <p className="empty">No dead letters: everything was delivered or is on its way.</p>}
      {(dead.value?.length ?? 0) > 0 && (
        <div className="table-wrap">
          <table className="grid" data-testid="dead-letters">
            <thead>
              <tr>
                <th>Connector</th>
                <th>What</th>
                <th>Why it was held</th>
                <th className="num">Attempts</th>
                <th>Queued</th>
                <th>Idempotency key</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {dead.value?.map((e) => (
                <tr key={e.id} data-testid="dead-letter">
                  <td>{e.connector}</td>
                  <td>{e.summary}</td>
                  <td>{e.lastError}</td>
                  <td className="num">{e.attempts}</td>
                  <td>{t(e.createdAt)}</td>
                  <td>
                    <code>{e.idempotencyKey}</code>
                  </td>
                  <td>
                    <button
                      type="button"
                      hidden={!canAct}
                      disabled={busy === e.id}
                      onClick={() => void act(e, 'retry')}
                    >
                      Retry
                    </button>{' '}
                    <button
                      type="button"
                      hidden={!canAct}
                      disabled={busy === e.id}
                      onClick={() => void act(e, 'discard')}
                    >
                      Discard
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>Waiting</h2>
      {pending.value?.length === 0 && <p className="empty">Nothing waiting.</p>}
      {(pending.value?.length ?? 0) > 0 && (
        <div className="table-wrap">
          <table className="grid" data-testid="delivery-pending">
            <thead>
              <tr>
                <th>Connector</th>
                <th>What</th>
                <th className="num">Attempts</th>
                <th>Next attempt</th>
                <th>Last error</th>
              </tr>
            </thead>
            <tbody>
              {pending.value?.map((e) => (
                <tr key={e.id}>
                  <td>{e.connector}</td>
                  <td>{e.summary}</td>
                  <td className="num">{e.attempts}</td>
                  <td>{t(e.nextAt)}</td>
                  <td>{e.lastError ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
