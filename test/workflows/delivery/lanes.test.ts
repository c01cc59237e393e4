import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { DataGovernance } from '../../../src/security/types.js';
import type { Connector, DeliveryContext, DeliveryOutcome } from '../../../src/workflows/delivery/index.js';
import { Delivery, DeliveryOutbox } from '../../../src/workflows/delivery/index.js';
import type { NewEntry } from '../../../src/workflows/delivery/outbox.js';
import { freePort, waitFor } from '../../helpers/net.js';
import { change, connectors, log, WebhookReceiver, workOrder } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'gotthard-lanes-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('one queue per connector', () => {
  it('a connector whose endpoint accepts and never answers does not delay another connector', async (t) => {
    // Two real HTTP servers: `erp` reads each request and never answers (the first three times),
    // `cmms` answers at once. Both receive every work-order change.
    const erp = new WebhookReceiver('k-erp');
    erp.plan = ['hang', 'hang', 'hang'];
    await erp.start();
    const cmms = new WebhookReceiver('k-cmms');
    await cmms.start();
    const d = new Delivery({
      config: connectors({
        timeout: 2500,
        retry: { initialDelay: 300, maxDelay: 1000, jitter: 0 },
        list: [
          { kind: 'webhook', name: 'erp', url: erp.url, secret: 'k-erp' },
          { kind: 'webhook', name: 'cmms', url: cmms.url, secret: 'k-cmms' },
        ],
      }),
      outboxPath: join(dir, 'isolation.db'),
      logger: log,
    });
    d.start();
    const enqueuedAt = new Map<string, number>();
    for (let i = 1; i <= 6; i++) {
      const wo = workOrder(`WO-00070${i}`);
      enqueuedAt.set(`${wo.id}:r1:created`, Date.now());
      d.enqueue(change('created', wo));
      await sleep(700);
    }
    await waitFor('cmms has all six', () => cmms.uniqueKeys().length === 6, 5000, 20);
    // While erp hung, its first request was still open.
    assert.ok(erp.received.length >= 2, 'erp was asked (and hung) meanwhile');
    const lags = cmms.received.map((r) => r.at - (enqueuedAt.get(r.key) ?? 0));
    t.diagnostic(`cmms delivery lag behind enqueue while erp hangs: ${lags.join(', ')} ms`);
    assert.ok(
      lags.every((ms) => ms < 1000),
      `each cmms delivery within 1 s of its enqueue while erp hangs (lags ${lags.join(', ')} ms)`,
    );
    // erp answers again after its three hung requests: every entry arrives, retried by its own
    // backoff, once by key and in order, and nothing went to the dead letters.
    await waitFor('erp catches up', () => erp.uniqueKeys().length === 6 && d.entries('pending').length === 0, 30_000);
    assert.deepEqual(erp.uniqueKeys(), [...enqueuedAt.keys()]);
    assert.deepEqual(d.entries('dead'), []);
    const erpEntries = d.entries('delivered', 100, 'erp');
    assert.ok(
      erpEntries.some((e) => e.attempts > 1),
      'the hung ones were retried',
    );
    const health = Object.fromEntries(d.health().map((h) => [h.name, h]));
    assert.equal(health.erp?.appended, 6);
    assert.equal(health.erp?.delivered, 6);
    assert.equal(health.cmms?.delivered, 6);
    await d.stop();
    await erp.stop();
    await cmms.stop();
  });

  it('with concurrency 2, a hung call holds one worker while independent work orders pass', async () => {
    const rx = new WebhookReceiver('k1');
    rx.plan = ['hang'];
    await rx.start();
    const d = new Delivery({
      config: connectors({
        timeout: 3000,
        retry: { initialDelay: 200, maxDelay: 500, jitter: 0 },
        list: [{ kind: 'webhook', name: 'cmms', url: rx.url, secret: 'k1', concurrency: 2 }],
      }),
      outboxPath: join(dir, 'concurrency.db'),
      logger: log,
    });
    d.start();
    const wo = workOrder('WO-000801');
    d.enqueue(change('created', wo));
    await waitFor('the first call hangs', () => rx.received.length === 1, 5000, 10);
    const t0 = Date.now();
    // A later change of the hung work order must wait for it; other work orders must not.
    d.enqueue(change('status', { ...wo, status: 'done', revision: 2 }));
    for (let i = 2; i <= 4; i++) d.enqueue(change('created', workOrder(`WO-00080${i}`)));
    await waitFor('the independent ones', () => rx.uniqueKeys().length === 4, 2000, 10);
    assert.ok(Date.now() - t0 < 2000);
    assert.ok(!rx.uniqueKeys().includes('WO-000801:r2:status'), 'the later change of the hung work order waits');
    await waitFor('all delivered', () => d.entries('delivered').length === 5, 20_000);
    const keys = rx.uniqueKeys();
    assert.ok(keys.indexOf('WO-000801:r1:created') < keys.indexOf('WO-000801:r2:status'), 'one work order in order');
    await d.stop();
    await rx.stop();
  });
});

/** A connector as a plug-in author might write it: it sends whatever it is handed. */
class RecordingConnector implements Connector {
  readonly kind = 'recorder';
  readonly sink: string;
  readonly target = 'memory';
  readonly workOrders = true;
  readonly actions = ['notify.webhook'] as const;
  readonly sent: DeliveryContext['entry'][] = [];
  constructor(readonly name: string) {
    this.sink = `recorder:${name}`;
  }
  async deliver(ctx: DeliveryContext): Promise<DeliveryOutcome> {
    this.sent.push(ctx.entry);
    return {};
  }
  async close(): Promise<void> {}
}

describe('the governance stage', () => {
  it('applies to a connector the runtime does not know: it never sees a value it may not send', async () => {
    const secretTag = 'acme/zurich/machining/line1/cnc1/recipe/feed_override';
    let strict = false;
    const governance: DataGovernance = {
      classificationOf: (t) => (t === secretTag ? 'confidential' : 'internal'),
      mayLeave: (t, sink) => !(strict && t === secretTag && sink === 'recorder:plugin'),
    };
    const plugin = new RecordingConnector('plugin');
    const d = new Delivery({
      config: connectors({}),
      outboxPath: join(dir, 'governance-stage.db'),
      logger: log,
      governance: () => governance,
      connectors: [plugin],
    });
    // Queued while the tag may still leave; classified before the send: the stage at send time decides.
    const wo = workOrder('WO-000901');
    wo.evidence.values?.push({ tagId: secretTag, value: 112, unit: '%', ts: wo.createdAt });
    d.enqueue(change('created', wo));
    d.enqueue({ kind: 'notify.webhook', connector: 'plugin', subject: 'feed', body: { feed: 112 } }, 'rule:f:1', [
      secretTag,
    ]);
    strict = true;
    d.start();
    await waitFor('both handled', () => d.entries('pending').length === 0, 10_000, 20);
    assert.equal(plugin.sent.length, 1, 'only the work order reached the connector');
    const p = plugin.sent[0]?.payload;
    assert.equal(p?.type, 'workorder');
    if (p?.type === 'workorder') {
      assert.deepEqual(
        p.change.workOrder.evidence.values?.map((v) => v.tagId),
        ['acme/zurich/machining/line1/cnc1/bearing/vibration_rms'],
      );
      assert.deepEqual(p.withheldTagIds, [secretTag]);
    }
    const dead = d.entries('dead');
    assert.equal(dead.length, 1);
    assert.match(dead[0]?.lastError ?? '', /classification: .*feed_override may not leave through recorder:plugin/);
    await d.stop();
  });
});

describe('health counters', () => {
  it('agree after a restart: appended = delivered + queued + dead letters', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/hooks/gotthard`;
    const path = join(dir, 'counters.db');
    const cfg = connectors({
      timeout: 500,
      retry: { initialDelay: 500, maxDelay: 1000 },
      list: [{ kind: 'webhook', name: 'cmms', url, secret: 'k1' }],
    });
    const a = new Delivery({ config: cfg, outboxPath: path, logger: log });
    a.start();
    for (let i = 1; i <= 4; i++) a.enqueue(change('created', workOrder(`WO-00100${i}`)));
    a.enqueue({ kind: 'notify.webhook', connector: 'gone', subject: 'x', body: {} }, 'rule:x:1', []);
    await waitFor('a first attempt failed', () => a.health().some((x) => x.lastError !== undefined), 10_000, 20);
    const before = a.health().find((h) => h.name === 'cmms');
    assert.equal(before?.appended, 4);
    assert.equal(before?.delivered, 0);
    await a.stop();

    const rx = new WebhookReceiver('k1');
    await rx.start(port);
    const b = new Delivery({ config: cfg, outboxPath: path, logger: log });
    b.start();
    b.enqueue(change('created', workOrder('WO-001005')));
    await waitFor('all five delivered', () => b.entries('delivered').length === 5, 20_000, 50);
    const h = b.health().find((x) => x.name === 'cmms');
    // Before the fix the counters started at zero on each start: 5 delivered against 1 appended.
    assert.equal(h?.appended, 5);
    assert.equal(h?.delivered, 5);
    assert.equal(h?.queued, 0);
    assert.equal(h?.dropped, 0);
    await b.stop();
    await rx.stop();
  });

  it('an outbox file from before the counters starts from the entries it holds', () => {
    const path = join(dir, 'upgrade.db');
    const o = new DeliveryOutbox(path);
    const base: Omit<NewEntry, 'connector' | 'idempotencyKey'> = {
      group: 'g',
      summary: 's',
      payload: {
        type: 'action',
        action: { kind: 'http.call', method: 'POST', url: 'http://x', headers: {}, body: '' },
        tagIds: [],
      },
    };
    const a = o.add({ ...base, connector: 'cmms', idempotencyKey: 'k1' }, 1).entry;
    o.add({ ...base, connector: 'cmms', idempotencyKey: 'k2' }, 2);
    o.add({ ...base, connector: 'cmms', idempotencyKey: 'k3' }, 3, 'dead', 'refused');
    o.markDelivered(a.id, 'cmms', 4);
    o.close();
    const db = new Database(path);
    db.exec('DROP TABLE counters');
    db.close();
    const reopened = new DeliveryOutbox(path);
    assert.deepEqual(reopened.counters().get('cmms'), { appended: 3, delivered: 1, discarded: 0 });
    reopened.close();
  });
});
