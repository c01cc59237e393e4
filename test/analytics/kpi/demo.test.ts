import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildApi } from '../../../src/api/index.js';
import { validateConfig } from '../../../src/config/index.js';
import { DEMO_ASSETS, Hub } from '../../../src/hub/index.js';
import { authedInject, openTestAuth } from '../../helpers/auth.js';
import { freePort, waitFor } from '../../helpers/net.js';
import { log } from './helpers.js';

const CNC1 = 'acme/zurich/machining/line1/cnc1';
/**
 * The plant runs this much faster than real time; its PRT is in simulated seconds, timestamps are real.
 * The hub computes its KPIs in the plant's own time base (timeScale), so they are as plausible as at speed 1.
 */
const SPEED = 60;

/** A short run of the hub with the demo plant in-process: live KPIs with no KPI configuration. */
describe('live KPIs of the demo plant', { timeout: 120_000 }, () => {
  let hub: Hub;
  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gt-kpi-demo-'));
    const config = validateConfig(
      {
        dataDir: dir,
        assets: DEMO_ASSETS,
        http: { port: 0 },
        historian: { flushInterval: 200 },
        demo: { port: await freePort(), seed: 11, speed: SPEED },
      },
      { env: {} },
    );
    hub = new Hub(config, { logger: log, demo: true });
    await hub.start();
  });
  after(async () => {
    await hub?.stop();
  });

  it('computes plausible live KPIs from the demo tags, per machine, line and site', async () => {
    const kpi = hub.kpi;
    assert.ok(kpi, 'the hub runs the KPI engine by default');
    const machines = await waitFor(
      'demo machines with state and counters',
      async () => {
        const m = await kpi.machines('acme/zurich');
        return m.filter((x) => kpi.roleOf(x) === 'production').length >= 4 ? m : undefined;
      },
      30_000,
    );
    assert.ok(
      machines.some((m) => m.meter && m.asset.endsWith('/main_meter')),
      'meters are recognised',
    );
    const start = Date.now();
    const t = await openTestAuth();
    const app = await buildApi(hub, { logger: log, version: 'test', auth: t.auth });
    const api = {
      inject: authedInject(app, t.headers),
      close: async () => {
        await app.close();
        t.close();
      },
    };
    try {
      const s = await waitFor(
        'parts and energy on cnc1',
        async () => {
          const r = await api.inject(`/api/v1/kpi/summary?asset=${CNC1}&from=${start - 60_000}&to=now`);
          assert.equal(r.statusCode, 200, r.body);
          const b = r.json();
          return b.elements.gq + b.elements.sq > 0 && b.kpis.kwh > 0 ? b : undefined;
        },
        60_000,
        1000,
      );
      const e = s.elements;
      assert.ok(e.totalMs > 0);
      assert.ok(e.unknownMs < e.totalMs, 'most of the time has a known state');
      assert.equal(e.totalMs, e.pbtMs + e.pdotMs + e.unknownMs + e.notScheduledMs);
      assert.ok(e.aptMs > 0, 'cnc1 ran');
      for (const k of ['availability', 'quality'] as const) {
        const v = s.kpis[k];
        assert.ok(v === null || (v >= 0 && v <= 1), `${k} = ${v}`);
      }
      assert.equal(s.timeScale, SPEED, 'labelled as computed in the plant’s time base');
      for (const k of ['effectiveness', 'oee'] as const) {
        const v = s.kpis[k];
        assert.ok(v === null || (v >= 0 && v <= 1), `${k} = ${v} at speed ${SPEED}`);
      }
      assert.ok(s.kpis.effectiveness > 0.05, `effectiveness ${s.kpis.effectiveness}`);
      assert.deepEqual(s.kpis.flags, [], 'no figure out of its bounds');
      assert.ok(s.kpis.kwhPerGoodPart === null || s.kpis.kwhPerGoodPart > 0);
      const site = (await api.inject('/api/v1/kpi/summary?asset=acme/zurich&from=now-5m')).json();
      assert.ok(site.machines.length >= 7, `${site.machines.length} machines`);
      assert.ok(site.kpis.kwh >= s.kpis.kwh, 'the site uses at least what cnc1 uses');
      const live = await api.inject(`/api/v1/kpi/summary?asset=acme/zurich/machining/line1&shift=current`);
      assert.ok(live.statusCode === 200 || live.statusCode === 404, live.body);
      const tl = (await api.inject(`/api/v1/kpi/timeline?machine=${CNC1}&from=now-5m`)).json();
      assert.ok(tl.states.some((x: { state: string }) => x.state !== 'unknown'));
      assert.equal(tl.tags.state, `${CNC1}/status/machine_state`);
    } finally {
      await api.close();
    }
  });
});
