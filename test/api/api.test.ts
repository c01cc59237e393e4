import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildApi } from '../../src/api/index.js';
import type { HubHealth, HubView } from '../../src/api/types.js';
import { createSqliteHistorian, type Historian } from '../../src/historian/index.js';
import { buildAssetTree } from '../../src/model/assets.js';
import { SampleBatch } from '../../src/model/sample.js';
import type { TagDefinition } from '../../src/model/tag.js';
import { authedInject, openTestAuth } from '../helpers/auth.js';

const log = pino({ level: 'silent' });
const T0 = Date.UTC(2026, 10, 25, 8, 0, 0);
const lineage = (n: string) => ({ source: 'plc', endpoint: 'opc.tcp://plc:4840', nodeId: `nsu=urn:plc;s=${n}` });
const TAGS: TagDefinition[] = [
  {
    id: 'acme/zurich/machining/line1/cnc1/bearing/temperature',
    assetPath: 'acme/zurich/machining/line1/cnc1',
    name: 'Temperature',
    dataType: 'Double',
    unit: '°C',
    euRange: { low: 0, high: 150 },
    lineage: lineage('CNC1.Bearing.Temperature'),
  },
  {
    id: 'acme/zurich/machining/line1/cnc1/production/job_number',
    assetPath: 'acme/zurich/machining/line1/cnc1',
    name: 'JobNumber',
    dataType: 'String',
    lineage: lineage('CNC1.Production.JobNumber'),
  },
];

function hubView(historian: Historian, health?: () => HubHealth): HubView {
  return {
    historian,
    health:
      health ??
      (() => ({
        status: 'ok',
        version: '0.0.0-test',
        startedAt: T0,
        sources: [],
        historian: historian.stats(),
        ingest: { valuesPerSecond: 0, totalValues: 0 },
      })),
    assetTree: async () =>
      buildAssetTree({ enterprise: { id: 'acme' }, sites: [{ id: 'zurich', areas: [] }] }, await historian.listTags()),
  };
}

describe('HTTP API /api/v1', () => {
  let historian: Historian;
  let app: FastifyInstance;
  let inject: ReturnType<typeof authedInject>;
  let testAuth: Awaited<ReturnType<typeof openTestAuth>>;
  const temp = TAGS[0]?.id as string;

  before(async () => {
    historian = createSqliteHistorian({ path: join(mkdtempSync(join(tmpdir(), 'gt-api-')), 'h.db'), logger: log });
    await historian.open();
    const [k1, k2] = await historian.register(TAGS);
    const b = new SampleBatch();
    // 10 values, one per second: 20, 21, ..., 29; the 6th is Bad and must not enter aggregates.
    for (let i = 0; i < 10; i++)
      b.push(k1 as number, T0 + i * 1000, T0 + i * 1000 + 5, 20 + i, i === 5 ? 0x80000000 : 0);
    b.pushText(k2 as number, T0, T0, 'JOB-4711', 0);
    historian.write(b);
    await historian.flush();
    testAuth = await openTestAuth();
    app = await buildApi(hubView(historian), { logger: log, version: '0.0.0-test', auth: testAuth.auth });
    inject = authedInject(app, testAuth.headers);
  });

  after(async () => {
    await app.close();
    await historian.close();
    testAuth.close();
  });

  it('lists and searches tags with metadata and lineage', async () => {
    const r = await inject('/api/v1/tags?q=%C2%B0C');
    assert.equal(r.statusCode, 200);
    const body = r.json();
    assert.equal(body.total, 1);
    assert.equal(body.tags[0].id, temp);
    assert.deepEqual(body.tags[0].euRange, { low: 0, high: 150 });
    assert.equal(body.tags[0].lineage.nodeId, 'nsu=urn:plc;s=CNC1.Bearing.Temperature');
    const byNodeId = (await inject('/api/v1/tags?q=JobNumber')).json();
    assert.equal(byNodeId.total, 1);
    assert.equal((await inject('/api/v1/tags?asset=acme/zurich/machining')).json().total, 2);
  });

  it('returns one tag by its path, and a coded 404 for an unknown one', async () => {
    assert.equal((await inject(`/api/v1/tags/${temp}`)).json().unit, '°C');
    const r = await inject('/api/v1/tags/acme/nope');
    assert.equal(r.statusCode, 404);
    assert.equal(r.json().error.code, 'GT_TAG_NOT_FOUND');
    assert.match(r.json().error.message, /acme\/nope/);
  });

  it('serves latest values with StatusCode names', async () => {
    const r = await inject(`/api/v1/values/latest?asset=acme/zurich/machining/line1/cnc1`);
    const values = r.json().values as { tagId: string; value: unknown; status: string; ts: string }[];
    const t = values.find((v) => v.tagId === temp);
    assert.equal(t?.value, 29);
    assert.equal(t?.ts, new Date(T0 + 9000).toISOString());
    assert.equal(values.find((v) => v.tagId.endsWith('job_number'))?.value, 'JOB-4711');
  });

  it('serves raw history with both timestamps and StatusCodes', async () => {
    const r = await inject(
      `/api/v1/history/raw?tag=${temp}&from=${new Date(T0).toISOString()}&to=${T0 + 10_000}&limit=4`,
    );
    assert.equal(r.statusCode, 200);
    const body = r.json();
    assert.equal(body.samples.length, 4);
    assert.deepEqual(body.samples[0], {
      ts: new Date(T0).toISOString(),
      serverTs: new Date(T0 + 5).toISOString(),
      value: 20,
      statusCode: 0,
      status: 'Good',
    });
    assert.ok(body.next, 'a cursor for the next page');
    const all = [...body.samples];
    let cursor = body.next as string | undefined;
    while (cursor) {
      const page = (
        await inject(
          `/api/v1/history/raw?tag=${temp}&from=${T0}&to=${T0 + 10_000}&limit=4&cursor=${encodeURIComponent(cursor)}`,
        )
      ).json();
      all.push(...page.samples);
      cursor = page.next;
    }
    assert.equal(all.length, 10);
    assert.equal(all[5].status, 'Bad');
    assert.equal(all[5].statusCode, 0x80000000);
  });

  it('aggregates in buckets over Good samples only (checked by hand)', async () => {
    const r = await inject(
      `/api/v1/history/aggregate?tag=${temp}&from=${T0}&to=${T0 + 10_000}&bucket=5s&fn=min,max,avg,first,last,count`,
    );
    assert.equal(r.statusCode, 200);
    const [b1, b2] = r.json().buckets;
    // bucket 1: 20..24 all good; bucket 2: 25 is Bad, so 26..29.
    assert.deepEqual(
      { min: b1.min, max: b1.max, avg: b1.avg, first: b1.first, last: b1.last, count: b1.count, badCount: b1.badCount },
      { min: 20, max: 24, avg: 22, first: 20, last: 24, count: 5, badCount: 0 },
    );
    assert.deepEqual(
      { min: b2.min, max: b2.max, avg: b2.avg, first: b2.first, last: b2.last, count: b2.count, badCount: b2.badCount },
      { min: 26, max: 29, avg: 27.5, first: 26, last: 29, count: 4, badCount: 1 },
    );
  });

  it('rejects bad query parameters with a message that names them', async () => {
    const r1 = await inject(`/api/v1/history/raw?tag=${temp}&from=yesterday`);
    assert.equal(r1.statusCode, 400);
    assert.match(r1.json().error.message, /"from" = "yesterday" is not a time/);
    const r2 = await inject(`/api/v1/history/aggregate?tag=${temp}&fn=median`);
    assert.match(r2.json().error.message, /unknown aggregate "median"; valid: min, max/);
    const r3 = await inject('/api/v1/history/raw?limit=0');
    assert.equal(r3.statusCode, 400);
    assert.equal(r3.json().error.code, 'GT_BAD_REQUEST');
    const r4 = await inject('/api/v1/nope');
    assert.equal(r4.statusCode, 404);
    assert.equal(r4.json().error.code, 'GT_NOT_FOUND');
  });

  it('reports a historian write error in health', async () => {
    const failing = await buildApi(
      hubView(historian, () => ({
        status: 'degraded',
        version: 'x',
        startedAt: T0,
        sources: [],
        historian: { ...historian.stats(), lastError: 'the disk holding /data is full (SQLITE_FULL)' },
        ingest: { valuesPerSecond: 0, totalValues: 0 },
      })),
      { logger: log, version: 'x', auth: testAuth.auth },
    );
    const r = await authedInject(failing, testAuth.headers)('/api/v1/health');
    await failing.close();
    assert.equal(r.json().status, 'degraded');
    assert.match(r.json().historian.lastError, /SQLITE_FULL/);
  });

  it('never sends a stack trace or internal message on an internal error', async () => {
    const broken = await buildApi(
      hubView(historian, () => {
        throw new Error('boom in /srv/secret/path.ts');
      }),
      { logger: log, version: 'x', auth: testAuth.auth },
    );
    const r = await authedInject(broken, testAuth.headers)('/api/v1/health');
    await broken.close();
    assert.equal(r.statusCode, 500);
    assert.doesNotMatch(r.body, /boom|secret|at /);
    assert.equal(r.json().error.code, 'GT_INTERNAL');
  });

  it('serves an OpenAPI 3 document generated from the route schemas', async () => {
    const doc = (await inject('/api/v1/openapi.json')).json();
    assert.match(doc.openapi, /^3\./);
    for (const p of [
      '/api/v1/health',
      '/api/v1/tags',
      '/api/v1/values/latest',
      '/api/v1/history/raw',
      '/api/v1/history/aggregate',
      '/api/v1/events',
      '/api/v1/assets',
    ]) {
      assert.ok(doc.paths[p], `OpenAPI has ${p}`);
    }
    const params = doc.paths['/api/v1/history/aggregate'].get.parameters.map((p: { name: string }) => p.name);
    assert.deepEqual(params.sort(), ['bucket', 'buckets', 'fn', 'from', 'tag', 'to']);
  });

  it('serves the asset tree with tag counts', async () => {
    const tree = (await inject('/api/v1/assets')).json();
    assert.equal(tree.level, 'enterprise');
    const cnc1 = tree.children[0].children[0].children[0].children[0];
    assert.equal(cnc1.path, 'acme/zurich/machining/line1/cnc1');
    assert.equal(cnc1.level, 'machine');
    assert.equal(cnc1.tagCount, 2);
  });
});
