import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { validateConfig } from '../../src/config/index.js';
import { DEMO_ASSETS, Hub } from '../../src/hub/index.js';
import { testAuth, withTestAuth } from '../helpers/auth.js';
import { freePort, waitFor } from '../helpers/net.js';

const log = pino({ level: process.env.GOTTHARD_TEST_LOG ?? 'silent' });

/**
 * Issue 17: rejecting a server certificate on the Certificates page left the running OPC UA
 * session up (values flowed for 90 s while the page said "Rejected"). Now the source that used it
 * is restarted: its session ends at once and it stays down while the certificate is not trusted.
 */
describe('rejecting a server certificate ends the sessions that use it', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-pki-withdraw-'));
  const admin = testAuth('admin', [], 'root');
  let hub: Hub;

  before(async () => {
    const raw = withTestAuth(
      {
        dataDir: dir,
        assets: DEMO_ASSETS,
        http: { port: 0 },
        demo: { port: await freePort() },
        historian: { flushInterval: 200 },
      },
      admin,
    );
    hub = new Hub(validateConfig(raw, { env: {} }), { logger: log, demo: true, webRoot: false });
    await hub.start();
  });

  after(async () => {
    await hub?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const demo = () => hub.health().sources.find((s) => s.name === 'demo-plant');

  it('restarts the demo-plant source on reject; no value arrives afterwards; the audit names the ended session', async () => {
    const connected = await waitFor(
      'demo plant connected with values',
      () => {
        const s = demo();
        return s?.state === 'connected' && s.valuesReceived > 0 && s.details.serverCertificateThumbprint
          ? s
          : undefined;
      },
      60_000,
    );
    const tp = connected.details.serverCertificateThumbprint as string;
    const res = await fetch(`${hub.address}/api/v1/pki/certificates/${tp}/reject`, {
      method: 'POST',
      headers: admin.headers,
    });
    assert.equal(res.status, 200, await res.clone().text());
    const body = (await res.json()) as { status: string; endedSessions?: string[] };
    assert.equal(body.status, 'rejected');
    assert.deepEqual(body.endedSessions, ['demo-plant']);
    const after = demo();
    assert.notEqual(after?.state, 'connected', `state after reject: ${after?.state}`);
    // The restarted source cannot open a session with a rejected certificate: nothing more arrives.
    await new Promise((r) => setTimeout(r, 3000));
    const s1 = demo();
    assert.notEqual(s1?.state, 'connected');
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(demo()?.valuesReceived, s1?.valuesReceived, 'no values after the certificate was rejected');
    const events = await hub.historian.events({ from: Date.now() - 60_000, limit: 200 });
    assert.ok(events.some((e) => e.kind === 'connection.certificate-withdrawn' && e.source === 'demo-plant'));
  });
});
