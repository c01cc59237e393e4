import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../../../src/api/index.js';
import type { HubView } from '../../../src/api/types.js';
import { buildAssetTree } from '../../../src/model/assets.js';
import { authedInject, openTestAuth } from '../../helpers/auth.js';
import { BAD, type Fixture, fixture, HOUR, log, MIN } from './helpers.js';

/** The KPI API and CSV of a Zurich plant: plausibility flags and local times (docs/kpi.md). */
const M = 'acme/zurich/machining/line1/cnc1';
// Tuesday 2026-01-13; 06:00 CET is 05:00 UTC.
const at = (h: number, m = 0) => Date.UTC(2026, 0, 13) + (h - 1) * HOUR + m * MIN;

describe('KPI API: flags and local time', () => {
  let f: Fixture;
  let app: FastifyInstance;
  let inject: ReturnType<typeof authedInject>;
  let testAuth: Awaited<ReturnType<typeof openTestAuth>>;
  before(async () => {
    f = await fixture(
      [M],
      {
        shifts: [{ name: 'early', start: '06:00', end: '14:00' }],
        energy: { price: 0.2, tariff: [] },
      },
      { timezone: 'Europe/Zurich' },
    );
    // PRT 600 s while the machine makes a part a minute (effectiveness 10), and an energy totaliser
    // that comes back lower after a gap.
    await f.write(M, [
      ['status/machine_state', at(5), 0],
      ['production/ideal_cycle_time', at(5), 600],
      ['production/good_parts', at(6), 0],
      ['production/good_parts', at(13, 59), 479],
      ['energy/energy_total', at(6), 86_880.48],
      ['energy/energy_total', at(7), 86_890.48],
      ['energy/energy_total', at(7, 1), null, BAD],
      ['energy/energy_total', at(7, 2), 86_888.43],
      ['energy/energy_total', at(14), 86_958.43],
    ]);
    const hub: HubView = {
      historian: f.historian,
      kpi: f.service,
      health: () => {
        throw new Error('not used');
      },
      assetTree: async () => buildAssetTree({ enterprise: { id: 'acme' }, sites: [] }, await f.historian.listTags()),
    } as unknown as HubView;
    testAuth = await openTestAuth();
    app = await buildApi(hub, { logger: log, version: 'test', auth: testAuth.auth });
    inject = authedInject(app, testAuth.headers);
  });
  after(async () => {
    await app.close();
    await f.close();
    testAuth.close();
  });

  it('reports a figure above its bound as computed, with its flag and reason', async () => {
    const r = await inject(`/api/v1/kpi/summary?asset=${M}&shift=2026-01-13/early`);
    assert.equal(r.statusCode, 200, r.body);
    const k = r.json().kpis;
    assert.ok(k.oee > 1, 'never capped silently');
    const reasons = k.flags.map((x: { kpi: string; reason: string }) => `${x.kpi}:${x.reason}`);
    assert.ok(reasons.includes('effectiveness:idealCycleTime'), reasons.join(' '));
    assert.ok(reasons.includes('oee:idealCycleTime'), reasons.join(' '));
    assert.ok(reasons.includes('kwh:counterDrop'), reasons.join(' '));
    assert.ok(Math.abs(k.kwh - 80) < 1e-6, `the drop is not consumption: ${k.kwh}`);
    const tl = (await inject(`/api/v1/kpi/timeline?machine=${M}&shift=2026-01-13/early`)).json();
    assert.deepEqual(
      tl.counterIssues.map((c: { counter: string; kind: string; value: number }) => [c.counter, c.kind, c.value]),
      [['energy', 'drop', -2.0500000000029104]],
    );
  });

  it('exports the KPI CSV with start_local in the site’s time zone and the flags per row', async () => {
    const q = `asset=${M}&period=shift&from=${new Date(at(0)).toISOString()}&to=${new Date(at(23)).toISOString()}`;
    const r = await inject(`/api/v1/kpi/export?${q}`);
    assert.equal(r.statusCode, 200, r.body);
    const [head, row] = r.body.trim().split('\n') as [string, string];
    const cols = head.split(',');
    const vals = row.split(',');
    assert.equal(vals[cols.indexOf('start')], '2026-01-13T05:00:00.000Z');
    assert.equal(vals[cols.indexOf('start_local')], '2026-01-13T06:00:00+01:00');
    assert.match(vals[cols.indexOf('flags')] ?? '', /effectiveness:idealCycleTime/);
    assert.match(vals[cols.indexOf('flags')] ?? '', /kwh:counterDrop/);
    assert.equal(vals[cols.indexOf('energyDrops')], '1');
  });

  it('shows any past shift, day or week, in the site’s time zone', async () => {
    const shift = (await inject(`/api/v1/kpi/summary?asset=${M}&shift=2026-01-13/early`)).json();
    assert.equal(shift.from, '2026-01-13T05:00:00.000Z');
    assert.equal(shift.to, '2026-01-13T13:00:00.000Z');
    const day = (await inject(`/api/v1/kpi/summary?asset=${M}&day=2026-01-13`)).json();
    assert.equal(day.from, '2026-01-12T23:00:00.000Z');
    const week = await inject(`/api/v1/kpi/summary?asset=${M}&week=2026-01-15`);
    assert.equal(week.statusCode, 200, week.body);
    assert.equal(week.json().from, '2026-01-11T23:00:00.000Z', 'Monday 00:00 CET');
    assert.equal(week.json().to, '2026-01-18T23:00:00.000Z');
    assert.equal(week.json().kpis.gq, shift.kpis.gq, 'the week holds the shift’s parts');
    const bad = await inject(`/api/v1/kpi/summary?asset=${M}&week=someday`);
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().error.message, /"week" = "someday"/);
  });
});
