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
import type { TagDefinition } from '../../src/model/tag.js';
import { AuditLog } from '../../src/security/audit/index.js';
import { Workflows } from '../../src/workflows/index.js';
import { authedInject, openTestAuth, testAuth } from '../helpers/auth.js';

const log = pino({ level: process.env.GOTTHARD_TEST_LOG ?? 'silent' });
const L1 = 'acme/zurich/machining/line1';
const L2 = 'acme/zurich/machining/line2';
const T1 = `${L1}/cnc1/spindle/speed`;
const T2 = `${L2}/cnc3/spindle/speed`;

const tag = (id: string, source: string): TagDefinition => ({
  id,
  assetPath: id.split('/').slice(0, 5).join('/'),
  name: 'speed',
  dataType: 'Double',
  lineage: { source, endpoint: `opc.tcp://${source}:4840`, nodeId: `ns=1;s=${id}` },
});

const rule = (id: string, asset: string) => ({
  id,
  assets: [asset],
  trigger: { kind: 'pdm', event: 'anomaly' },
  actions: [{ kind: 'workOrder', failureMode: 'anomaly', title: 'Inspect {{asset}}', requiredDowntime: '10m' }],
});

/**
 * Issue 17, scope escapes: what a principal limited to line 1 gets in the payloads, not only the
 * status codes (the route matrix checks those). Real authentication, historian, audit log and
 * workflow engine through `inject`.
 */
describe('scope in every payload (a principal limited to line 1)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-scope-payloads-'));
  const admin = testAuth('admin', [], 'root');
  const lineAdmin = testAuth('admin', [L1], 'line1-admin');
  const lineEngineer = testAuth('engineer', [L1], 'line1-engineer');
  const lineViewer = testAuth('viewer', [L1], 'line1-viewer');
  const viewer = testAuth('viewer', [], 'all-viewer');
  let historian: Historian;
  let audit: AuditLog;
  let wf: Workflows;
  let app: FastifyInstance;
  let close: () => void;
  const as = (a: { headers: Record<string, string> }) => authedInject(app, a.headers);

  before(async () => {
    historian = createSqliteHistorian({ path: join(dir, 'h.db'), flushIntervalMs: 50, logger: log });
    await historian.open();
    await historian.register([tag(T1, 'plc1'), tag(T2, 'plc2')]);
    const ts = Date.now() - 1000;
    historian.appendEvent({
      ts,
      kind: 'tag.collision',
      severity: 'warning',
      source: 'mq',
      message: 'line 1',
      details: { tagId: T1 },
    });
    historian.appendEvent({
      ts,
      kind: 'tag.collision',
      severity: 'warning',
      source: 'mq',
      message: 'line 2 secret 123456',
      details: { tagId: T2 },
    });
    historian.appendEvent({ ts, kind: 'connection.lost', severity: 'warning', source: 'plc1', message: 'plc1 lost' });
    historian.appendEvent({ ts, kind: 'connection.lost', severity: 'warning', source: 'plc2', message: 'plc2 lost' });
    historian.appendEvent({ ts, kind: 'hub.start', severity: 'info', message: 'hub started' });
    await historian.flush();
    audit = new AuditLog({ file: join(dir, 'audit', 'audit.log'), logger: log });
    audit.open();
    audit.append({ actor: 'user:someone', action: 'machine.write', target: T2, outcome: 'ok' });
    audit.append({ actor: 'user:someone', action: 'machine.write', target: T1, outcome: 'ok' });
    audit.append({ actor: 'user:root', action: 'pki.trust', target: 'ab'.repeat(20), outcome: 'ok' });
    const cfg = validateConfig(
      { dataDir: dir, workflows: { shiftCalendar: 'off', rules: [rule('l1-rule', L1), rule('l2-rule', L2)] } },
      { env: {} },
    );
    wf = new Workflows({
      config: cfg.workflows,
      storePath: join(dir, 'workflows.db'),
      timezone: 'UTC',
      listTags: () => historian.listTags(),
      events: { emit: () => undefined },
      log,
      audit: () => audit,
    });
    const t = await openTestAuth({ dataDir: dir, auths: [admin, lineAdmin, lineEngineer, lineViewer, viewer] });
    close = t.close;
    const hub: HubView = {
      historian,
      workflows: wf,
      audit,
      health: () => {
        throw new Error('not used');
      },
      assetTree: async () =>
        buildAssetTree(
          { enterprise: { id: 'acme' }, sites: [{ id: 'zurich', areas: [] }] },
          await historian.listTags(),
        ),
    };
    app = await buildApi(hub, { logger: log, version: 'test', auth: t.auth, webRoot: false });
    await app.ready();
  });

  after(async () => {
    await app?.close();
    wf?.stop();
    close?.();
    audit?.close();
    await historian?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('GET /events: only events about line 1 (by tag, or by a source that serves line 1) and hub-wide ones', async () => {
    const all = (await as(viewer)('/api/v1/events')).json() as { events: { message: string }[] };
    assert.equal(all.events.length, 5, 'an unscoped viewer sees every event');
    const r = await as(lineViewer)('/api/v1/events');
    assert.equal(r.statusCode, 200, r.body);
    const msgs = (r.json() as { events: { message: string }[] }).events.map((e) => e.message).sort();
    assert.deepEqual(msgs, ['hub started', 'line 1', 'plc1 lost']);
    assert.ok(!r.body.includes('123456'), 'no value of another line in the payload');
  });

  it('tags and assets list only line 1', async () => {
    const tags = (await as(lineViewer)('/api/v1/tags')).json() as { tags: { id: string }[] };
    assert.deepEqual(
      tags.tags.map((t) => t.id),
      [T1],
    );
    const tree = (await as(lineViewer)('/api/v1/assets')).body;
    assert.ok(tree.includes('line1') && !tree.includes('line2'), tree);
  });

  it('rules: a line-1 engineer neither reads, overwrites nor deletes a line-2 rule', async () => {
    const eng = as(lineEngineer);
    const list = (await eng('/api/v1/rules')).json() as { rules: { rule: { id: string } }[] };
    assert.deepEqual(
      list.rules.map((r) => r.rule.id),
      ['l1-rule'],
    );
    assert.equal((await eng('/api/v1/rules/l2-rule')).statusCode, 404);
    const put = await eng({ method: 'PUT', url: '/api/v1/rules/l2-rule', payload: rule('l2-rule', L1) });
    assert.equal(put.statusCode, 403, put.body);
    const del = await eng({ method: 'DELETE', url: '/api/v1/rules/l2-rule' });
    assert.equal(del.statusCode, 403, del.body);
    const still = wf.rules().find((r) => r.rule.id === 'l2-rule');
    assert.deepEqual(still?.rule.assets, [L2], 'the line-2 rule is unchanged');
    const own = await eng({ method: 'PUT', url: '/api/v1/rules/l1-rule', payload: rule('l1-rule', `${L1}/cnc1`) });
    assert.equal(own.statusCode, 200, own.body);
  });

  it('import: a line-1 engineer loads values into line-1 tags only', async () => {
    const t = Date.now() - 60_000;
    const csv = `tag,ts,value\n${T1},${t},11\n${T2},${t},22\n`;
    const r = await as(lineEngineer)({
      method: 'POST',
      url: '/api/v1/import',
      headers: { 'content-type': 'text/csv' },
      payload: csv,
    });
    assert.equal(r.statusCode, 200, r.body);
    const res = r.json() as { accepted: number; rejected: number; errors: { line: number; message: string }[] };
    assert.equal(res.accepted, 1);
    assert.equal(res.rejected, 1);
    assert.match(res.errors[0]?.message ?? '', /outside your scope/);
    const key2 = (await historian.getTag(T2))?.key as number;
    const page = await historian.raw({ tagKey: key2, from: t - 1, to: t + 1, limit: 10 });
    assert.equal(page.samples.length, 0, 'nothing written into the line-2 tag');
  });

  it('tokens and users: a line admin sees and revokes only inside line 1', async () => {
    const la = as(lineAdmin);
    const wide = await as(admin)({ method: 'POST', url: '/api/v1/tokens', payload: { name: 'wide', role: 'viewer' } });
    assert.equal(wide.statusCode, 201, wide.body);
    const wideToken = wide.json() as { token: string; info: { id: string } };
    const narrow = await la({
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { name: 'narrow', role: 'viewer', scope: [`${L1}/cnc1`] },
    });
    assert.equal(narrow.statusCode, 201, narrow.body);
    const tokens = (await la('/api/v1/tokens')).json() as { tokens: { name: string; scope: string[] }[] };
    assert.ok(tokens.tokens.length > 0);
    for (const t of tokens.tokens) {
      assert.ok(
        t.scope.length > 0 && t.scope.every((s) => s.startsWith(L1)),
        `a line admin sees token ${t.name} (${t.scope})`,
      );
    }
    assert.ok(tokens.tokens.some((t) => t.name === 'narrow'));
    const revoke = await la({ method: 'DELETE', url: `/api/v1/tokens/${wideToken.info.id}` });
    assert.equal(revoke.statusCode, 403, revoke.body);
    const still = await app.inject({ url: '/api/v1/auth/me', headers: { authorization: `Bearer ${wideToken.token}` } });
    assert.equal(still.statusCode, 200, 'the unscoped token still works');

    await as(admin)({
      method: 'POST',
      url: '/api/v1/users',
      payload: { name: 'everywhere', role: 'viewer', password: 'long enough password 1' },
    });
    await la({
      method: 'POST',
      url: '/api/v1/users',
      payload: { name: 'liner', role: 'viewer', scope: [L1], password: 'long enough password 2' },
    });
    const users = (await la('/api/v1/users')).json() as { users: { name: string }[] };
    assert.deepEqual(
      users.users.map((u) => u.name),
      ['liner'],
    );
  });

  it('a scope that names no asset of the hub is a 400 naming it', async () => {
    const typo = `${L1.slice(0, -1)}l`;
    const r = await as(admin)({
      method: 'POST',
      url: '/api/v1/users',
      payload: { name: 'typo', role: 'viewer', scope: [typo], password: 'long enough password 3' },
    });
    assert.equal(r.statusCode, 400, r.body);
    assert.ok(r.body.includes(typo), r.body);
    const tok = await as(admin)({
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { name: 'typo', role: 'viewer', scope: [typo] },
    });
    assert.equal(tok.statusCode, 400, tok.body);
  });

  it('certificate trust and the whole audit log need an admin without scope', async () => {
    const la = as(lineAdmin);
    const trust = await la({ method: 'POST', url: `/api/v1/pki/certificates/${'ab'.repeat(20)}/trust` });
    assert.equal(trust.statusCode, 403, trust.body);
    const log1 = (await la('/api/v1/audit?limit=5000')).json() as { entries: { actor: string; target?: string }[] };
    assert.ok(log1.entries.length > 0);
    for (const e of log1.entries) {
      assert.ok(
        e.actor === 'token:line1-admin' || (e.target ?? '').startsWith(L1),
        `a line admin reads ${e.actor} → ${e.target}`,
      );
    }
    assert.ok(log1.entries.some((e) => e.target === T1));
    const full = (await as(admin)('/api/v1/audit?limit=5000')).json() as { entries: { target?: string }[] };
    assert.ok(
      full.entries.some((e) => e.target === T2),
      'an unscoped admin reads everything',
    );
    assert.equal((await la('/api/v1/audit/verify')).statusCode, 403);
    const csv = (await la('/api/v1/audit/export?format=csv')).body;
    assert.ok(!csv.includes(T2), 'the export is filtered the same way');
  });
});
