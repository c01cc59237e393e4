import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import type { DataGovernance } from '../../../src/security/types.js';
import { Delivery, signBody, verifySignature } from '../../../src/workflows/delivery/index.js';
import { freePort, waitFor } from '../../helpers/net.js';
import { change, connectors, log, ManualClock, WebhookReceiver, workOrder } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'gotthard-delivery-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function runUntil(d: Delivery, clock: ManualClock, done: () => boolean, maxMs: number, stepMs = 1000) {
  for (let waited = 0; waited <= maxMs; waited += stepMs) {
    await d.idle();
    if (done()) return;
    clock.advance(stepMs);
  }
  await d.idle();
}

describe('signatures', () => {
  const body = '{"workOrderId":"WO-000001","status":"done"}';
  const now = Date.UTC(2026, 10, 25, 20);
  it('accepts a valid one and refuses tampered, wrong-secret, old, future and malformed ones', () => {
    const h = signBody('s3cret', body, now);
    assert.equal(verifySignature('s3cret', body, h, now + 1000, 300_000).ok, true);
    assert.deepEqual(verifySignature('s3cret', body.replace('done', 'open'), h, now, 300_000), {
      ok: false,
      reason: 'mismatch',
    });
    assert.deepEqual(verifySignature('other', body, h, now, 300_000), { ok: false, reason: 'mismatch' });
    assert.deepEqual(verifySignature('s3cret', body, h, now + 301_000, 300_000), { ok: false, reason: 'expired' });
    assert.deepEqual(verifySignature('s3cret', body, h, now - 301_000, 300_000), { ok: false, reason: 'future' });
    assert.deepEqual(verifySignature('s3cret', body, 'sha256=abc', now, 300_000), { ok: false, reason: 'malformed' });
    assert.deepEqual(verifySignature('s3cret', body, undefined, now, 300_000), { ok: false, reason: 'missing' });
    // The timestamp is signed too: moving it breaks the MAC.
    const moved = h.replace(/t=(\d+)/, (_, t: string) => `t=${Number(t) + 10}`);
    assert.deepEqual(verifySignature('s3cret', body, moved, now, 300_000), { ok: false, reason: 'mismatch' });
  });
});

describe('webhook delivery', () => {
  it('retries an endpoint that fails then recovers, backing off, and the receiver applies each change once', async () => {
    const rx = new WebhookReceiver('k1');
    await rx.start();
    const clock = new ManualClock();
    const d = new Delivery({
      config: connectors({
        timeout: 300,
        retry: { initialDelay: 2000, maxDelay: 60_000, jitter: 0 },
        list: [{ kind: 'webhook', name: 'cmms', url: rx.url, secret: 'k1' }],
      }),
      outboxPath: join(dir, 'webhook.db'),
      logger: log,
      clock,
      random: () => 1,
    });
    d.start();
    rx.plan = ['error-500', 'reset-before', 'error-500', 'reset-after', 'ok', 'hang', 'ok', 'ok'];
    const wo = workOrder('WO-000201');
    d.enqueue(change('created', wo));
    d.enqueue(
      change('planned', {
        ...wo,
        status: 'planned',
        plannedStart: Date.UTC(2026, 10, 26),
        plannedEnd: Date.UTC(2026, 10, 26, 2),
        revision: 2,
      }),
    );
    d.enqueue(change('status', { ...wo, status: 'done', revision: 3 }));
    // The same change again (e.g. re-emitted after a crash): one entry per idempotency key.
    d.enqueue(change('created', wo));
    await d.idle();
    const first = d.entries('pending')[0];
    assert.ok(first);
    assert.equal(first.attempts, 1);
    assert.equal(first.nextAt - clock.now(), 2000, 'first retry after initialDelay');
    await runUntil(d, clock, () => d.entries('pending').length === 0, 10 * 60_000);
    assert.deepEqual(d.entries('dead'), []);
    const keys = rx.uniqueKeys();
    assert.deepEqual(
      keys,
      ['WO-000201:r1:created', 'WO-000201:r2:planned', 'WO-000201:r3:status'],
      'in order, each once by key',
    );
    for (const k of keys) {
      const bodies = new Set(rx.received.filter((r) => r.key === k).map((r) => r.body));
      assert.equal(bodies.size, 1, `every retry of ${k} carries the same body`);
    }
    assert.equal(new Set(rx.received.map((r) => r.body)).size, 3, 'three distinct bodies for three changes');
    assert.ok(
      rx.received.every((r) => r.signatureOk),
      'every request is signed',
    );
    const body = JSON.parse(rx.received[0]?.body ?? '{}');
    assert.equal(body.schema, 'gotthard.webhook.v1');
    assert.equal(body.event, 'workorder.created');
    assert.equal(body.workOrder.id, 'WO-000201');
    await d.stop();
    await rx.stop();
  });

  it('keeps pending entries across a restart (close and reopen) and delivers them once', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/hooks/gotthard`;
    const path = join(dir, 'restart.db');
    const cfg = connectors({ timeout: 500, list: [{ kind: 'webhook', name: 'cmms', url, secret: 'k1' }] });
    const a = new Delivery({ config: cfg, outboxPath: path, logger: log, clock: new ManualClock() });
    a.start();
    for (let i = 1; i <= 3; i++) a.enqueue(change('created', workOrder(`WO-00030${i}`)));
    await a.idle();
    assert.equal(a.entries('pending').length, 3, 'receiver down: all wait');
    await a.stop();

    const rx = new WebhookReceiver('k1');
    await rx.start(port);
    const b = new Delivery({ config: cfg, outboxPath: path, logger: log });
    b.start();
    await waitFor('three deliveries after the restart', () => b.entries('delivered').length === 3, 20_000, 100);
    assert.deepEqual(rx.uniqueKeys().sort(), ['WO-000301:r1:created', 'WO-000302:r1:created', 'WO-000303:r1:created']);
    assert.equal(rx.received.length, 3, 'no duplicates');
    await b.stop();
    await rx.stop();
  });

  it('a hub killed mid-delivery re-sends after restart with the same idempotency key', async () => {
    const rx = new WebhookReceiver('k1');
    await rx.start();
    rx.plan = ['hang'];
    const path = join(dir, 'killed.db');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'child-delivery.ts'), path, rx.url],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    await waitFor('the child to send the request', () => rx.received.length === 1, 30_000, 50);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const d = new Delivery({
      config: connectors({ list: [{ kind: 'webhook', name: 'cmms', url: rx.url, secret: 'k1' }] }),
      outboxPath: path,
      logger: log,
    });
    d.start();
    await waitFor('redelivery after restart', () => d.entries('delivered').length === 1, 20_000, 100);
    const [e] = d.entries('delivered');
    assert.equal(e?.attempts, 2, 'the killed attempt was counted before the call, so the retry knows it is one');
    assert.equal(rx.received.length, 2, 'at least once on the wire');
    assert.deepEqual(rx.uniqueKeys(), ['WO-000900:r1:created'], 'exactly once by idempotency key');
    await d.stop();
    await rx.stop();
  });

  it('withholds confidential evidence and holds back actions that would carry it', async () => {
    const rx = new WebhookReceiver('k1');
    await rx.start();
    const secretTag = 'acme/zurich/machining/line1/cnc1/recipe/feed_override';
    const governance: DataGovernance = {
      classificationOf: (t) => (t === secretTag ? 'confidential' : 'internal'),
      mayLeave: (t) => t !== secretTag,
    };
    const d = new Delivery({
      config: connectors({ list: [{ kind: 'webhook', name: 'cmms', url: rx.url, secret: 'k1' }] }),
      outboxPath: join(dir, 'governance.db'),
      logger: log,
      governance: () => governance,
    });
    d.start();
    const wo = workOrder('WO-000401');
    wo.evidence.values?.push({ tagId: secretTag, value: 112, unit: '%', ts: wo.createdAt });
    d.enqueue(change('created', wo));
    d.enqueue({ kind: 'notify.webhook', connector: 'cmms', subject: 'feed', body: { feed: 112 } }, 'rule:feed:1', [
      secretTag,
    ]);
    d.enqueue({ kind: 'notify.webhook', connector: 'nope', subject: 'x', body: {} }, 'rule:x:1', []);
    await waitFor(
      'the work order delivered, the action and the unroutable one held',
      () => d.entries('delivered').length === 1 && d.entries('dead').length === 2,
      10_000,
      50,
    );
    const body = JSON.parse(rx.received[0]?.body ?? '{}');
    assert.deepEqual(
      body.workOrder.evidence.values.map((v: { tagId: string }) => v.tagId),
      ['acme/zurich/machining/line1/cnc1/bearing/vibration_rms'],
    );
    assert.deepEqual(body.withheld.tagIds, [secretTag]);
    const dead = d.entries('dead');
    assert.equal(dead.length, 2);
    assert.match(dead[0]?.lastError ?? '', /classification: .*feed_override may not leave through webhook:cmms/);
    assert.match(dead[1]?.lastError ?? '', /no webhook connector named "nope"/);
    assert.equal(rx.received.length, 1, 'the action never left');
    await d.stop();
    await rx.stop();
  });
});

describe('e-mail delivery', () => {
  it('reaches a real SMTP server, with a Message-ID derived from the idempotency key', async () => {
    const port = await freePort();
    const mails: { from: string; to: string[]; data: string }[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            data: Buffer.concat(chunks).toString('utf8'),
          });
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(port, '127.0.0.1', resolve));
    const d = new Delivery({
      config: connectors({
        list: [
          {
            kind: 'email',
            name: 'maintenance',
            smtp: { host: '127.0.0.1', port, security: 'none' },
            from: 'gotthard@plant.example',
            to: ['planner@plant.example'],
            workOrders: true,
          },
        ],
      }),
      outboxPath: join(dir, 'email.db'),
      logger: log,
    });
    d.start();
    d.enqueue(change('created', workOrder('WO-000501')));
    d.enqueue(
      {
        kind: 'notify.email',
        connector: 'maintenance',
        to: ['lead@plant.example'],
        subject: 'Bearing alarm cnc1',
        text: 'vibration 7.4 mm/s',
      },
      'rule:vib:7',
      [],
    );
    await waitFor('two mails', () => mails.length === 2 && d.entries('delivered').length === 2, 15_000, 50);
    const wo = mails.find((m) => m.to.includes('planner@plant.example'));
    assert.ok(wo);
    assert.equal(wo.from, 'gotthard@plant.example');
    assert.match(wo.data, /Subject: \[Gotthard\] WO-000501 created: Spindle bearing worn: replace/);
    assert.match(wo.data, /Message-ID: <[0-9a-f]{32}@gotthard>/i);
    assert.match(wo.data, /vibration_rms =3D 7\.4 mm\/s/, 'quoted-printable body');
    const alarm = mails.find((m) => m.to.includes('lead@plant.example'));
    assert.match(alarm?.data ?? '', /Subject: Bearing alarm cnc1/);
    await d.stop();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });
});
