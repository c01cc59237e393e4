import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ShiftCalendar, Tariff } from '../../../src/analytics/kpi/calendar.js';
import { kpiConfigSchema } from '../../../src/analytics/kpi/config.js';
import { kpisOf, waterfallOf } from '../../../src/analytics/kpi/kpis.js';
import { addElements, ELEMENT_KEYS, emptyElements, MachineModel } from '../../../src/analytics/kpi/model.js';
import type { StoredSample } from '../../../src/historian/types.js';
import { rng } from '../../historian/helpers.js';
import { BAD, close, HOUR } from './helpers.js';

const cfg = kpiConfigSchema.parse({});
const FROM = Date.UTC(2026, 2, 28, 18);
const TO = FROM + 24 * HOUR;

function randomModel(seed: number): MachineModel {
  const r = rng(seed);
  const sample = (ts: number, value: number | null, status = 0): StoredSample => ({ ts, serverTs: ts, value, status });
  const state: StoredSample[] = [];
  const good: StoredSample[] = [];
  const scrap: StoredSample[] = [];
  const energy: StoredSample[] = [];
  const prt: StoredSample[] = [];
  let g = Math.floor(r() * 2 ** 32);
  let s = 0;
  let kwh = r() * 1000;
  for (let t = FROM + Math.floor(r() * 60_000); t < TO; t += Math.floor(r() * 20 * 60_000) + 1) {
    const x = r();
    state.push(x < 0.05 ? sample(t, null, BAD) : sample(t, x < 0.08 ? 9 : Math.floor(r() * 6)));
    if (r() < 0.8) {
      g = r() < 0.03 ? Math.floor(r() * 10) : (g + Math.floor(r() * 30)) % 2 ** 32;
      good.push(r() < 0.03 ? sample(t + 1, null, BAD) : sample(t + 1, g));
    }
    if (r() < 0.3) {
      s += Math.floor(r() * 3);
      scrap.push(sample(t + 2, s));
    }
    if (r() < 0.1) prt.push(sample(t, 20 + Math.floor(r() * 60)));
    kwh += r() * 5;
    energy.push(r() < 0.03 ? sample(t + 3, null, BAD) : sample(t + 3, kwh));
  }
  return new MachineModel({
    machine: 'm',
    from: FROM,
    to: TO,
    initialState: r() < 0.5 ? { value: 0, since: FROM - 1000 } : { value: null, since: FROM, cause: 'missing' },
    state,
    good: { baseline: { ts: FROM - 5, value: 0 }, samples: good },
    scrap: { samples: scrap },
    energy: { samples: energy },
    prt: { initial: 30, samples: prt },
    stateValues: cfg.signals.stateValues,
    counterBits: 32,
    calendar: new ShiftCalendar(cfg.shifts, 'Europe/Zurich').intervals(FROM, TO),
    tariff: new Tariff(cfg.energy.tariff, 0.2, 'Europe/Zurich').intervals(FROM, TO),
    cuts: [],
    reasons: new Map(),
  });
}

describe('KPI properties (random machines, seeded)', () => {
  it('A × E × Q = OEE; losses add up to the planned busy time; time and hours add up', () => {
    let checkedOee = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const m = randomModel(seed);
      const e = m.elementsOf(FROM, TO);
      assert.equal(e.totalMs, e.pbtMs + e.pdotMs + e.unknownMs + e.notScheduledMs, `time conserved, seed ${seed}`);
      assert.equal(e.pbtMs, e.aptMs + e.austMs + e.adetMs + e.adotMs, `PBT = APT + AUST + ADET + ADOT, seed ${seed}`);
      assert.equal(e.pbtMs, e.aptMs + e.equipmentFailureMs + e.setupAdjustmentsMs + e.idlingMinorStopsMs);
      const k = kpisOf(e, 0.1);
      if (k.availability !== null && k.effectiveness !== null && k.quality !== null) {
        assert.ok(close(k.oee, k.availability * k.effectiveness * k.quality), `A×E×Q = OEE, seed ${seed}`);
        checkedOee++;
      }
      const w = Object.fromEntries(waterfallOf(e).map((x) => [x.key, x.ms]));
      assert.equal(w.pot, (w.pbt as number) + (w.pdot as number));
      if (w.fullyProductive !== null) {
        const losses =
          (w.equipmentFailure as number) +
          (w.setupAdjustments as number) +
          (w.idlingMinorStops as number) +
          (w.reducedSpeed as number) +
          (w.quality as number) +
          (w.fullyProductive as number);
        assert.ok(close(losses, e.pbtMs, 1e-9), `waterfall adds up to PBT, seed ${seed}`);
        if (k.oee !== null && e.pbtMs > 0) assert.ok(close((w.fullyProductive as number) / e.pbtMs, k.oee, 1e-9));
      }
      const sum = emptyElements();
      for (let t = FROM; t < TO; t += HOUR) addElements(sum, m.elementsOf(t, t + HOUR));
      for (const key of ELEMENT_KEYS) assert.ok(close(sum[key], e[key], 1e-9), `${key}: hours add up, seed ${seed}`);
    }
    assert.ok(checkedOee > 50, `OEE identity checked on ${checkedOee} machines`);
  });
});
