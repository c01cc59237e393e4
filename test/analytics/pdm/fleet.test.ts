import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BANDS, type FleetRun, machinePath, runFleet, scoreFleet } from './fleet.js';

/**
 * Issue 21, done-when: a fleet of the demo plant's machines run to failure many times. The 80 %
 * interval must cover 75–85 % of true RULs in every horizon band, and no anomaly or health-low alert
 * may come more than the stated lead time before a failure. The interval was calibrated on seeds 1–2
 * (see `RATE_SPREAD_INFLATION`); these seeds were not used for that.
 */
const SEEDS = [11, 12, 13, 14];
const DAYS = 20;
/**
 * Stated lead time: 1.5 × the 48 h horizon. Alerts are raised when the RUL's 80 % lower bound enters
 * the horizon, so they come up to an interval's width before the horizon itself.
 */
const LEAD_H = 72;

describe('fleet run to failure (demo plant physics, 4 seeds × 5 machines × 20 days)', { timeout: 900_000 }, () => {
  it('80 % intervals cover 75–85 % per horizon band; no alert earlier than the lead time; consumables raise nothing', async (t) => {
    const runs: FleetRun[] = [];
    for (const seed of SEEDS) runs.push(await runFleet(seed, DAYS));
    const s = scoreFleet(runs, LEAD_H);
    const atHorizon = scoreFleet(runs, 48);
    const at60 = scoreFleet(runs, 60);
    t.diagnostic(
      `${s.failures} failures over ${s.machineDays} machine-days; coverage ${s.bands
        .map((b) => `${b.name} ${(100 * b.coverage).toFixed(1)} % (n ${b.n}, RMSE ${b.rmse.toFixed(1)} h)`)
        .join(', ')}`,
    );
    t.diagnostic(
      `alerts (anomaly or health-low opened) ${s.alerts}; earlier than ${LEAD_H} h before failure: ${s.falseAlerts}; earlier than 60 h: ${at60.falseAlerts}; earlier than 48 h: ${atHorizon.falseAlerts}`,
    );
    for (const m of atHorizon.falseAlertMessages.slice(0, 5)) t.diagnostic(`  ${m}`);
    assert.ok(s.failures >= 20, `${s.failures} failures`);
    assert.equal(s.bands.length, BANDS.length);
    for (const b of s.bands) {
      assert.ok(b.n > 500, `${b.name}: ${b.n} points`);
      assert.ok(b.coverage >= 0.75 && b.coverage <= 0.85, `${b.name}: coverage ${b.coverage}`);
    }
    assert.deepEqual(s.falseAlertMessages, [], `alerts more than ${LEAD_H} h before a failure`);
    // Every failure was announced: a RUL-below-horizon episode opened before it.
    let announced = 0;
    for (const run of runs) {
      for (const [machine, list] of run.failures) {
        for (const f of list) {
          const ok = run.events.some(
            (e) =>
              e.kind === 'pdm.rul.below_horizon.opened' &&
              e.details?.machine === machine &&
              e.ts < f &&
              e.ts > f - 72 * 3_600_000,
          );
          if (ok) announced++;
        }
      }
    }
    t.diagnostic(`failures announced by pdm.rul.below_horizon within 72 h before: ${announced} of ${s.failures}`);
    // The filler valve is a consumable: its RUL is estimated (the planned replacement), it raises nothing.
    const filler = machinePath('Packaging.Filling1.FillingLine1');
    assert.ok(
      runs.some((r) => r.consumables.get(filler)?.has('valve')),
      'valve RUL estimated as a consumable',
    );
    const valveEvents = runs.flatMap((r) => r.events).filter((e) => e.details?.mode === 'valve');
    assert.deepEqual(valveEvents, []);
  });

  it('without wear tags: RUL from the health index (own health or anomaly), error against the run with them', async (t) => {
    // Two seeds of the same fleet, once with wear tags and once with every `…wear` tag hidden from the
    // monitor. The failure truth comes from the simulation either way.
    const seeds = [11, 12];
    const withTags: FleetRun[] = [];
    const without: FleetRun[] = [];
    for (const seed of seeds) {
      withTags.push(await runFleet(seed, DAYS));
      without.push(await runFleet(seed, DAYS, {}, 300, /wear$/));
    }
    const a = scoreFleet(withTags, LEAD_H);
    const b = scoreFleet(without, LEAD_H);
    const fmt = (s: typeof a) =>
      s.bands
        .map((x) => `${x.name} RMSE ${x.rmse.toFixed(1)} h, coverage ${(100 * x.coverage).toFixed(0)} % (n ${x.n})`)
        .join('; ');
    t.diagnostic(`with wear tags: ${fmt(a)}; alerts ${a.alerts}, earlier than ${LEAD_H} h: ${a.falseAlerts}`);
    t.diagnostic(`wear tags hidden: ${fmt(b)}; alerts ${b.alerts}, earlier than ${LEAD_H} h: ${b.falseAlerts}`);
    assert.ok(
      without.every((r) => r.points.every((p) => p.mode === 'health')),
      'without wear tags, the only failure mode is the health index',
    );
    // The fallback exists near the end of life: estimates in the last 24 h before failures.
    assert.ok(b.bands[0]!.n > 0.5 * a.bands[0]!.n, `estimates in the last 24 h: ${b.bands[0]!.n} vs ${a.bands[0]!.n}`);
  });
});
