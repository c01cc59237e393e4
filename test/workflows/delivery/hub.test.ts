import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { validateConfig } from '../../../src/config/index.js';
import { Hub } from '../../../src/hub/index.js';
import { signBody } from '../../../src/workflows/delivery/index.js';
import { testAuth } from '../../helpers/auth.js';
import { waitFor } from '../../helpers/net.js';
import { log, WebhookReceiver } from './helpers.js';

/** The hub wires delivery: work-order changes reach the webhook, status comes back signed, health shows the backlog. */
describe('hub with delivery', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'gotthard-hub-delivery-'));
  const auth = testAuth('engineer');
  const rx = new WebhookReceiver('out-secret');
  let hub: Hub;

  before(async () => {
    await rx.start();
    const config = validateConfig(
      {
        dataDir: join(dir, 'hub'),
        http: { port: 0 },
        security: auth.security,
        connectors: {
          list: [
            { kind: 'webhook', name: 'cmms', url: rx.url, secret: 'out-secret', inbound: { secret: 'in-secret' } },
          ],
        },
      },
      { env: {} },
    );
    hub = new Hub(config, { logger: log, webRoot: false });
    await hub.start();
  });
  after(async () => {
    await hub?.stop();
    await rx.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers a new work order and applies the signed status update from the CMMS', async () => {
    const wf = hub.workflows;
    assert.ok(wf, 'workflows run by default');
    assert.ok(hub.delivery, 'hub.delivery is wired');
    const { workOrder } = wf.workOrders.raise(
      {
        asset: 'acme/zurich/machining/line1/cnc1',
        failureMode: 'bearing_wear',
        title: 'Bearing worn',
        reason: 'test',
        evidence: {},
        priority: 2,
        requiredDowntimeMin: 60,
      },
      'user:test',
    );
    await waitFor('the webhook to receive the work order', () =>
      rx.received.some((r) => JSON.parse(r.body).workOrder?.id === workOrder.id),
    );
    const first = JSON.parse(rx.received[0]?.body ?? '{}');
    assert.equal(first.event, 'workorder.created');
    assert.ok(rx.received[0]?.signatureOk);

    const body = JSON.stringify({ workOrderId: workOrder.id, status: 'in_progress', note: 'on site' });
    const res = await fetch(`${hub.address}/api/v1/connectors/cmms/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-gotthard-signature': signBody('in-secret', body, Date.now()) },
      body,
    });
    assert.equal(res.status, 200, await res.clone().text());
    const wo = await fetch(`${hub.address}/api/v1/workorders/${workOrder.id}`, { headers: auth.headers }).then(
      (r) => r.json() as Promise<{ workOrder: { status: string } }>,
    );
    assert.equal(wo.workOrder.status, 'in_progress');
    // The CMMS told us; the change is not echoed back to it.
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(
      !rx.received.some((r) => JSON.parse(r.body).event === 'workorder.status'),
      'no echo of the inbound status to its sender',
    );

    const bad = await fetch(`${hub.address}/api/v1/connectors/cmms/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-gotthard-signature': signBody('guess', body, Date.now()) },
      body,
    });
    assert.equal(bad.status, 403);

    const health = await fetch(`${hub.address}/api/v1/health`, { headers: auth.headers }).then(
      (r) => r.json() as Promise<{ sinks: { name: string; kind: string; queued: number }[] }>,
    );
    const sink = health.sinks.find((s) => s.name === 'cmms');
    assert.equal(sink?.kind, 'delivery-webhook');
    assert.equal(typeof sink?.queued, 'number');
  });
});
