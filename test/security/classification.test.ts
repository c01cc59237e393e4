import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import WebSocket from 'ws';
import { buildApi } from '../../src/api/index.js';
import type { HubView } from '../../src/api/types.js';
import { createSqliteHistorian, type Historian } from '../../src/historian/index.js';
import { buildAssetTree } from '../../src/model/assets.js';
import { SampleBatch } from '../../src/model/sample.js';
import type { TagDefinition } from '../../src/model/tag.js';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { ConfigGovernance, governanceSchema } from '../../src/security/governance/index.js';
import { authedInject, openTestAuth, testAuth } from '../helpers/auth.js';
import { waitFor } from '../helpers/net.js';

const log = pino({ level: 'silent' });
const M = 'acme/zurich/machining/line1/cnc1';
const POWER = `${M}/energy/power`;
const SPEED = `${M}/spindle/speed`;
const def = (id: string): TagDefinition => ({
  id,
  assetPath: M,
  name: id.split('/').pop() as string,
  dataType: 'Double',
  lineage: { source: 'plc', endpoint: 'opc.tcp://plc:4840', nodeId: `ns=1;s=${id}` },
});

/**
 * Issue 17: confidential and restricted tags were served to any viewer through history, CSV and
 * data-set export and the WebSocket. Now every read path needs a `governance.readers` grant.
 */
describe('classification on reads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-classification-'));
  const viewer = testAuth('viewer', [], 'plain-viewer');
  const granted = testAuth('viewer', [], 'energy-viewer');
  const engineer = testAuth('engineer', [], 'any-engineer');
  let historian: Historian;
  let app: FastifyInstance;
  let close: () => void;
  const since = Date.now() - 10_000;

  before(async () => {
    historian = createSqliteHistorian({ path: join(dir, 'h.db'), flushIntervalMs: 50, logger: log });
    await historian.open();
    const keys = await historian.register([def(POWER), def(SPEED)]);
    const pipeline = new Pipeline(log);
    pipeline.addSink(historian);
    const b = new SampleBatch();
    b.push(keys[0] as number, since, since, 42.5, 0);
    b.push(keys[1] as number, since, since, 1200, 0);
    pipeline.write(b);
    historian.appendEvent({
      ts: since,
      kind: 'rule.fired',
      severity: 'info',
      message: 'power 42.5 kW',
      details: { tagId: POWER },
    });
    await historian.flush();
    const governance = new ConfigGovernance(
      governanceSchema.parse({
        rules: [{ tags: 'acme/**/energy/*', classification: 'confidential' }],
        readers: [{ tags: 'acme/**/energy/*', principals: ['token:energy-viewer', 'role:engineer'] }],
      }),
    );
    const t = await openTestAuth({ dataDir: dir, auths: [viewer, granted, engineer] });
    close = t.close;
    const hub: HubView = {
      historian,
      pipeline,
      governance,
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

  const urls = [
    `/api/v1/values/latest?tag=${POWER}`,
    `/api/v1/history/raw?tag=${POWER}&from=now-1h`,
    `/api/v1/history/aggregate?tag=${POWER}&from=now-1h&bucket=1m&fn=avg`,
    `/api/v1/trend?tag=${POWER}&from=now-1h`,
    `/api/v1/history/export?tag=${POWER}&from=now-1h`,
    `/api/v1/history/dataset?tag=${POWER}&from=now-1h`,
  ];

  it('REST, CSV and data-set reads of a confidential tag need a grant', async () => {
    for (const url of urls) {
      const r = await authedInject(app, viewer.headers)(url);
      assert.equal(r.statusCode, 403, `${url}: ${r.statusCode} ${r.body.slice(0, 200)}`);
      assert.match(r.body, /read grant/);
      for (const who of [granted, engineer]) {
        const ok = await authedInject(app, who.headers)(url);
        assert.notEqual(ok.statusCode, 403, `${url} with a grant: ${ok.body.slice(0, 200)}`);
      }
    }
  });

  it('by asset: the confidential tag is left out for a viewer without a grant', async () => {
    const latest = (await authedInject(app, viewer.headers)(`/api/v1/values/latest?asset=${M}`)).json() as {
      values: { tagId: string }[];
    };
    assert.deepEqual(
      latest.values.map((v) => v.tagId),
      [SPEED],
    );
    const csv = (await authedInject(app, viewer.headers)(`/api/v1/history/dataset?asset=${M}&from=now-1h`)).body;
    assert.ok(csv.includes(SPEED) && !csv.includes(POWER), csv);
    const all = (await authedInject(app, granted.headers)(`/api/v1/values/latest?asset=${M}`)).json() as {
      values: { tagId: string }[];
    };
    assert.equal(all.values.length, 2);
  });

  it('events about a confidential tag need a grant', async () => {
    const ev = (await authedInject(app, viewer.headers)('/api/v1/events')).body;
    assert.ok(!ev.includes('42.5'), ev);
    const ev2 = (await authedInject(app, granted.headers)('/api/v1/events')).body;
    assert.ok(ev2.includes('42.5'), ev2);
  });

  it('the live WebSocket does not stream it without a grant', async () => {
    // A real socket (the live route over TCP).
    const base = (await app.listen({ host: '127.0.0.1', port: 0 })).replace(/^http/, 'ws');
    const ws = new WebSocket(`${base}/api/v1/live`, { headers: viewer.headers });
    const got: { type: string; tags?: string[]; forbiddenTags?: string[] }[] = [];
    ws.on('message', (d) => got.push(JSON.parse(String(d))));
    await new Promise((r, j) => {
      ws.once('open', r);
      ws.once('error', j);
    });
    ws.send(JSON.stringify({ type: 'subscribe', tags: [POWER], assets: [M] }));
    const sub = await waitFor('subscribed', () => got.find((m) => m.type === 'subscribed'));
    assert.deepEqual(sub.tags, [SPEED]);
    assert.deepEqual(sub.forbiddenTags, [POWER]);
    ws.terminate();
  });
});
