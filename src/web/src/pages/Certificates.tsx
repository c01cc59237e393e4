import { useCallback, useEffect, useState } from 'react';
import { dateTime, thumbprint } from '../format';
import { usePlant } from '../plant';
import { type PkiCert, type PkiState, securityApi } from '../securityApi';
import { useCan } from '../session';

/**
 * OPC UA trust (engineer views, admin changes; every change audited): the hub's own certificate
 * with its expiry and renewal, trusted and rejected server certificates with trust / reject /
 * remove, CA issuers and CRLs.
 */
export function CertificatesPage() {
  const plant = usePlant();
  const [pki, setPki] = useState<PkiState>();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [pem, setPem] = useState('');
  const [pemKind, setPemKind] = useState<'server' | 'issuer' | 'crl'>('server');
  // Changing trust is for admins; engineers see the store (the hub enforces the same).
  const canChange = useCan('admin');

  const load = useCallback(() => {
    securityApi
      .pki()
      .then((p) => {
        setPki(p);
        setError(undefined);
      })
      .catch((e: Error) => setError(e.message));
  }, []);
  useEffect(() => {
    load();
    const t = setInterval(load, 5000);
    return () => clearInterval(t);
  }, [load]);

  const act = (what: string, p: Promise<unknown>) =>
    p
      .then(() => {
        setNotice(what);
        setError(undefined);
        load();
      })
      .catch((e: Error) => setError(`${what} failed: ${e.message}`));

  const row = (c: PkiCert) => (
    <tr
      key={`${c.status}-${c.thumbprint}`}
      data-testid="cert-row"
      data-status={c.status}
      data-thumbprint={c.thumbprint}
    >
      <td className={c.status === 'trusted' ? '' : c.status === 'rejected' ? 'text-alarm' : ''}>{c.status}</td>
      <td className="small break">{c.subject}</td>
      <td className="mono small">{thumbprint(c.thumbprint)}</td>
      <td className="small">
        {dateTime(Date.parse(c.notBefore), plant.tz)} – {dateTime(Date.parse(c.notAfter), plant.tz)}
        {c.expired && <strong className="text-alarm"> · expired</strong>}
      </td>
      <td>
        {canChange && c.status === 'rejected' && (
          <button
            type="button"
            onClick={() => {
              if (
                confirm(
                  `Trust the certificate of ${c.subject} (${thumbprint(c.thumbprint)})? The hub will open sessions to any server that presents it.`,
                )
              ) {
                void act(`Trusted ${c.subject}`, securityApi.trust(c.thumbprint));
              }
            }}
          >
            Trust
          </button>
        )}
        {canChange && c.status === 'trusted' && (
          <button
            type="button"
            onClick={() => {
              if (confirm(`Reject the certificate of ${c.subject}? Connections that use it are ended now.`)) {
                void act(`Rejected ${c.subject}`, securityApi.reject(c.thumbprint));
              }
            }}
          >
            Reject
          </button>
        )}{' '}
        {canChange && c.status !== 'issuer' && (
          <button
            type="button"
            onClick={() => {
              if (confirm(`Remove the certificate of ${c.subject}? Connections that use it are ended now.`)) {
                void act(`Removed ${c.subject}`, securityApi.remove(c.thumbprint));
              }
            }}
          >
            Remove
          </button>
        )}
      </td>
    </tr>
  );

  return (
    <section className="page" aria-labelledby="pki-title">
      <div className="page-head">
        <div>
          <h1 id="pki-title">Certificates</h1>
          <p className="muted">
            OPC UA application certificates: the hub's own, and the servers it trusts or rejected. Changes need the
            admin role and are audited.
          </p>
        </div>
      </div>
      {error && (
        <div className="banner banner-alarm" role="alert" data-testid="pki-error">
          {error}
        </div>
      )}
      {notice && (
        <div className="banner" role="status" data-testid="pki-notice">
          {notice}
        </div>
      )}
      {pki && (
        <>
          <article className="card" data-testid="own-cert">
            <div className="card-head">
              <h2>This hub</h2>
              <button
                type="button"
                hidden={!canChange}
                onClick={() => {
                  if (
                    confirm(
                      'Renew the hub certificate? Servers that trust the hub by certificate must be given the new one.',
                    )
                  ) {
                    void act('Hub certificate renewed', securityApi.renew(3650));
                  }
                }}
              >
                Renew certificate
              </button>
            </div>
            <dl className="meta">
              <dt>Subject</dt>
              <dd className="break">{pki.own.subject}</dd>
              <dt>ApplicationUri</dt>
              <dd className="mono small break">{pki.own.applicationUri}</dd>
              <dt>Thumbprint</dt>
              <dd className="mono small">{thumbprint(pki.own.thumbprint)}</dd>
              <dt>Valid until</dt>
              <dd className={pki.own.daysLeft < 60 ? 'text-warn' : ''} data-testid="own-days-left">
                {dateTime(Date.parse(pki.own.notAfter), plant.tz)} ({pki.own.daysLeft} days left)
              </dd>
            </dl>
          </article>
          <article className="card">
            <div className="card-head">
              <h2>Server certificates</h2>
            </div>
            <div className="table-wrap">
              <table className="grid" data-testid="certs">
                <thead>
                  <tr>
                    <th>Trust</th>
                    <th>Subject</th>
                    <th>Thumbprint (SHA-1)</th>
                    <th>Validity</th>
                    <th>Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {pki.certificates.map(row)}
                  {pki.issuers.map(row)}
                </tbody>
              </table>
            </div>
            {pki.certificates.length === 0 && <p className="muted">No server certificates yet.</p>}
            {pki.crls.length > 0 && (
              <p className="muted small">Revocation lists: {pki.crls.map((c) => `${c.target}/${c.file}`).join(', ')}</p>
            )}
          </article>
          <article className="card">
            <div className="card-head">
              <h2>Add a certificate</h2>
            </div>
            <label>
              Kind{' '}
              <select value={pemKind} onChange={(e) => setPemKind(e.target.value as typeof pemKind)}>
                <option value="server">server certificate (trust it)</option>
                <option value="issuer">CA certificate (issuer)</option>
                <option value="crl">revocation list (CRL)</option>
              </select>
            </label>
            <textarea
              rows={6}
              value={pem}
              onChange={(e) => setPem(e.target.value)}
              placeholder="-----BEGIN CERTIFICATE-----"
              aria-label="PEM text"
              style={{ width: '100%', fontFamily: 'monospace' }}
            />
            <button
              type="button"
              disabled={pem.trim() === ''}
              hidden={!canChange}
              onClick={() =>
                act(
                  pemKind === 'crl' ? 'CRL added' : 'Certificate added',
                  pemKind === 'server'
                    ? securityApi.upload(pem)
                    : pemKind === 'issuer'
                      ? securityApi.addIssuer(pem, false)
                      : securityApi.addCrl(pem, 'issuers'),
                ).then(() => setPem(''))
              }
            >
              Add
            </button>
          </article>
        </>
      )}
    </section>
  );
}
