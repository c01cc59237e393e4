import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildApi } from '../../src/api/index.js';
import type { HubView } from '../../src/api/types.js';
import { validateConfig } from '../../src/config/index.js';
import { createSqliteHistorian, type Historian } from '../../src/historian/index.js';
import { buildAssetTree } from '../../src/model/assets.js';
import type { AuditRecord } from '../../src/security/types.js';
import {
  type ActionDelivery,
  type OutboundAction,
  Workflows,
  type WorkOrder,
  type WorkOrderChange,
  type WorkOrderDelivery,
} from '../../src/workflows/index.js';
import { authedInject, openTestAuth, testAuth } from '../helpers/auth.js';

const log = pino({ level: process.env.GOTTHARD_TEST_LOG ?? 'silent' });
const M1 = 'acme/zurich/machining/line1/cnc1';
const P1 = 'acme/zurich/packaging/filling1/fillingline1';

/**
 * The workflows API through the whole request path (`inject`, real authentication with provisioned
 * tokens, a real Workflows engine on its own workflows.db): roles per route, scope filtering,
 * validation errors with their path, versions, status moves, the production schedule, audit.
 */
describe('workflows API', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-wf-api-'));
  const viewer = testAuth('viewer');
  const operator = testAuth('operator');
  const engineer = testAuth('engineer');
  const scoped = testAuth('viewer', ['acme/zurich/packaging'], 'packaging-viewer');
  const audit: AuditRecord[] = [];
  const sent: { action: OutboundAction; key: string; tagIds: readonly string[] }[] = [];
  const changes: WorkOrderChange[] = [];
  let historian: Historian;
  let wf: Workflows;
  let app: FastifyInstance;
  let close: () => void;

  before(async () => {
    historian = createSqliteHistorian({ path: join(dir, 'h.db'), logger: log });
    await historian.open();
    const cfg = validateConfig(
      {
        dataDir: dir,
        workflows: {
          shiftCalendar: 'off',
          downtime: [{ every: '1h', length: '30m' }],
          rules: [
            {
              id: 'fault',
              trigger: { kind: 'pdm', event: 'anomaly' },
              actions: [
                { kind: 'workOrder', failureMode: 'anomaly', title: 'Inspect {{asset}}', requiredDowntime: '10m' },
                { kind: 'mqtt', topic: 'plant/{{asset}}/wo', payload: '{"wo":"{{workOrder.id}}","msg":"{{message}}"}' },
              ],
            },
          ],
        },
      },
      { env: {} },
    );
    // One `enqueue` for both, like the real delivery: work-order changes and rule actions.
    const delivery = {
      enqueue(item: OutboundAction | WorkOrderChange, key?: string, tagIds: readonly string[] = []) {
        if ('workOrder' in item) changes.push(item);
        else sent.push({ action: item, key: key ?? '', tagIds });
      },
    } satisfies ActionDelivery & WorkOrderDelivery;
    wf = new Workflows({
      config: cfg.workflows,
      storePath: join(dir, 'workflows.db'),
      timezone: 'UTC',
      listTags: async () => [],
      events: { emit: () => undefined },
      log,
      delivery: () => delivery,
      audit: () => ({ append: (r) => audit.push(r) }),
    });
    const t = await openTestAuth({ auths: [viewer, operator, engineer, scoped] });
    close = t.close;
    const hub: HubView = {
      historian,
      workflows: wf,
      health: () => {
        throw new Error('not used');
      },
      assetTree: async () => buildAssetTree({ enterprise: { id: 'acme' }, sites: [] }, []),
    };
    app = await buildApi(hub, { logger: log, version: '0.0.0-test', auth: t.auth, webRoot: false });
    for (const machine of [M1, P1]) {
      wf.onEvent({
        ts: Date.now(),
        kind: 'pdm.anomaly.opened',
        severity: 'warning',
        source: 'pdm',
        message: `${machine}: anomaly`,
        details: { machine },
      });
    }
  });

  after(async () => {
    await app.close();
    wf.stop();
    await historian.close();
    close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rule actions: the MQTT action is templated with the work order the same firing opened', () => {
    assert.equal(sent.length, 2);
    assert.deepEqual(
      changes.filter((c) => c.workOrder.asset === M1).map((c) => `${c.kind}:${c.workOrder.status}:${c.actor}`),
      ['created:open:rule:fault', 'planned:planned:rule:fault'],
      'work-order changes handed to delivery',
    );
    const wo = wf.store.workOrders(10).find((w) => w.asset === M1)!;
    const a = sent.find((s) => s.action.kind === 'mqtt.publish' && s.action.topic === `plant/${M1}/wo`);
    assert.ok(a, JSON.stringify(sent));
    assert.equal((a.action as { payload: string }).payload, `{"wo":"${wo.id}","msg":"${M1}: anomaly"}`);
    assert.match(a.key, new RegExp(`^fault:${M1}:\\d+:1$`));
  });

  it('lists work orders by scope and refuses what a role may not do', async () => {
    const asViewer = authedInject(app, viewer.headers);
    const listed = await asViewer('/api/v1/workorders');
    assert.equal(listed.statusCode, 200, listed.body);
    const all = listed.json() as { workOrders: WorkOrder[] };
    assert.deepEqual(all.workOrders.map((w) => w.asset).sort(), [M1, P1]);
    const mineRes = await authedInject(app, scoped.headers)('/api/v1/workorders');
    assert.equal(mineRes.statusCode, 200, mineRes.body);
    const mine = mineRes.json() as { workOrders: WorkOrder[] };
    assert.deepEqual(
      mine.workOrders.map((w) => w.asset),
      [P1],
    );
    const other = all.workOrders.find((w) => w.asset === M1)!;
    assert.equal((await authedInject(app, scoped.headers)(`/api/v1/workorders/${other.id}`)).statusCode, 404);

    const status = (h: Record<string, string>, id: string, s: string) =>
      authedInject(app, h)({ method: 'POST', url: `/api/v1/workorders/${id}/status`, payload: { status: s } });
    assert.equal((await status(viewer.headers, other.id, 'in_progress')).statusCode, 403);
    const ok = await status(operator.headers, other.id, 'in_progress');
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal((ok.json() as { workOrder: WorkOrder }).workOrder.status, 'in_progress');
    const bad = await status(operator.headers, other.id, 'open');
    assert.equal(bad.statusCode, 409);
    assert.match(bad.body, /is in_progress; it can go to planned, done, cancelled, not open/);
    const detail = (await asViewer(`/api/v1/workorders/${other.id}`)).json() as {
      history: { actor: string; status: string }[];
    };
    assert.deepEqual(detail.history.at(-1), {
      ...detail.history.at(-1),
      actor: 'token:test-operator',
      status: 'in_progress',
    });
    assert.ok(
      audit.some((r) => r.action === 'workorder.update' && r.actor === 'token:test-operator' && r.target === other.id),
    );
  });

  it('edits rules: engineer only, validated with the YAML schema (path named), versioned, audited', async () => {
    const rule = {
      trigger: { kind: 'tag', tag: 'bearing/wear', above: 60, for: '1m' },
      actions: [{ kind: 'workOrder', failureMode: 'bearing_wear', title: 'x', requiredDowntime: '1h' }],
    };
    const put = (h: Record<string, string>, body: unknown, id = 'wear') =>
      authedInject(app, h)({ method: 'PUT', url: `/api/v1/rules/${id}`, payload: body as object });
    assert.equal((await put(operator.headers, rule)).statusCode, 403);
    const invalid = await put(engineer.headers, { ...rule, trigger: { ...rule.trigger, clear: 70 } });
    assert.equal(invalid.statusCode, 400);
    assert.match(invalid.body, /invalid rule: trigger\.clear: clear \(70\) must not be above `above` \(60\)/);
    assert.ok(audit.some((r) => r.action === 'rule.update' && r.outcome === 'refused'));
    const created = await put(engineer.headers, rule);
    assert.equal(created.statusCode, 200, created.body);
    assert.equal((created.json() as { version: number }).version, 1);
    assert.equal((await put(engineer.headers, { ...rule, enabled: false })).json().version, 2);
    const got = (await authedInject(app, viewer.headers)('/api/v1/rules/wear')).json() as {
      version: number;
      versions: { version: number; source: string; actor: string }[];
    };
    assert.equal(got.version, 2);
    assert.deepEqual(
      got.versions.map((v) => `${v.version}:${v.source}:${v.actor}`),
      ['2:api:token:test-engineer', '1:api:token:test-engineer'],
    );
    assert.equal((await put(engineer.headers, { ...rule, id: 'other' })).statusCode, 400, 'id differs from the URL');
    const del = await authedInject(app, engineer.headers)({ method: 'DELETE', url: '/api/v1/rules/wear' });
    assert.equal(del.statusCode, 200);
    assert.equal((await authedInject(app, viewer.headers)('/api/v1/rules/wear')).statusCode, 404);
    assert.deepEqual(
      audit.filter((r) => r.target === 'wear' && r.outcome === 'ok').map((r) => r.action),
      ['rule.create', 'rule.update', 'rule.delete'],
    );
  });

  it('calendar and production schedule: windows, entries, planned work; engineer adds entries', async () => {
    const asViewer = authedInject(app, viewer.headers);
    const cal = (
      await asViewer(`/api/v1/maintenance/calendar?asset=${encodeURIComponent(M1)}&from=now-1h&to=now%2B3h`)
    ).json() as {
      windows: { start: number; end: number }[];
      workOrders: WorkOrder[];
    };
    assert.ok(cal.windows.length >= 3, `windows: ${cal.windows.length}`);
    assert.ok(cal.windows.every((w) => w.end - w.start <= 30 * 60_000));
    const start = new Date(Date.now() + 3_600_000).toISOString();
    const end = new Date(Date.now() + 2 * 3_600_000).toISOString();
    const body = { kind: 'production', name: 'rush', start, end, assets: [M1] };
    const post = (h: Record<string, string>, b: object) =>
      authedInject(app, h)({ method: 'POST', url: '/api/v1/maintenance/schedule', payload: b });
    assert.equal((await post(operator.headers, body)).statusCode, 403);
    const added = await post(engineer.headers, body);
    assert.equal(added.statusCode, 200, added.body);
    const bad = await post(engineer.headers, { ...body, end: start });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /`end` must be after `start`/);
    const after = (
      await asViewer(`/api/v1/maintenance/calendar?asset=${encodeURIComponent(M1)}&from=now&to=now%2B3h`)
    ).json() as {
      windows: { start: number; end: number }[];
      entries: { name: string }[];
    };
    assert.deepEqual(
      after.entries.map((e) => e.name),
      ['rush'],
    );
    const s = Date.parse(start);
    const e = Date.parse(end);
    assert.ok(
      after.windows.every((w) => w.end <= s || w.start >= e),
      'no downtime window overlaps the production run',
    );
    const id = (added.json() as { id: number }).id;
    assert.equal(
      (await authedInject(app, engineer.headers)({ method: 'DELETE', url: `/api/v1/maintenance/schedule/${id}` }))
        .statusCode,
      204,
    );
  });
});
