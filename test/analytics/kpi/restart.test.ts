import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { validateConfig } from '../../../src/config/index.js';
import { DEMO_ASSETS, Hub } from '../../../src/hub/index.js';
import { freePort, waitFor } from '../../helpers/net.js';
import { log } from './helpers.js';

const CNC1 = 'acme/zurich/machining/line1/cnc1';

/**
 * A real hub with the demo plant, stopped and started again on the same data folder (as `npm start`,
 * Ctrl+C, `npm start`): each restart ends the run with a BadNoCommunication marker and the plant comes
 * back with the counters it saved in the data folder. The energy and parts of the range must grow by
 * what the machine used and made in the meantime, never by the counter's value (the defect: ≈ 86,888
 * kWh per restart; without the saved state the counters came back lower, a drop, counted as unknown).
 */
describe('KPIs across real hub restarts', { timeout: 240_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-kpi-restart-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the energy and parts of the range do not jump when the hub and its demo plant restart', async () => {
    const config = validateConfig(
      {
        dataDir: join(dir, 'hub'),
        assets: DEMO_ASSETS,
        http: { port: 0 },
        historian: { flushInterval: 200 },
        demo: { port: await freePort(), seed: 7 },
      },
      { env: {} },
    );
    const from = Date.now() - 60_000;
    let last: { kwh: number; parts: number; at: number } | undefined;
    const seen: string[] = [];
    for (let run = 0; run < 3; run++) {
      const hub = new Hub(config, { logger: log, demo: true });
      try {
        await hub.start();
        const kpi = hub.kpi;
        assert.ok(kpi);
        const runStart = Date.now();
        // Wait until this run's values are stored (its energy counter has moved on since the restart).
        const s = await waitFor(
          `run ${run}: energy counted`,
          async () => {
            await hub.historian.flush();
            const ms = await kpi.machines(CNC1);
            if (ms.length === 0 || Date.now() - runStart < 4000) return undefined;
            const x = await kpi.summary(CNC1, from, Date.now());
            return x.kpis.kwh > (last?.kwh ?? 0) ? x : undefined;
          },
          60_000,
          500,
        );
        const now = Date.now();
        const parts = s.kpis.pq + s.elements.pqUnknown;
        seen.push(`run ${run}: ${s.kpis.kwh.toFixed(3)} kWh, ${parts} parts, flags ${JSON.stringify(s.kpis.flags)}`);
        if (last !== undefined) {
          // No demo machine draws 200 kW; no CNC makes a part a second.
          const hours = (now - last.at) / 3_600_000;
          assert.ok(s.kpis.kwh - last.kwh <= 200 * hours, `energy jumped: ${seen.join(' | ')}`);
          assert.ok(parts - last.parts <= (now - last.at) / 1000, `parts jumped: ${seen.join(' | ')}`);
        }
        for (const k of ['availability', 'effectiveness', 'quality', 'oee'] as const) {
          const v = s.kpis[k];
          assert.ok(v === null || (v >= 0 && v <= 1), `${k} = ${v}: ${seen.join(' | ')}`);
        }
        assert.ok((s.kpis.peakDemandKw ?? 0) < 200, `peak demand ${s.kpis.peakDemandKw} kW`);
        // The plant keeps its totaliser and counters in the data folder: they continue, no drop.
        assert.equal(s.elements.energyDrops + s.elements.counterDrops, 0, seen.join(' | '));
        last = { kwh: s.kpis.kwh, parts, at: now };
      } finally {
        await hub.stop();
      }
    }
    assert.ok((last?.kwh ?? 0) < 50, seen.join(' | '));
  });
});
