import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { validateConfig } from '../../src/config/index.js';
import { Hub } from '../../src/hub/index.js';
import { type HubPki, openPki } from '../../src/pki/index.js';
import { readEntries, verifyAuditLog } from '../../src/security/audit/index.js';
import { testAuth, withTestAuth } from '../helpers/auth.js';

const log = pino({ level: process.env.GOTTHARD_TEST_LOG ?? 'silent' });
const run = promisify(execFile);

/**
 * OPC UA trust management through the API (engineer views, admin changes, every change audited),
 * renewal of the hub certificate without losing trust, issuers, and the CLI writing to the same
 * audit chain as the hub.
 */
describe('OPC UA trust management', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-pki-trust-'));
  const admin = testAuth('admin', [], 'root');
  const engineer = testAuth('engineer', [], 'eng');
  let hub: Hub;
  let server: HubPki; // stands in for an OPC UA server's application certificate
  let ca: HubPki;
  const auditFile = join(dir, 'hub', 'audit', 'audit.log');

  before(async () => {
    server = await openPki({
      dir: join(dir, 'server'),
      applicationUri: 'urn:plc:line1',
      subject: '/CN=Line1 PLC/O=ACME',
      logger: log,
      disableFileWatchers: true,
    });
    ca = await openPki({
      dir: join(dir, 'ca'),
      applicationUri: 'urn:acme:ca',
      subject: '/CN=ACME OT CA',
      logger: log,
      disableFileWatchers: true,
    });
    const raw = withTestAuth(withTestAuth({ dataDir: join(dir, 'hub'), http: { port: 0 } }, admin), engineer);
    hub = new Hub(validateConfig(raw, { env: {} }), { logger: log, webRoot: false });
    await hub.start();
  });

  after(async () => {
    await hub?.stop();
    await server?.close();
    await ca?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (auth: { headers: Record<string, string> }, method: string, path: string, body?: unknown) =>
    fetch(`${hub.address}/api/v1${path}`, {
      method,
      headers: { ...auth.headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });

  it('lists the own certificate with its expiry; engineers view, only admins change; every change audited', async () => {
    const view = await call(engineer, 'GET', '/pki');
    assert.equal(view.status, 200);
    const state = (await view.json()) as { own: { daysLeft: number; thumbprint: string }; certificates: unknown[] };
    assert.ok(state.own.daysLeft > 3000, `days left ${state.own.daysLeft}`);
    assert.equal(state.certificates.length, 0);

    const pem = readFileSync(server.certificateFile, 'utf8');
    assert.equal((await call(engineer, 'POST', '/pki/certificates', { pem })).status, 403, 'engineer may not trust');
    const up = await call(admin, 'POST', '/pki/certificates', { pem });
    assert.equal(up.status, 200, await up.clone().text());
    const cert = (await up.json()) as { thumbprint: string; status: string; subject: string; notAfter: string };
    assert.equal(cert.status, 'trusted');
    assert.match(cert.subject, /Line1 PLC/);

    assert.equal((await call(admin, 'POST', `/pki/certificates/${cert.thumbprint}/reject`)).status, 200);
    assert.equal((await hub.pki.find(cert.thumbprint)).status, 'rejected');
    assert.equal((await call(admin, 'POST', `/pki/certificates/${cert.thumbprint}/trust`)).status, 200);
    assert.equal((await hub.pki.find(cert.thumbprint)).status, 'trusted');
    const unknown = await call(admin, 'POST', '/pki/certificates/0123456789abcdef/trust');
    assert.equal(unknown.status, 404);

    const trustChanges = readEntries(auditFile).filter((e) => e.action.startsWith('pki.'));
    assert.deepEqual(
      trustChanges.map((e) => [e.actor, e.action, e.outcome]),
      [
        ['token:root', 'pki.trust', 'ok'],
        ['token:root', 'pki.reject', 'ok'],
        ['token:root', 'pki.trust', 'ok'],
        ['token:root', 'pki.trust', 'failed'],
      ],
    );
    assert.equal(trustChanges[1]?.target, cert.thumbprint);
  });

  it('adds an issuer (CA) certificate', async () => {
    const res = await call(admin, 'POST', '/pki/issuers', { pem: readFileSync(ca.certificateFile, 'utf8') });
    assert.equal(res.status, 200, await res.clone().text());
    const state = (await (await call(engineer, 'GET', '/pki')).json()) as { issuers: { subject: string }[] };
    assert.ok(state.issuers.some((i) => /ACME OT CA/.test(i.subject)));
    assert.equal(readEntries(auditFile).at(-1)?.action, 'pki.issuer.add');
  });

  it('renews the hub certificate with the same key and keeps every trust relationship', async () => {
    const before = await hub.pki.ownCertificate();
    const keyBefore = new X509Certificate(readFileSync(before.certificateFile)).publicKey.export({
      format: 'der',
      type: 'spki',
    });
    const listBefore = (await hub.pki.list()).map((c) => `${c.status}:${c.thumbprint}`);
    const res = await call(admin, 'POST', '/pki/own/renew', { validityDays: 400 });
    assert.equal(res.status, 200, await res.clone().text());
    const after = await hub.pki.ownCertificate();
    assert.notEqual(after.thumbprint, before.thumbprint);
    assert.ok(
      Math.abs(after.notAfter.getTime() - (Date.now() + 399 * 86_400_000)) < 3 * 86_400_000,
      `${after.notAfter.toISOString()}`,
    );
    const keyAfter = new X509Certificate(readFileSync(after.certificateFile)).publicKey.export({
      format: 'der',
      type: 'spki',
    });
    assert.deepEqual(keyAfter, keyBefore, 'same key pair');
    assert.equal(after.applicationUri, before.applicationUri);
    assert.deepEqual(
      (await hub.pki.list()).map((c) => `${c.status}:${c.thumbprint}`),
      listBefore,
      'trust lists kept',
    );
    const e = readEntries(auditFile).at(-1);
    assert.equal(e?.action, 'pki.renew');
    assert.equal(e?.details?.previous, before.thumbprint);
  });

  it('`gotthard pki reject` from the CLI lands in the same audit chain while the hub runs', async () => {
    const thumb = (await hub.pki.list()).find((c) => c.status === 'trusted')?.thumbprint as string;
    await run(process.execPath, [
      '--import',
      'tsx',
      resolve('src/cli/main.ts'),
      'pki',
      '--dir',
      join(dir, 'hub', 'pki'),
      '--audit-file',
      auditFile,
      'reject',
      thumb,
    ]);
    // The hub appends next; the chain must continue from the CLI's entry.
    assert.equal((await call(admin, 'POST', `/pki/certificates/${thumb}/trust`)).status, 200);
    const tail = readEntries(auditFile).slice(-2);
    assert.deepEqual(
      tail.map((x) => [x.actor, x.action]),
      [
        [`cli:${userInfo().username}`, 'pki.reject'],
        ['token:root', 'pki.trust'],
      ],
    );
    assert.deepEqual(verifyAuditLog(auditFile).problems, [], 'the chain is intact across both writers');
  });
});
