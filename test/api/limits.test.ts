import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../../src/api/index.js';
import { READ_LIMITS } from '../../src/api/limits.js';
import type { HubView } from '../../src/api/types.js';
import type { Historian } from '../../src/historian/index.js';
import { buildAssetTree } from '../../src/model/assets.js';
import { type Fixture, fixture, log, MIN } from '../analytics/kpi/helpers.js';
import { authedInject, openTestAuth, testAuth } from '../helpers/auth.js';

const M = 'acme/zurich/machining/line1/cnc1';
const STATE = `${M}/status/machine_state`;
const DAY = 86_400_000;
const KPI = {
  shifts: [{ name: 'day', start: '06:00', end: '22:00', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] }],
};

function hubView(historian: Historian, kpi?: Fixture['service']): HubView {
  return {
    historian,
    ...(kpi ? { kpi } : {}),
    health: () => ({
      status: 'ok',
      version: '0.0.0-test',
      startedAt: 0,
      sources: [],
      historian: historian.stats(),
      ingest: { valuesPerSecond: 0, totalValues: 0 },
    }),
    assetTree: async () =>
      buildAssetTree({ enterprise: { id: 'acme' }, sites: [{ id: 'zurich', areas: [] }] }, await historian.listTags()),
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('read limits (src/api/limits.ts): every read bounded, 400 GT_READ_LIMIT names the parameter and the maximum', () => {
  let f: Fixture;
  let app: FastifyInstance;
  let auth: Awaited<ReturnType<typeof openTestAuth>>;
  const viewer = testAuth('viewer', [], 'viewer-1');
  let get: ReturnType<typeof authedInject>;
  const now = Date.now();

  before(async () => {
    f = await fixture([M], KPI as never, { now: () => Date.now() });
    // Two days of a machine running, one state sample a minute, and parts counting up.
    const rows: [string, number, number | null][] = [];
    for (let t = now - 2 * DAY; t < now; t += MIN) {
      rows.push(['status/machine_state', t, 3]);
      rows.push(['production/good_parts', t, Math.floor((t - (now - 2 * DAY)) / MIN)]);
    }
    await f.write(M, rows);
    auth = await openTestAuth({ auths: [viewer] });
    app = await buildApi(hubView(f.historian, f.service), {
      logger: log,
      version: '0',
      auth: auth.auth,
      webRoot: false,
    });
    await app.ready();
    get = authedInject(app, viewer.headers);
  });

  after(async () => {
    await app.close();
    auth.close();
    await f.close();
  });

  it('the killer request of issue 15 (KPI summary over 99999 days as a viewer) answers 400 within 2 s', {
    timeout: 30_000,
  }, async () => {
    const t0 = performance.now();
    const r = await get(`/api/v1/kpi/summary?asset=${M}&from=now-99999d&to=now`);
    const ms = performance.now() - t0;
    assert.equal(r.statusCode, 400, r.body);
    assert.equal(r.json().error.code, 'GT_READ_LIMIT');
    assert.match(r.json().error.message, /"from".*99999 days exceeds the read limit of 366 days/);
    assert.match(r.json().error.message, /kpi\/series\?period=day/);
    assert.ok(ms < 2000, `answered in ${ms.toFixed(0)} ms`);
  });

  it('a KPI summary of 366 days is computed (stored hours in the middle), 367 days is refused', async () => {
    const to = Math.floor(now / MIN) * MIN;
    const ok = await get(`/api/v1/kpi/summary?asset=${M}&from=${iso(to - 366 * DAY)}&to=${iso(to)}`);
    assert.equal(ok.statusCode, 200, ok.body);
    assert.ok(ok.json().elements.gq > 0, 'the parts of the last two days are counted');
    const no = await get(`/api/v1/kpi/summary?asset=${M}&from=${iso(to - 367 * DAY)}&to=${iso(to)}`);
    assert.equal(no.statusCode, 400);
    assert.equal(no.json().error.code, 'GT_READ_LIMIT');
  });

  it('KPI series: period=hour up to 93 days, period=day up to 3660 days; stops up to 31 days', async () => {
    const to = now;
    const q = (period: string, days: number) =>
      get(`/api/v1/kpi/series?asset=${M}&period=${period}&from=${iso(to - days * DAY)}&to=${iso(to)}`);
    assert.equal((await q('hour', 3)).statusCode, 200);
    const h = await q('hour', 94);
    assert.equal(h.statusCode, 400);
    assert.match(h.json().error.message, /period=hour covers at most 93 days; use period=day/);
    const d = await q('day', 3661);
    assert.equal(d.statusCode, 400);
    assert.match(d.json().error.message, /3661 days exceeds the read limit of 3660 days/);
    const stops = (days: number) => get(`/api/v1/kpi/stops?asset=${M}&from=${iso(to - days * DAY)}&to=${iso(to)}`);
    assert.equal((await stops(31)).statusCode, 200);
    const s = await stops(32);
    assert.equal(s.statusCode, 400);
    assert.equal(s.json().error.code, 'GT_READ_LIMIT');
    const csv = await get(`/api/v1/kpi/export?asset=${M}&period=hour&from=now-94d&to=now`);
    assert.equal(csv.statusCode, 400);
  });

  it('trend: at most 16 tags and 160 000 points (tags × maxPoints); history range at most 3660 days', async () => {
    const tags = (n: number) => Array.from({ length: n }, () => `tag=${encodeURIComponent(STATE)}`).join('&');
    assert.equal((await get(`/api/v1/trend?${tags(16)}&maxPoints=10000`)).statusCode, 200);
    const many = await get(`/api/v1/trend?${tags(17)}&maxPoints=100`);
    assert.equal(many.statusCode, 400);
    assert.match(many.json().error.message, /"tag": 17 tags exceeds the read limit of 16 tags/);
    const points = await get(`/api/v1/trend?${tags(16)}&maxPoints=10001`);
    assert.equal(points.statusCode, 400);
    assert.match(points.json().error.message, /"maxPoints": 160016 points.*at most 10000 points per tag/);
    const long = await get(`/api/v1/trend?tag=${STATE}&from=now-3661d`);
    assert.equal(long.statusCode, 400);
    assert.match(long.json().error.message, /"from": a range of 3661 days exceeds the read limit of 3660 days/);
    assert.equal((await get(`/api/v1/trend?tag=${STATE}&from=now-3659d`)).statusCode, 200);
    const raw = await get(`/api/v1/history/raw?tag=${STATE}&from=now-3661d`);
    assert.equal(raw.statusCode, 400);
    assert.equal((await get(`/api/v1/history/raw?tag=${STATE}&from=now-3659d&limit=10`)).statusCode, 200);
  });

  it('aggregate: at most 100 000 buckets; bucketed export at most 100 000 buckets a tag', async () => {
    const ok = await get(`/api/v1/history/aggregate?tag=${STATE}&from=now-100000m&to=now&bucket=1m`);
    assert.equal(ok.statusCode, 200);
    const no = await get(`/api/v1/history/aggregate?tag=${STATE}&from=now-100001m&to=now&bucket=1m`);
    assert.equal(no.statusCode, 400);
    assert.match(no.json().error.message, /"bucket": 100001 buckets exceeds the read limit of 100000 buckets/);
    const ex = await get(`/api/v1/history/export?tag=${STATE}&from=now-100001m&to=now&bucket=1m`);
    assert.equal(ex.statusCode, 400);
    assert.equal(ex.json().error.code, 'GT_READ_LIMIT');
    const exOk = await get(`/api/v1/history/export?tag=${STATE}&from=now-2d&to=now&bucket=1h`);
    assert.equal(exOk.statusCode, 200);
    assert.equal(exOk.body.trim().split('\n').length, 1 + 48);
  });

  it('export: at most 64 tags', async () => {
    const tags = (n: number) => Array.from({ length: n }, () => `tag=${encodeURIComponent(STATE)}`).join('&');
    assert.equal((await get(`/api/v1/history/export?${tags(64)}&from=now-1m`)).statusCode, 200);
    const r = await get(`/api/v1/history/export?${tags(65)}&from=now-1m`);
    assert.equal(r.statusCode, 400);
    assert.match(r.json().error.message, /"tag": 65 tags exceeds the read limit of 64 tags/);
  });

  it('data set: the stored values are counted first; at most 500 tags', async () => {
    const ok = await get(`/api/v1/history/dataset?tag=${STATE}&from=now-3d&to=now&format=csv`);
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.body.trim().split('\n').length, 1 + 2 * 24 * 60);
    const tags = Array.from({ length: 501 }, () => `tag=${encodeURIComponent(STATE)}`).join('&');
    const many = await get(`/api/v1/history/dataset?${tags}&from=now-1h`);
    assert.equal(many.statusCode, 400);
    assert.match(many.json().error.message, /501 tags exceeds the read limit of 500 tags/);
  });

  it('GET /health reports the event-loop delay of the hub process', async () => {
    const r = await get('/api/v1/health');
    assert.equal(r.statusCode, 200);
    const e = r.json().eventLoop;
    assert.equal(e.windowS, 10);
    for (const k of ['p50Ms', 'p99Ms', 'maxMs']) assert.ok(typeof e[k] === 'number' && e[k] >= 0, `${k}: ${e[k]}`);
  });

  it('the limits module holds the numbers docs/api.md documents', () => {
    assert.equal(READ_LIMITS.kpi.summaryMaxMs, 366 * DAY);
    assert.equal(READ_LIMITS.trend.maxTags, 16);
    assert.equal(READ_LIMITS.maxRangeMs, 3660 * DAY);
  });
});

describe('heavy reads per principal: 429 with Retry-After beyond the share', () => {
  let f: Fixture;
  let app: FastifyInstance;
  let auth: Awaited<ReturnType<typeof openTestAuth>>;
  const a = testAuth('viewer', [], 'viewer-a');
  const b = testAuth('viewer', [], 'viewer-b');
  let release: () => void = () => undefined;
  let gate: Promise<void> = Promise.resolve();

  before(async () => {
    f = await fixture([M], KPI as never, { now: () => Date.now() });
    await f.write(M, [['status/machine_state', Date.now() - MIN, 3]]);
    // The real historian, with its aggregate held at a gate so a read stays in flight while the test looks.
    const held = new Proxy(f.historian, {
      get(target, prop, recv) {
        if (prop === 'aggregate') {
          return async (...args: Parameters<Historian['aggregate']>) => {
            await gate;
            return target.aggregate(...args);
          };
        }
        const v = Reflect.get(target, prop, recv);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    }) as Historian;
    auth = await openTestAuth({ auths: [a, b] });
    app = await buildApi(hubView(held), {
      logger: log,
      version: '0',
      auth: auth.auth,
      webRoot: false,
      heavyReads: { perPrincipal: 2, total: 3 },
    });
  });

  after(async () => {
    release();
    await app.close();
    auth.close();
    await f.close();
  });

  it('a principal runs at most its share at once; another principal still gets through; slots come back', async () => {
    gate = new Promise((r) => {
      release = r;
    });
    const trend = `/api/v1/trend?tag=${encodeURIComponent(STATE)}`;
    const ga = authedInject(app, a.headers);
    const gb = authedInject(app, b.headers);
    const inFlight = [ga(trend), ga(trend)];
    await new Promise((r) => setTimeout(r, 50));
    const third = await ga(trend);
    assert.equal(third.statusCode, 429);
    assert.equal(third.json().error.code, 'GT_TOO_MANY_READS');
    assert.equal(third.headers['retry-after'], '1');
    assert.match(
      third.json().error.message,
      /"viewer-a" already runs 2 heavy reads.*at most 2 at once per user or token/,
    );
    // Not a heavy read: answered while the heavy ones wait.
    assert.equal((await ga('/api/v1/tags')).statusCode, 200);
    const other = gb(trend);
    await new Promise((r) => setTimeout(r, 50));
    const overall = await gb(trend);
    assert.equal(overall.statusCode, 429, 'hub-wide cap of 3');
    assert.match(overall.json().error.message, /hub already runs 3 heavy reads/);
    release();
    for (const r of await Promise.all([...inFlight, other])) assert.equal(r.statusCode, 200, r.body);
    assert.equal((await ga(trend)).statusCode, 200, 'the slots were given back');
    // A refused request (400) gives its slot back too.
    assert.equal((await ga(`${trend}&from=now-4000d`)).statusCode, 400);
    const all = await Promise.all([ga(trend), ga(trend)]);
    assert.deepEqual(
      all.map((r) => r.statusCode),
      [200, 200],
    );
  });
});
