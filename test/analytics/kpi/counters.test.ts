import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BAD, close, type Fixture, fixture, HOUR, MIN } from './helpers.js';

/**
 * Counter semantics (docs/kpi.md, "Counters"): a totaliser or part counter only grows, rolls over at its
 * width, and is reset only to near zero. A drop that is neither, and a jump no machine could make,
 * are data-quality events: neither consumption nor production, counted and flagged.
 */
const LINE = 'acme/zurich/machining/line1';
/** One machine per case, so no case's counters are another's baseline. */
const [M1, M2, M3, M4, M5, M6] = [1, 2, 3, 4, 5, 6].map((i) => `${LINE}/cnc${i}`) as [
  string,
  string,
  string,
  string,
  string,
  string,
];
const DAY0 = Date.UTC(2026, 0, 13); // a Tuesday
const at = (d: number, h: number, m = 0) => DAY0 + d * 24 * HOUR + h * HOUR + m * MIN;
const STATE = 'status/machine_state';
const GOOD = 'production/good_parts';
const SCRAP = 'production/scrap_parts';
const PRT = 'production/ideal_cycle_time';
const ENERGY = 'energy/energy_total';
const M7 = `${LINE}/cnc7`;
const KPI = {
  machines: [{ asset: M7, timeScale: 60 }],
  shifts: [{ name: 'early', start: '06:00', end: '14:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'] }],
  energy: { price: 0.2, tariff: [], co2eFactor: 0.128 },
} as const;

describe('counter semantics', () => {
  let f: Fixture;
  before(async () => {
    f = await fixture([M1, M2, M3, M4, M5, M6, M7], KPI as never);
  });
  after(() => f.close());

  it('a restart that brings the energy totaliser back a little lower is a data-quality event, not consumption', async () => {
    // Day 0: 10 kW; at 07:00 the hub stops (BadNoCommunication marker), the plant comes back with
    // its totaliser 2.05 kWh lower (86,890.48 → 86,888.43), then runs on at 10 kW.
    await f.write(M1, [
      [STATE, at(0, 5), 0],
      [PRT, at(0, 5), 60],
      [ENERGY, at(0, 6), 86_880.48],
      [ENERGY, at(0, 7), 86_890.48],
      [ENERGY, at(0, 7, 1), null, BAD],
      [ENERGY, at(0, 7, 2), 86_888.43],
      [ENERGY, at(0, 8), 86_898.43],
      [ENERGY, at(0, 14), 86_958.43],
    ]);
    const s = await f.service.summary(M1, at(0, 6), at(0, 14));
    assert.ok(close(s.kpis.kwh, 10 + 10 + 60), `kWh of the shift without the restart's drop, got ${s.kpis.kwh}`);
    assert.equal(s.elements.energyDrops, 1);
    assert.equal(s.elements.kwhUnknownMs, 2 * MIN, 'the interval around the drop has unknown consumption');
    assert.ok((s.kpis.peakDemandKw ?? 0) < 11, `peak demand stays at 10 kW, got ${s.kpis.peakDemandKw}`);
    assert.ok(s.kpis.energyCost < 20, `cost stays at 80 kWh × 0.2, got ${s.kpis.energyCost}`);
    assert.ok(
      s.kpis.flags.some((x) => x.kpi === 'kwh' && x.reason === 'counterDrop'),
      `flagged: ${JSON.stringify(s.kpis.flags)}`,
    );
  });

  it('a part counter lower the next day (12687 → 12345) is a drop, not a reset adding 12,345 parts', async () => {
    await f.write(M2, [
      [STATE, at(1, 6), 0],
      [GOOD, at(1, 6), 12_000],
      [GOOD, at(1, 13, 59), 12_687],
      [GOOD, at(2, 6), 12_345],
      [GOOD, at(2, 13, 59), 12_745],
    ]);
    const day1 = await f.service.summary(M2, at(1, 6), at(1, 14));
    assert.equal(day1.kpis.gq, 687);
    const day2 = await f.service.summary(M2, at(2, 6), at(2, 14));
    assert.equal(day2.kpis.gq, 400, 'only the 400 parts counted after the drop');
    assert.equal(day2.elements.counterDrops, 1);
    assert.equal(day2.elements.counterResets, 0);
    assert.ok((day2.kpis.oee ?? 0) <= 1, `OEE within its bound, got ${day2.kpis.oee}`);
    assert.ok(day2.kpis.flags.some((x) => x.reason === 'counterDrop'));
  });

  it('a reset to near zero still counts what the machine made since (the PLC restarted its counter)', async () => {
    await f.write(M3, [
      [STATE, at(3, 6), 0],
      [GOOD, at(3, 6), 5_000],
      [GOOD, at(3, 9), 5_180],
      [GOOD, at(3, 10), 40],
    ]);
    const s = await f.service.summary(M3, at(3, 6), at(3, 14));
    assert.equal(s.kpis.gq, 220);
    assert.equal(s.elements.counterResets, 1);
    assert.equal(s.elements.counterDrops, 0);
  });

  it('a jump no machine could make (50,000 parts in a minute at 60 s per part) is a data-quality event', async () => {
    await f.write(M4, [
      [STATE, at(4, 6), 0],
      [PRT, at(4, 5), 60],
      [GOOD, at(4, 6), 100],
      [GOOD, at(4, 9), 280],
      [GOOD, at(4, 9, 1), 50_280],
      [GOOD, at(4, 13, 59), 50_570],
    ]);
    const s = await f.service.summary(M4, at(4, 6), at(4, 14));
    assert.equal(s.kpis.gq, 180 + 290);
    assert.equal(s.elements.counterJumps, 1);
    assert.ok(s.kpis.flags.some((x) => x.reason === 'counterJump'));
    assert.ok((s.kpis.effectiveness ?? 0) <= 1);
  });

  it('energy and parts across a Bad gap are treated alike, so kWh per good part compares like with like', async () => {
    // Day 7 (a Tuesday): 10 kW and 1 good part a minute, both counters Bad from 09:00 to 10:00.
    const d = 7;
    await f.write(M5, [
      [STATE, at(d, 6), 0],
      [GOOD, at(d, 6), 0],
      [ENERGY, at(d, 6), 1000],
      [GOOD, at(d, 9), 180],
      [ENERGY, at(d, 9), 1030],
      [GOOD, at(d, 9, 30), null, BAD],
      [ENERGY, at(d, 9, 30), null, BAD],
      [GOOD, at(d, 10), 240],
      [ENERGY, at(d, 10), 1040],
      [GOOD, at(d, 13, 59), 480],
      [ENERGY, at(d, 14), 1080],
    ]);
    const s = await f.service.summary(M5, at(d, 6), at(d, 14));
    assert.ok(close(s.kpis.kwh, 80));
    assert.ok(close(s.elements.kwhEstimated, 10));
    assert.equal(s.elements.gqUnknown, 60, 'the gap’s good parts are kept apart, like its estimated kWh');
    assert.ok(close(s.kpis.kwhPerGoodPart, 80 / 480), `80 kWh / 480 parts, got ${s.kpis.kwhPerGoodPart}`);
  });

  it('flags a figure above its physical bound with a reason instead of showing it silently', async () => {
    // PRT 600 s configured while the machine makes a part a minute: effectiveness 10.
    const d = 8;
    await f.write(M6, [
      [STATE, at(d, 6), 0],
      [PRT, at(d, 5), 600],
      [GOOD, at(d, 6), 0],
      [GOOD, at(d, 6, 59), 60],
      [SCRAP, at(d, 6), 0],
    ]);
    const s = await f.service.summary(M6, at(d, 6), at(d, 7));
    assert.ok((s.kpis.effectiveness ?? 0) > 1, 'the figure is reported as computed');
    const flag = s.kpis.flags.find((x) => x.kpi === 'effectiveness');
    assert.ok(flag, `effectiveness flagged: ${JSON.stringify(s.kpis.flags)}`);
    assert.equal(flag.reason, 'idealCycleTime');
    assert.ok(s.kpis.flags.some((x) => x.kpi === 'oee'));
  });

  it('computes an accelerated plant’s KPIs in its own time base (timeScale), so they stay within bounds', async () => {
    // A plant 60× faster than its timestamps: PRT 60 s of its time is 1 s of the hub's; it makes a part
    // per hub second and draws 10 kW of its time, 600 kWh per hub hour.
    const d = 9;
    await f.write(M7, [
      [STATE, at(d, 6), 0],
      [PRT, at(d, 6), 60],
      [GOOD, at(d, 6), 0],
      [GOOD, at(d, 6, 30), 1800],
      [GOOD, at(d, 6, 59), 3540],
      [ENERGY, at(d, 6), 0],
      [ENERGY, at(d, 7), 600],
    ]);
    const s = await f.service.summary(M7, at(d, 6), at(d, 7));
    assert.equal(s.timeScale, 60);
    assert.equal(s.elements.counterJumps, 0, 'a part per second is no jump at 60 s per part ×60');
    assert.ok(close(s.kpis.effectiveness, 3540 / 3600), `effectiveness ${s.kpis.effectiveness}`);
    assert.ok(close(s.kpis.peakDemandKw, 10), `peak demand in the plant’s kW, got ${s.kpis.peakDemandKw}`);
    assert.ok(close(s.kpis.kwh, 600));
    assert.deepEqual(s.kpis.flags, []);
  });
});
