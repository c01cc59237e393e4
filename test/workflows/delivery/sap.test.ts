import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Delivery } from '../../../src/workflows/delivery/index.js';
import { change, connectors, log, ManualClock, MapStatusSink, workOrder } from './helpers.js';
import { SapStandIn } from './sap-standin.js';

const dir = mkdtempSync(join(tmpdir(), 'gotthard-sap-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function sapConfig(url: string, timeout = 400, orderUrl?: string) {
  return connectors({
    timeout,
    retry: { initialDelay: 1000, maxDelay: 60_000 },
    list: [
      {
        kind: 'sap-pm',
        name: 'sap',
        url,
        auth: { kind: 'basic', username: 'GOTTHARD', password: 'secret' },
        notificationType: 'M2',
        planningPlant: '1010',
        technicalObjects: { 'acme/zurich/machining/line1/cnc1': '10000042' },
        ...(orderUrl ? { orders: { url: orderUrl, orderType: 'PM01', mainWorkCenter: 'MECH' } } : {}),
      },
    ],
  });
}

/** Advances the clock in steps until `done` or `maxMs` of clock time passed. */
async function runUntil(d: Delivery, clock: ManualClock, done: () => boolean, maxMs: number, stepMs = 1000) {
  for (let waited = 0; waited <= maxMs; waited += stepMs) {
    await d.idle();
    if (done()) return;
    clock.advance(stepMs);
  }
  await d.idle();
}

describe('SAP PM connector against an OData stand-in', () => {
  const sap = new SapStandIn();
  before(() => sap.start());
  after(() => sap.stop());

  it('creates then updates a notification exactly once under 500s, resets after processing and timeouts', async () => {
    const clock = new ManualClock();
    const sink = new MapStatusSink();
    const d = new Delivery({
      config: sapConfig(sap.url, 400, sap.orderUrl),
      outboxPath: join(dir, 'exactly-once.db'),
      logger: log,
      clock,
      statusSink: sink,
    });
    d.start();
    const wo = workOrder('WO-000101');
    sink.orders.set(wo.id, wo);
    // The create: a 500 (nothing processed), then a reset after SAP committed it, then a timeout
    // after SAP committed… no: one commit only, so the timeout hits the lookup's successor.
    sap.inject('error-500', 'POST', 'MaintenanceNotification');
    sap.inject('reset-after', 'POST', 'MaintenanceNotification');
    d.enqueue(change('created', wo));
    const planned = {
      ...wo,
      status: 'planned' as const,
      plannedStart: Date.UTC(2026, 10, 27, 6),
      plannedEnd: Date.UTC(2026, 10, 27, 8),
      revision: 2,
      updatedAt: wo.updatedAt + 60_000,
    };
    // The update: a timeout after SAP applied the PATCH; the order: a reset after SAP created it.
    sap.inject('hang-after', 'PATCH', "MaintenanceNotification('");
    sap.inject('reset-after', 'POST', 'MaintenanceOrder');
    d.enqueue(change('planned', planned));
    const done = { ...planned, status: 'done' as const, revision: 3, updatedAt: planned.updatedAt + 60_000 };
    sap.inject('reset-after', 'POST', 'CompleteMaintNotif');
    d.enqueue(change('status', done));
    await runUntil(d, clock, () => d.entries('pending').length === 0, 10 * 60_000);

    assert.deepEqual(d.entries('pending'), [], 'nothing left pending');
    assert.deepEqual(d.entries('dead'), [], 'nothing dead');
    const found = sap.byReference('WO-000101');
    assert.equal(found.length, 1, `exactly one notification for WO-000101, got ${found.length}`);
    const n = found[0];
    assert.ok(n);
    assert.equal(sap.processed.creates, 1, 'one create processed');
    assert.equal(sap.processed.patches, 1, 'one PATCH processed (the retry saw the fields already set)');
    assert.equal(sap.processed.phaseChanges, 1, 'one CompleteMaintNotif processed');
    assert.equal(n.NotificationText, 'Spindle bearing worn: replace');
    assert.equal(n.NotificationType, 'M2');
    assert.equal(n.MaintPriority, '2');
    assert.equal(n.TechnicalObject, '10000042');
    assert.equal(n.TechObjIsEquipOrFuncnlLoc, 'EAMS_EQUI');
    assert.equal(n.MaintenancePlanningPlant, '1010');
    assert.equal(n.RequiredStartDate, `/Date(${Date.UTC(2026, 10, 27)})/`);
    assert.equal(n.NotifProcessingPhase, '4');
    assert.match(n.MaintNotifLongTextForEdit, /vibration_rms = 7\.4 mm\/s/);
    // The planned work order got one maintenance order, linked to the notification, with its window.
    const orders = [...sap.orders.values()].filter((o) => o.MaintenanceNotification === n.MaintenanceNotification);
    assert.equal(orders.length, 1, 'one order despite the reset after its create');
    assert.equal(sap.processed.orderCreates, 1);
    assert.equal(orders[0]?.MaintenanceOrderType, 'PM01');
    assert.equal(orders[0]?.MainWorkCenter, 'MECH');
    assert.equal(orders[0]?.MaintOrdBasicStartDate, `/Date(${Date.UTC(2026, 10, 27)})/`);
    assert.equal(sink.orders.get('WO-000101')?.externalIds['sap.order'], orders[0]?.MaintenanceOrder);
    // The number SAP gave is remembered in the store and on each delivered entry.
    assert.equal(sink.orders.get('WO-000101')?.externalIds.sap, n.MaintenanceNotification);
    const delivered = d.entries('delivered');
    assert.equal(delivered.length, 3);
    assert.ok(delivered.every((e) => e.externalId === n.MaintenanceNotification));
    assert.ok(sap.processed.lookups >= 1, 'the uncertain create was followed by a lookup');
    await d.stop();
  });

  it('re-fetches an expired CSRF token and re-reads after a 412', async () => {
    const clock = new ManualClock();
    const d = new Delivery({ config: sapConfig(sap.url), outboxPath: join(dir, 'csrf.db'), logger: log, clock });
    d.start();
    const wo = workOrder('WO-000102');
    d.enqueue(change('created', wo));
    await runUntil(d, clock, () => d.entries('delivered').length === 1, 60_000);
    const fetchesBefore = sap.processed.csrfFetches;
    sap.expireTokens();
    // Someone edits the notification in SAP between our read and our PATCH.
    sap.editAfterNextRead = true;
    const num = sap.byReference('WO-000102')[0]?.MaintenanceNotification as string;
    d.enqueue(change('updated', { ...wo, title: 'Spindle bearing: replace now', priority: 1, revision: 2 }));
    await runUntil(d, clock, () => d.entries('delivered').length === 2, 60_000);
    const n = sap.notifications.get(num);
    assert.equal(n?.NotificationText, 'Spindle bearing: replace now');
    assert.equal(n?.MaintPriority, '1');
    assert.ok(sap.processed.csrfFetches > fetchesBefore, 'a new token was fetched after 403 Required');
    assert.equal(sap.processed.preconditionFailed, 1, 'the stale ETag got a 412, then the entity was read again');
    assert.equal(n?.MaintenancePlanningPlant, 'EDIT', "the other user's edit survived");
    await d.stop();
  });

  it('keeps everything through an ERP outage of a simulated hour, then delivers each change once', async (t) => {
    const clock = new ManualClock();
    const d = new Delivery({
      config: sapConfig(sap.url),
      outboxPath: join(dir, 'outage.db'),
      logger: log,
      clock,
      random: () => 1,
    });
    d.start();
    sap.down = true;
    const requestsBefore = sap.requests.length;
    const wo = workOrder('WO-000103');
    d.enqueue(change('created', wo));
    d.enqueue(change('escalated', { ...wo, escalated: true, priority: 1, revision: 2 }));
    const hour = 3_600_000;
    await runUntil(d, clock, () => false, hour, 30_000);
    assert.equal(d.entries('pending').length, 2, 'both changes wait');
    assert.equal(d.entries('dead').length, 0, 'an hour of outage sends nothing to the dead letters');
    const tried = sap.requests.length - requestsBefore;
    t.diagnostic(`requests to the ERP during the simulated hour of outage: ${tried}`);
    // 1 s doubling to the 60 s cap: about 6 + 60 tries in an hour, not one per step.
    assert.ok(tried > 10 && tried < 200, `backoff bounded the attempts: ${tried} requests in the hour`);
    const health = d.health().find((h) => h.name === 'sap');
    assert.equal(health?.state, 'disconnected');
    assert.equal(health?.queued, 2);
    assert.match(health?.lastError ?? '', /503/);
    sap.down = false;
    await runUntil(d, clock, () => d.entries('pending').length === 0, 5 * 60_000, 10_000);
    assert.equal(sap.byReference('WO-000103').length, 1, 'one notification');
    assert.equal(sap.byReference('WO-000103')[0]?.MaintPriority, '1', 'escalation applied after the create');
    assert.equal(d.health().find((h) => h.name === 'sap')?.state, 'connected');
    await d.stop();
  });

  it('sends a refusal (400) to the dead letters at once; retry after the fix delivers it', async () => {
    const clock = new ManualClock();
    const d = new Delivery({ config: sapConfig(sap.url), outboxPath: join(dir, 'dead.db'), logger: log, clock });
    d.start();
    const wo = workOrder('WO-000104', { title: '' });
    d.enqueue(change('created', wo));
    await runUntil(d, clock, () => d.entries('dead').length === 1, 10_000);
    const [dead] = d.entries('dead');
    assert.ok(dead);
    assert.match(dead.lastError ?? '', /HTTP 400 .*NotificationText is required/);
    assert.equal(dead.attempts, 1);
    // A later change of the same work order waits behind the dead letter (order per work order).
    d.enqueue(change('updated', { ...wo, title: 'now with a title', revision: 2 }));
    await runUntil(d, clock, () => false, 10_000);
    assert.equal(d.entries('pending').length, 1);
    assert.equal(sap.byReference('WO-000104').length, 0);
    d.discardDead(dead.id, 'user:test');
    await runUntil(d, clock, () => d.entries('pending').length === 0, 60_000);
    assert.equal(
      sap.byReference('WO-000104').length,
      1,
      'the update created the notification once the dead letter was discarded',
    );
    assert.equal(sap.byReference('WO-000104')[0]?.NotificationText, 'now with a title');
    await d.stop();
  });
});

describe('SAP PM connector across a hub restart mid-create', () => {
  const sap = new SapStandIn();
  before(() => sap.start());
  after(() => sap.stop());

  it('a create SAP processed but never answered (hub stopped) is found by reference, not created twice', async () => {
    const path = join(dir, 'restart-mid-create.db');
    const cfg = sapConfig(sap.url, 30_000);
    const a = new Delivery({ config: cfg, outboxPath: path, logger: log });
    a.start();
    sap.inject('hang-after', 'POST', 'MaintenanceNotification');
    a.enqueue(change('created', workOrder('WO-000111')));
    const deadline = Date.now() + 10_000;
    while (sap.processed.creates === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(sap.processed.creates, 1, 'SAP committed the create');
    await a.stop(); // the call in flight is aborted: uncertain

    const sink = new MapStatusSink();
    sink.orders.set('WO-000111', workOrder('WO-000111'));
    const b = new Delivery({ config: cfg, outboxPath: path, logger: log, statusSink: sink });
    b.start();
    const until = Date.now() + 10_000;
    while (b.entries('delivered').length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    const [e] = b.entries('delivered');
    assert.equal(e?.attempts, 2);
    assert.equal(sap.processed.creates, 1, 'not created again');
    assert.equal(sap.byReference('WO-000111').length, 1);
    assert.equal(e?.externalId, sap.byReference('WO-000111')[0]?.MaintenanceNotification);
    assert.equal(sink.orders.get('WO-000111')?.externalIds.sap, e?.externalId, 'the number reached the work order');
    await b.stop();
  });
});
