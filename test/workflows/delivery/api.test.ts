import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../../../src/api/index.js';
import type { HubView } from '../../../src/api/types.js';
import { Delivery, signBody } from '../../../src/workflows/delivery/index.js';
import { openTestAuth, testAuth } from '../../helpers/auth.js';
import { freePort } from '../../helpers/net.js';
import { change, connectors, log, MapStatusSink, workOrder } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'gotthard-delivery-api-'));
const SECRET = 'erp-shared-secret';
const TOKEN = 'cmms-bearer-token-0123456789';

describe('delivery API: inbound status and dead letters', () => {
  let app: FastifyInstance;
  let d: Delivery;
  let closeAuth: () => void;
  const sink = new MapStatusSink();
  const engineer = testAuth('engineer');
  const viewer = testAuth('viewer');
  let adminHeaders: { authorization: string };

  before(async () => {
    const deadPort = await freePort();
    d = new Delivery({
      config: connectors({
        timeout: 500,
        list: [
          {
            kind: 'webhook',
            name: 'cmms',
            url: `http://127.0.0.1:${deadPort}/nobody`,
            secret: 'k',
            inbound: { secret: SECRET, token: TOKEN },
          },
        ],
      }),
      outboxPath: join(dir, 'api.db'),
      logger: log,
      statusSink: sink,
    });
    d.start();
    const auth = await openTestAuth({ auths: [engineer, viewer] });
    closeAuth = auth.close;
    adminHeaders = auth.headers;
    const hub = {
      delivery: d,
      health: () => {
        throw new Error('not used');
      },
      assetTree: () => Promise.reject(new Error('not used')),
    } as unknown as HubView;
    app = await buildApi(hub, { logger: log, version: 'test', webRoot: false, auth: auth.auth });
  });
  after(async () => {
    await app.close();
    await d.stop();
    closeAuth();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (body: string, headers: Record<string, string>) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/connectors/cmms/status',
      payload: body,
      headers: { 'content-type': 'application/json', ...headers },
    });

  it('a valid signature updates the work order', async () => {
    sink.orders.set('WO-000601', workOrder('WO-000601'));
    const body = JSON.stringify({ workOrderId: 'WO-000601', status: 'in_progress', note: 'technician on site' });
    const r = await post(body, { 'x-gotthard-signature': signBody(SECRET, body, Date.now()) });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json(), { workOrderId: 'WO-000601', status: 'in_progress', revision: 2 });
    assert.deepEqual(sink.applied.at(-1), {
      connector: 'cmms',
      id: 'WO-000601',
      status: 'in_progress',
      note: 'technician on site',
    });
  });

  it('refuses tampered, wrong-secret, replayed, old and unsigned requests with a clear 401/403', async () => {
    const applied = sink.applied.length;
    const body = JSON.stringify({ workOrderId: 'WO-000601', status: 'done' });
    const good = signBody(SECRET, body, Date.now());
    let r = await post(body.replace('done', 'cancelled'), { 'x-gotthard-signature': good });
    assert.equal(r.statusCode, 403);
    assert.match(r.json().error.message, /signature does not match the body/);
    r = await post(body, { 'x-gotthard-signature': signBody('wrong-secret', body, Date.now()) });
    assert.equal(r.statusCode, 403);
    r = await post(body, { 'x-gotthard-signature': signBody(SECRET, body, Date.now() - 10 * 60_000) });
    assert.equal(r.statusCode, 403);
    assert.match(r.json().error.message, /older than 300 s/);
    r = await post(body, {});
    assert.equal(r.statusCode, 401);
    assert.match(r.json().error.message, /send an x-gotthard-signature header or an Authorization: Bearer token/);
    r = await post(body, { 'x-gotthard-signature': 'v1=zz' });
    assert.equal(r.statusCode, 401);
    assert.equal(sink.applied.length, applied, 'nothing applied');
    r = await post(body, { 'x-gotthard-signature': good });
    assert.equal(r.statusCode, 200, 'the untouched request passes once');
    r = await post(body, { 'x-gotthard-signature': good });
    assert.equal(r.statusCode, 403, 'and is refused when replayed');
    assert.match(r.json().error.message, /already used \(replay\)/);
    assert.equal(sink.applied.length, applied + 1);
  });

  it('accepts the connector bearer token, resolves external ids, and names a bad body field', async () => {
    sink.orders.set('WO-000602', workOrder('WO-000602', { externalIds: { cmms: 'CM-77' } }));
    let r = await post(JSON.stringify({ externalId: 'CM-77', status: 'done' }), { authorization: `Bearer ${TOKEN}` });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().workOrderId, 'WO-000602');
    r = await post(JSON.stringify({ externalId: 'CM-77', status: 'done' }), { authorization: 'Bearer nope' });
    assert.equal(r.statusCode, 403);
    r = await post(JSON.stringify({ externalId: 'CM-77', status: 'finished' }), { authorization: `Bearer ${TOKEN}` });
    assert.equal(r.statusCode, 400);
    assert.match(r.json().error.message, /body\.status/);
  });

  it('lists dead letters for engineers and lets them retry and discard', async () => {
    d.enqueue({ kind: 'notify.webhook', connector: 'missing', subject: 's', body: {} }, 'rule:r1:1', []);
    d.enqueue({ kind: 'notify.webhook', connector: 'missing', subject: 's', body: {} }, 'rule:r1:2', []);
    d.enqueue(change('created', workOrder('WO-000603')));
    let r = await app.inject({ url: '/api/v1/delivery/dead-letters', headers: viewer.headers });
    assert.equal(r.statusCode, 403, 'viewers may not see dead letters');
    r = await app.inject({ url: '/api/v1/delivery/dead-letters', headers: engineer.headers });
    assert.equal(r.statusCode, 200, r.body);
    const dead = r.json() as { id: number; lastError: string; connector: string }[];
    assert.equal(dead.length, 2);
    assert.match(dead[0]?.lastError ?? '', /no webhook connector named "missing"/);
    r = await app.inject({
      method: 'POST',
      url: `/api/v1/delivery/dead-letters/${dead[0]?.id}/discard`,
      headers: engineer.headers,
    });
    assert.equal(r.statusCode, 200);
    assert.equal(r.json().state, 'discarded');
    r = await app.inject({
      method: 'POST',
      url: `/api/v1/delivery/dead-letters/${dead[1]?.id}/retry`,
      headers: engineer.headers,
    });
    assert.equal(r.statusCode, 409, 'its connector does not exist: retrying cannot help');
    assert.match(r.json().error.message, /connector "missing" is not configured; add it to connectors.list/);
    r = await app.inject({
      method: 'POST',
      url: `/api/v1/delivery/dead-letters/${dead[0]?.id}/retry`,
      headers: engineer.headers,
    });
    assert.equal(r.statusCode, 404);
    assert.match(r.json().error.message, /no dead letter with id/);
    r = await app.inject({ url: '/api/v1/delivery/entries?state=pending', headers: adminHeaders });
    assert.equal(r.statusCode, 200);
    assert.ok((r.json() as { idempotencyKey: string }[]).some((e) => e.idempotencyKey === 'WO-000603:r1:created'));
    r = await app.inject({ url: '/api/v1/delivery/connectors', headers: viewer.headers });
    assert.deepEqual(
      (r.json() as { name: string }[]).map((c) => c.name),
      ['cmms', 'http'],
    );
  });
});
