import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ShiftCalendar, Tariff } from '../../../src/analytics/kpi/calendar.js';
import { kpiConfigSchema } from '../../../src/analytics/kpi/config.js';
import { localToUtc, offsetMs } from '../../../src/analytics/kpi/tz.js';
import { type Fixture, fixture, HOUR, MIN } from './helpers.js';

const TZ = 'Europe/Zurich';
const cfg = kpiConfigSchema.parse({});

describe('time zones and daylight saving (Europe/Zurich)', () => {
  it('converts local time to instants across both changes, gaps and overlaps', () => {
    assert.equal(offsetMs(TZ, Date.UTC(2026, 0, 1)), HOUR);
    assert.equal(offsetMs(TZ, Date.UTC(2026, 6, 1)), 2 * HOUR);
    assert.equal(localToUtc(TZ, 2026, 3, 29, 1, 59), Date.UTC(2026, 2, 29, 0, 59));
    assert.equal(localToUtc(TZ, 2026, 3, 29, 3, 0), Date.UTC(2026, 2, 29, 1, 0));
    // 02:30 does not exist on 2026-03-29: the clock jumps from 02:00 to 03:00.
    assert.equal(localToUtc(TZ, 2026, 3, 29, 2, 30), Date.UTC(2026, 2, 29, 1, 30));
    // 02:30 happens twice on 2026-10-25: the first one (CEST).
    assert.equal(localToUtc(TZ, 2026, 10, 25, 2, 30), Date.UTC(2026, 9, 25, 0, 30));
    assert.equal(localToUtc(TZ, 2026, 10, 25, 3, 0), Date.UTC(2026, 9, 25, 2, 0));
  });

  it('gives the night shift 7 h in spring and 9 h in autumn, breaks at local clock time', () => {
    const cal = new ShiftCalendar(cfg.shifts, TZ);
    const spring = cal.shifts(Date.UTC(2026, 2, 28, 12), Date.UTC(2026, 2, 29, 12));
    const night = spring.find((s) => s.id === '2026-03-28/night');
    assert.ok(night);
    assert.equal(night.start, Date.UTC(2026, 2, 28, 21));
    assert.equal(night.end, Date.UTC(2026, 2, 29, 4));
    assert.equal((night.end - night.start) / HOUR, 7);
    // The meal break at 02:00 local falls into the gap: it starts at the jump (03:00 CEST) and lasts 30 min.
    const meal = night.breaks.find((b) => b.name === 'meal');
    assert.deepEqual(meal && [meal.start, meal.end], [Date.UTC(2026, 2, 29, 1), Date.UTC(2026, 2, 29, 1, 30)]);
    const autumn = cal.shiftById('2026-10-24/night');
    assert.ok(autumn);
    assert.equal((autumn.end - autumn.start) / HOUR, 9);
    const early = cal.shiftById('2026-10-25/early');
    assert.equal(early?.start, Date.UTC(2026, 9, 25, 5));
    assert.equal(cal.shiftAt(Date.UTC(2026, 9, 25, 1, 30))?.id, '2026-10-24/night');
  });

  it('prices energy by local time-of-use periods', () => {
    const t = new Tariff(cfg.energy.tariff, 0.2, TZ);
    const day = t.intervals(Date.UTC(2026, 6, 1, 0), Date.UTC(2026, 6, 2, 0)); // Wednesday, CEST
    assert.deepEqual(
      day.map((i) => [i.name, new Date(i.from).toISOString().slice(11, 16), i.price]),
      [
        ['base', '00:00', 0.2],
        ['peak', '05:00', 0.27],
        ['base', '18:00', 0.2],
      ],
    );
  });

  describe('KPIs of DST days', () => {
    const M = 'acme/zurich/machining/line1/cnc1';
    let f: Fixture;
    before(async () => {
      f = await fixture([M], {}, { timezone: TZ });
      await f.write(M, [
        ['status/machine_state', Date.UTC(2026, 2, 27), 0],
        ['production/ideal_cycle_time', Date.UTC(2026, 2, 27), 60],
        ['production/good_parts', Date.UTC(2026, 2, 27), 0],
        ['production/good_parts', Date.UTC(2026, 2, 29, 10), 1380],
        ['energy/energy_total', Date.UTC(2026, 2, 28, 23), 0],
        ['energy/energy_total', Date.UTC(2026, 2, 29, 22), 230],
        ['status/machine_state', Date.UTC(2026, 9, 24), 0],
        ['energy/energy_total', Date.UTC(2026, 9, 24, 22), 1000],
        ['energy/energy_total', Date.UTC(2026, 9, 25, 23), 1250],
      ]);
    });
    after(() => f.close());

    it('counts 23 h on 2026-03-29 and 25 h on 2026-10-25, per day and per shift', async () => {
      const spring = await f.service.series(M, 'day', Date.UTC(2026, 2, 28, 23), Date.UTC(2026, 2, 29, 22));
      assert.deepEqual(
        spring.map((r) => [r.label, r.elements.totalMs / HOUR]),
        [['2026-03-29', 23]],
      );
      const d = spring[0]?.elements;
      assert.ok(d);
      // Running all day: every planned minute is production; breaks (3 × 60 min per day) are run through.
      assert.equal(d.aptMs, 23 * HOUR);
      assert.equal(d.kwh, 230);
      const autumn = await f.service.series(M, 'day', Date.UTC(2026, 9, 24, 22), Date.UTC(2026, 9, 25, 23));
      assert.deepEqual(
        autumn.map((r) => [r.label, r.elements.totalMs / HOUR, r.elements.kwh]),
        [['2026-10-25', 25, 250]],
      );
      const shifts = await f.service.series(M, 'shift', Date.UTC(2026, 9, 24, 20), Date.UTC(2026, 9, 25, 5));
      const night = shifts.find((s) => s.label === '2026-10-24/night');
      assert.equal(night?.elements.pbtMs, 9 * HOUR);
      const week = await f.service.series(M, 'week', Date.UTC(2026, 9, 20), Date.UTC(2026, 9, 26));
      assert.equal(week[0]?.label, '2026-10-19');
      assert.equal(week[0]?.elements.totalMs, (7 * 24 + 1) * HOUR);
      assert.equal(d.runOutsidePlanMs, 3 * 60 * MIN, 'three shifts × 60 min of breaks, run through');
    });
  });
});
