import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildApi } from '../../src/api/index.js';
import type { HubView } from '../../src/api/types.js';
import { createSqliteHistorian, type Historian } from '../../src/historian/index.js';
import { buildAssetTree } from '../../src/model/assets.js';
import type { AuditRecord } from '../../src/security/types.js';
import { writesSchema } from '../../src/security/writes/config.js';
import { GuardedCommands } from '../../src/security/writes/index.js';
import { authedInject, openTestAuth, testAuth } from '../helpers/auth.js';

const log = pino({ level: 'silent' });
const CYCLE = 'acme/zurich/machining/line1/cnc1/production/ideal_cycle_time';

/**
 * Issue 17: `true`, `[44]`, `"0x2A"` and `" 43 "` were accepted for a Double (the API's validator
 * coerced them) and the audit recorded the coerced number. Now each is refused with a clear error
 * and the audit keeps the value as sent. (A value of the right type passes the check and goes on
 * to the source: here none runs, so it ends at BadNotSupported; test/security/writes.test.ts writes
 * to the demo plant.)
 */
describe('strict write typing through the API', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-write-typing-'));
  const engineer = testAuth('engineer', [], 'eng');
  const audit: AuditRecord[] = [];
  let historian: Historian;
  let app: FastifyInstance;
  let close: () => void;

  before(async () => {
    historian = createSqliteHistorian({ path: join(dir, 'h.db'), logger: log });
    await historian.open();
    await historian.register([
      {
        id: CYCLE,
        assetPath: 'acme/zurich/machining/line1/cnc1',
        name: 'IdealCycleTime',
        dataType: 'Double',
        lineage: { source: 'plc', endpoint: 'opc.tcp://plc:4840', nodeId: 'ns=1;s=IdealCycleTime' },
      },
    ]);
    const commands = new GuardedCommands({
      config: writesSchema.parse({ enabled: true, tags: [{ tags: CYCLE, dataType: 'Double', min: 1, max: 600 }] }),
      tags: historian,
      source: () => undefined,
      audit: { append: (r) => audit.push(r) },
      logger: log,
    });
    const t = await openTestAuth({ dataDir: dir, auths: [engineer] });
    close = t.close;
    const hub: HubView = {
      historian,
      commands,
      audit: { append: (r) => audit.push(r) },
      health: () => {
        throw new Error('not used');
      },
      assetTree: async () => buildAssetTree({ enterprise: { id: 'acme' }, sites: [] }, await historian.listTags()),
    };
    app = await buildApi(hub, { logger: log, version: 'test', auth: t.auth, webRoot: false });
    await app.ready();
  });

  after(async () => {
    await app?.close();
    close?.();
    await historian?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const sent of [true, [44], '0x2A', ' 43 ', { value: 43 }, null] as unknown[]) {
    it(`refuses ${JSON.stringify(sent)} for a Double and audits it as sent`, async () => {
      const r = await authedInject(
        app,
        engineer.headers,
      )({
        method: 'POST',
        url: '/api/v1/machines/write',
        payload: { tagId: CYCLE, value: sent, reason: 'typing test' },
      });
      assert.equal(r.statusCode, 400, r.body);
      assert.match(r.body, /BadTypeMismatch: tag .* expected a number \(Double\), got /);
      const last = audit.at(-1);
      assert.equal(last?.outcome, 'refused');
      assert.deepEqual(last?.details?.value, sent, 'the audit keeps the value as sent');
    });
  }

  it('a number passes the type check (and goes on to the source)', async () => {
    const r = await authedInject(
      app,
      engineer.headers,
    )({
      method: 'POST',
      url: '/api/v1/machines/write',
      payload: { tagId: CYCLE, value: 43, reason: 'typing test' },
    });
    assert.match(r.body, /BadNotSupported/);
  });

  it('a refused request is audited with a target, never "undefined"', async () => {
    const anon = await app.inject({ method: 'POST', url: '/api/v1/machines/write', payload: {} });
    assert.equal(anon.statusCode, 401);
    const bad = await authedInject(
      app,
      engineer.headers,
    )({ method: 'POST', url: '/api/v1/machines/call', payload: {} });
    assert.equal(bad.statusCode, 400);
    const refused = audit.filter((a) => a.outcome === 'refused').slice(-2);
    assert.deepEqual(
      refused.map((a) => a.target),
      ['POST /api/v1/machines/write', 'POST /api/v1/machines/call'],
    );
  });
});

describe('URL hygiene: NUL and invalid UTF-8 answered 400 everywhere', () => {
  it('refuses %00, a raw-encoded NUL and broken percent-encoding, on public and private routes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gt-url-'));
    const historian = createSqliteHistorian({ path: join(dir, 'h.db'), logger: log });
    await historian.open();
    const t = await openTestAuth({ dataDir: dir });
    const hub = { historian, health: () => ({}), assetTree: async () => ({}) } as unknown as HubView;
    const app = await buildApi(hub, { logger: log, version: 'test', webRoot: false, auth: t.auth });
    try {
      for (const url of [
        '/api/v1/tags?q=%00',
        '/api/v1/history/raw?tag=acme%00x',
        '/api/v1/tags?q=%FF',
        '/api/v1/tags?q=%E2%82',
        '/api/v1/health/live?x=%00',
      ]) {
        const r = await app.inject({ url, headers: t.headers });
        assert.equal(r.statusCode, 400, `${url}: ${r.statusCode} ${r.body}`);
        assert.match(r.json().error.message, /NUL|UTF-8/);
      }
      assert.equal((await app.inject({ url: '/api/v1/tags?q=%C3%A9', headers: t.headers })).statusCode, 200);
    } finally {
      await app.close();
      await historian.close();
      t.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
