import { useEffect, useState } from 'react';
import { api, type Connection } from '../api';
import { age, dateTime, num, thumbprint } from '../format';
import { usePlant } from '../plant';

const STATE_TEXT: Record<string, string> = {
  connected: 'Connected',
  connecting: 'Connecting',
  reconnecting: 'Reconnecting',
  disconnected: 'Disconnected',
  failed: 'Failed',
  stopped: 'Stopped',
};

/** Every source connection: state, security, server certificate and its trust, statistics, events. */
export function ConnectionsPage() {
  const plant = usePlant();
  const [connections, setConnections] = useState<Connection[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let alive = true;
    const load = () =>
      api
        .connections()
        .then((r) => {
          if (!alive) return;
          setConnections(r.connections);
          setError(undefined);
        })
        .catch((e: Error) => alive && setError(e.message));
    void load();
    const t = setInterval(load, 2000);
    return () => {
      alive = false;
      clearInterval(t);
    };
  }, []);
  const now = Date.now();

  return (
    <section className="page" aria-labelledby="conn-title">
      <div className="page-head">
        <div>
          <h1 id="conn-title">Connections</h1>
          <p className="muted">OPC UA endpoints, their security and certificates, subscriptions and events.</p>
        </div>
        {plant.health && (
          <dl className="stats compact">
            <div>
              <dt>Ingest</dt>
              <dd>{num(plant.health.ingest.valuesPerSecond, 0)} values/s</dd>
            </div>
            <div>
              <dt>Historian backlog</dt>
              <dd>{num(plant.health.historian.backlog, 0)}</dd>
            </div>
            <div>
              <dt>Hub up</dt>
              <dd>{age(plant.health.uptimeS * 1000)}</dd>
            </div>
          </dl>
        )}
      </div>
      {error && (
        <div className="banner banner-alarm" role="alert">
          Could not load connections: {error}
        </div>
      )}
      {connections?.length === 0 && (
        <p className="empty">No connections are configured. Add a source in the config file.</p>
      )}
      {connections?.map((c) => {
        const ok = c.state === 'connected';
        return (
          <article
            key={c.name}
            className={`card conn ${ok ? '' : 'conn-down'}`}
            data-testid="connection"
            data-state={c.state}
          >
            <div className="card-head">
              <h2>
                {c.name} <span className="muted small">{c.kind.toUpperCase()}</span>
              </h2>
              <span className={`state ${ok ? 'state-normal' : 'state-alarm'}`} data-testid="connection-state">
                <span className={`dot ${ok ? 'dot-ok' : 'dot-bad'}`} aria-hidden="true" />
                {STATE_TEXT[c.state] ?? c.state}
                {ok && c.connectedSince && (
                  <span className="muted"> · since {dateTime(Date.parse(c.connectedSince), plant.tz)}</span>
                )}
              </span>
            </div>
            {c.lastError && !ok && (
              <div className="banner banner-alarm" role="alert">
                {c.lastError}
              </div>
            )}
            <div className="conn-grid">
              <dl className="meta">
                <dt>Endpoint</dt>
                <dd className="mono break">{c.endpoint}</dd>
                {c.details.securityMode !== undefined && (
                  <>
                    <dt>Security mode</dt>
                    <dd className={c.details.securityMode === 'None' ? 'text-warn' : ''}>
                      {String(c.details.securityMode)}
                    </dd>
                    <dt>Security policy</dt>
                    <dd>{String(c.details.securityPolicy ?? '—')}</dd>
                  </>
                )}
                {c.details.tls !== undefined && (
                  <>
                    <dt>Transport</dt>
                    <dd className={c.details.tls ? '' : 'text-warn'}>{c.details.tls ? 'TLS' : 'Plain TCP'}</dd>
                    <dt>Authentication</dt>
                    <dd>{String(c.details.authentication ?? '—')}</dd>
                  </>
                )}
                {c.kind === 'modbus' && (
                  <>
                    <dt>Security</dt>
                    <dd className="text-warn">none (Modbus TCP has no security)</dd>
                  </>
                )}
              </dl>
              <dl className="meta">
                <dt>Server certificate</dt>
                <dd className="mono small break" data-testid="cert-thumbprint">
                  {c.certificate
                    ? thumbprint(c.certificate.thumbprint)
                    : String(c.details.serverCertificateThumbprint ?? '—')}
                </dd>
                <dt>Trust</dt>
                <dd>
                  {c.certificate ? (
                    <span className={c.certificate.trust === 'trusted' ? '' : 'text-alarm'}>
                      {c.certificate.trust === 'trusted'
                        ? 'Trusted'
                        : c.certificate.trust === 'rejected'
                          ? 'Rejected — run gotthard pki trust'
                          : 'Unknown'}
                      {c.certificate.expired && <strong className="text-alarm"> · expired</strong>}
                    </span>
                  ) : (
                    '—'
                  )}
                </dd>
                {c.certificate?.subject && (
                  <>
                    <dt>Subject</dt>
                    <dd className="small break">{c.certificate.subject}</dd>
                  </>
                )}
                {c.certificate?.notAfter && (
                  <>
                    <dt>Valid until</dt>
                    <dd>{dateTime(Date.parse(c.certificate.notAfter), plant.tz)}</dd>
                  </>
                )}
              </dl>
              <dl className="meta">
                <dt>Tags</dt>
                <dd>
                  {c.tags}
                  {c.rejectedTags > 0 && <span className="text-warn"> ({c.rejectedTags} rejected)</span>}
                </dd>
                {c.details.monitoredItems !== undefined && (
                  <>
                    <dt>Monitored items</dt>
                    <dd>{String(c.details.monitoredItems)}</dd>
                  </>
                )}
                {c.details.subscriptions !== undefined && (
                  <>
                    <dt>Subscriptions</dt>
                    <dd>{String(c.details.subscriptions)}</dd>
                  </>
                )}
                {c.details.requests !== undefined && (
                  <>
                    <dt>Read requests</dt>
                    <dd>
                      {Number(c.details.requests).toLocaleString('en-US')}
                      {Number(c.details.failedReads) > 0 && (
                        <span className="text-warn"> ({String(c.details.failedReads)} failed)</span>
                      )}
                    </dd>
                  </>
                )}
                <dt>Values received</dt>
                <dd>{c.valuesReceived.toLocaleString('en-US')}</dd>
                <dt>Last value</dt>
                <dd>{c.lastValueAt ? `${age(now - Date.parse(c.lastValueAt))} ago` : '—'}</dd>
                <dt>Last contact</dt>
                <dd>{c.lastContactAt ? `${age(now - Date.parse(c.lastContactAt))} ago` : '—'}</dd>
                <dt>Reconnects</dt>
                <dd>{c.reconnects}</dd>
              </dl>
            </div>
            <h3>Events</h3>
            {c.events.length === 0 ? (
              <p className="muted small">No events recorded for this connection.</p>
            ) : (
              <div className="table-wrap events">
                <table className="grid" data-testid="connection-events">
                  <thead>
                    <tr>
                      <th scope="col">Time ({plant.tz})</th>
                      <th scope="col">Severity</th>
                      <th scope="col">Event</th>
                      <th scope="col">Message</th>
                    </tr>
                  </thead>
                  <tbody>
                    {c.events.map((e) => (
                      <tr
                        key={`${e.ts}-${e.kind}-${e.message}`}
                        className={e.severity === 'error' ? 'row-bad' : undefined}
                      >
                        <td className="nowrap">{dateTime(Date.parse(e.ts), plant.tz, true)}</td>
                        <td
                          className={
                            e.severity === 'error' ? 'text-alarm' : e.severity === 'warning' ? 'text-warn' : ''
                          }
                        >
                          {e.severity}
                        </td>
                        <td className="mono small">{e.kind}</td>
                        <td>{e.message}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </article>
        );
      })}
    </section>
  );
}
