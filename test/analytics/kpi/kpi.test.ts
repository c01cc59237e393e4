import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BAD, close, type Fixture, fixture, HOUR, MIN } from './helpers.js';

const M = 'acme/zurich/machining/line1/cnc1';
const M2 = 'acme/zurich/machining/line1/cnc2';
const DAY0 = Date.UTC(2026, 0, 13); // a Tuesday
const at = (h: number, m = 0) => DAY0 + h * HOUR + m * MIN;
const STATE = 'status/machine_state';
const GOOD = 'production/good_parts';
const SCRAP = 'production/scrap_parts';
const PRT = 'production/ideal_cycle_time';
const ENERGY = 'energy/energy_total';

const KPI = {
  shifts: [
    {
      name: 'early',
      start: '06:00',
      end: '14:00',
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      breaks: [{ start: '08:00', end: '08:15' }],
    },
    { name: 'late', start: '14:00', end: '22:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'] },
  ],
  energy: {
    price: 0.2,
    tariff: [{ name: 'peak', days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '07:00', end: '20:00', price: 0.3 }],
    co2eFactor: 0.128,
  },
} as const;

describe('KPIs per ISO 22400-2, hand-computed', () => {
  let f: Fixture;
  before(async () => {
    f = await fixture([M, M2], KPI as never);
    // cnc1, early shift of 2026-01-13: run, a 10 min idle, the planned break, a fault + repair (40 min),
    // a 10 min setup, run to the end. PRT 60 s.
    await f.write(M, [
      [STATE, at(5, 30), 3],
      [STATE, at(6), 0],
      [STATE, at(7), 1],
      [STATE, at(7, 10), 0],
      [STATE, at(8), 3],
      [STATE, at(8, 15), 0],
      [STATE, at(9), 4],
      [STATE, at(9, 20), 5],
      [STATE, at(9, 40), 2],
      [STATE, at(9, 50), 0],
      [STATE, at(14), 3],
      [PRT, at(5, 30), 60],
      // Good parts: 1000 → 1050 → 1090, then the PLC resets the counter (→ 5) and it counts on to 210.
      [GOOD, at(5, 59), 1000],
      [GOOD, at(7), 1050],
      [GOOD, at(9), 1090],
      [GOOD, at(10), 5],
      [GOOD, at(13, 59), 210],
      // Scrap rolls over its UInt32 range: 4294967290 → 14 is 20 parts.
      [SCRAP, at(5, 59), 4294967290],
      [SCRAP, at(13, 59), 14],
      // Energy counter: 10 kW constant.
      [ENERGY, at(6), 500],
      [ENERGY, at(10), 540],
      [ENERGY, at(14), 580],
    ]);
  });
  after(() => f.close());

  it('computes every element and KPI of a shift', async () => {
    const s = await f.service.summary(M, at(6), at(14));
    const e = s.elements;
    assert.equal(e.totalMs, 480 * MIN);
    assert.equal(e.potMs, 480 * MIN);
    assert.equal(e.pdotMs, 15 * MIN);
    assert.equal(e.pbtMs, 465 * MIN);
    assert.equal(e.aptMs, 405 * MIN);
    assert.equal(e.adetMs, 10 * MIN);
    assert.equal(e.adotMs, 40 * MIN);
    assert.equal(e.austMs, 10 * MIN);
    assert.equal(e.unknownMs, 0);
    assert.equal(e.gq, 300);
    assert.equal(e.sq, 20);
    assert.equal(e.counterResets, 1);
    assert.equal(e.counterRollovers, 1);
    assert.equal(e.failures, 1);
    const k = s.kpis;
    assert.ok(close(k.availability, 405 / 465));
    assert.ok(close(k.effectiveness, (320 * 60) / (405 * 60)));
    assert.ok(close(k.quality, 300 / 320));
    assert.ok(close(k.oee, 300 / 465), `OEE = PRT × GQ / PBT = 300 min / 465 min, got ${k.oee}`);
    assert.ok(close(k.scrapRatio, 20 / 320));
    assert.ok(close(k.setupRatio, 10 / 415));
    assert.ok(close(k.mtbfMs, (405 * MIN) / 2));
    assert.ok(close(k.mttrMs, 40 * MIN));
    assert.ok(close(k.throughputPerHour, 320 / (465 / 60)));
    assert.ok(close(k.kwh, 80));
    assert.ok(close(k.idleKwh, (75 / 60) * 10));
    assert.ok(close(k.kwhPerGoodPart, 80 / 300));
    assert.ok(close(k.energyCost, 10 * 0.2 + 70 * 0.3));
    assert.ok(close(k.co2eKg, 80 * 0.128));
    assert.ok(close(k.peakDemandKw, 10));
  });

  it('builds the loss waterfall from planned time to fully productive time', async () => {
    const s = await f.service.summary(M, at(6), at(14));
    const w = Object.fromEntries(s.waterfall.map((x) => [x.key, x.ms]));
    assert.equal(w.pot, 480 * MIN);
    assert.equal(w.pbt, 465 * MIN);
    assert.equal(w.equipmentFailure, 40 * MIN);
    assert.equal(w.setupAdjustments, 10 * MIN);
    assert.equal(w.idlingMinorStops, 10 * MIN);
    assert.equal(w.apt, 405 * MIN);
    assert.ok(close(w.reducedSpeed, 85 * MIN));
    assert.ok(close(w.quality, 20 * MIN));
    assert.ok(close(w.fullyProductive, 300 * MIN));
  });

  it('lists stops, takes a reason, regroups the loss and ranks the Pareto', async () => {
    const stops = await f.service.stops(M, at(6), at(14));
    assert.deepEqual(
      stops.map((s) => [s.state, (s.start - DAY0) / MIN, s.lostMs / MIN]),
      [
        ['delay', 420, 10],
        ['failure', 540, 20],
        ['repair', 560, 20],
        ['setup', 580, 10],
      ],
    );
    await assert.rejects(f.service.setReason(M, at(7, 5), 'minor.material', null), /no unplanned stop/);
    await assert.rejects(f.service.setReason(M, at(7), 'nope', null), /unknown reason "nope"/);
    // The idle stop was in truth a tool breakage: it moves from minor stops to equipment failure.
    await f.service.setReason(M, at(7), 'breakdown.tool', 'spindle tool broke');
    const s = await f.service.summary(M, at(6), at(14));
    assert.equal(s.elements.equipmentFailureMs, 50 * MIN);
    assert.equal(s.elements.idlingMinorStopsMs, 0);
    assert.equal(s.elements.adetMs, 10 * MIN, 'ISO elements stay by state');
    const pareto = await f.service.pareto(M, at(6), at(14));
    assert.deepEqual(
      pareto.map((r) => [r.key, r.lostMs / MIN, r.count]),
      [
        ['unassigned:failure', 20, 1],
        ['unassigned:repair', 20, 1],
        ['breakdown.tool', 10, 1],
        ['unassigned:setup', 10, 1],
      ],
    );
    assert.ok(close(pareto[3]?.cumulativeShare, 1));
  });

  it('gives the same elements from stored hours as from raw data (long ranges use the store)', async () => {
    const raw = await f.service.summary(M, at(6), at(8));
    const long = await f.service.summary(M, at(0), at(24));
    const byShift = await f.service.series(M, 'shift', at(6), at(14));
    assert.equal(byShift.length, 1);
    assert.equal(byShift[0]?.label, '2026-01-13/early');
    assert.deepEqual(byShift[0]?.elements, (await f.service.summary(M, at(6), at(14))).elements);
    assert.equal(long.elements.gq, 300);
    assert.equal(long.elements.aptMs, 405 * MIN);
    assert.equal(raw.elements.aptMs, 110 * MIN);
    const hours = f.service.store.periods(M, 'hour', at(0), at(24));
    assert.ok(hours.length >= 20, `hours stored: ${hours.length}`);
  });

  it('splits a planned stop that spans a shift boundary exactly', async () => {
    await f.write(M2, [
      [STATE, at(6), 0],
      [STATE, at(13), 3],
      [STATE, at(15), 0],
      [STATE, at(22), 3],
    ]);
    const rows = await f.service.series(M2, 'shift', at(6), at(22));
    assert.deepEqual(
      rows.map((r) => [r.label, r.elements.pdotMs / MIN, r.elements.aptMs / MIN, r.elements.pbtMs / MIN]),
      [
        ['2026-01-13/early', 15 + 60 - 15, 420, 420],
        ['2026-01-13/late', 60, 420, 420],
      ],
    );
    // Break 08:00–08:15 was run through: planned busy (ran), flagged as running outside the plan.
    assert.equal(rows[0]?.elements.runOutsidePlanMs, 15 * MIN);
  });

  it('reports no production as OEE 0, and a machine with zero planned time as undefined', async () => {
    // cnc2 runs the late shift with no counter increments at all.
    const none = await f.service.summary(M2, at(15), at(22));
    assert.equal(none.kpis.availability, 1);
    assert.equal(none.kpis.effectiveness, 0);
    assert.equal(none.kpis.quality, null);
    assert.equal(none.kpis.oee, 0);
    // Saturday: no shift, machine in PlannedStop → PBT 0.
    const sat = DAY0 + 4 * 24 * HOUR;
    const zero = await f.service.summary(M2, sat, sat + 24 * HOUR);
    assert.equal(zero.elements.pbtMs, 0);
    assert.equal(zero.kpis.availability, null);
    assert.equal(zero.kpis.oee, null);
    assert.match(zero.kpis.oeeUndefinedBecause ?? '', /PBT = 0/);
    assert.equal(zero.elements.notScheduledMs, 24 * HOUR);
  });

  it('excludes a data gap as unknown time, never running or stopped, and its parts', async () => {
    const day = DAY0 + 24 * HOUR; // Wednesday
    const a = (h: number, m = 0) => day + h * HOUR + m * MIN;
    await f.write(M2, [
      [STATE, a(6), 0],
      [STATE, a(10), null, BAD],
      [STATE, a(11), 0],
      [GOOD, a(5, 59), 0],
      [GOOD, a(9), 50],
      [GOOD, a(10), null, BAD],
      [GOOD, a(11), 150],
      [GOOD, a(13), 200],
      [PRT, a(5), 30],
    ]);
    const s = await f.service.summary(M2, a(6), a(14));
    const e = s.elements;
    assert.equal(e.unknownMs, 60 * MIN);
    assert.equal(e.unknownPlannedMs, 60 * MIN);
    assert.equal(e.aptMs, 420 * MIN);
    assert.equal(e.pbtMs, 420 * MIN);
    assert.equal(e.pdotMs, 0);
    assert.equal(e.totalMs, e.pbtMs + e.pdotMs + e.unknownMs + e.notScheduledMs);
    assert.equal(e.gq, 100, 'parts counted across the gap are excluded');
    assert.equal(e.pqUnknown, 100);
    assert.ok(close(s.kpis.availability, 1));
    assert.ok(close(s.kpis.unknownShare, 60 / 480));
  });
});
