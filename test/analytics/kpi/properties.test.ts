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

/**
 * The same simulated shift, with and without what a plant's data goes through: hub restarts and
 * reconnects (a BadNoCommunication marker on every tag, then nothing for minutes), devices that come
 * back with a stale, slightly lower counter, PLCs that reset their counters to 0, single-sample
 * spikes (counter noise) and Bad gaps of one tag. Tolerance: the perturbed totals (parts including
 * those counted across gaps, kWh including the gaps' estimates) are never above the clean ones and are
 * below them by at most what the clean run counted in the intervals of the reported drops, jumps and
 * resets; every KPI stays within its bounds with no plausibility flag but the counters'.
 */
describe('KPI totals hold across restarts, reconnects, counter noise and gaps (random, seeded)', () => {
  const SHIFT_FROM = Date.UTC(2026, 2, 10, 6); // a Tuesday, 06:00 UTC
  const SHIFT_TO = SHIFT_FROM + 8 * HOUR;
  const STEP = 30_000;
  const PRT_S = 45;
  const RUN_KW = 8;
  const IDLE_KW = 2;
  const utc = kpiConfigSchema.parse({ shifts: [{ name: 'early', start: '06:00', end: '14:00' }] });
  type Series = { ts: number[]; good: number[]; scrap: number[]; kwh: number[]; state: number[] };

  /** The clean plant: exact cumulative counts (unbounded) at every sample instant. */
  function cleanPlant(r: () => number): Series {
    const out: Series = { ts: [], good: [], scrap: [], kwh: [], state: [] };
    const pace = 0.6 + 0.4 * r();
    let made = 0;
    let kwh = 0;
    let state = 0;
    let nextChange = SHIFT_FROM + (5 + r() * 40) * 60_000;
    for (let t = SHIFT_FROM - STEP; t <= SHIFT_TO + 30 * 60_000; t += STEP) {
      if (t >= nextChange) {
        state = state === 0 ? (([1, 4, 2] as const)[Math.floor(r() * 3)] ?? 1) : 0;
        nextChange = t + (state === 0 ? 20 + r() * 60 : 3 + r() * 15) * 60_000;
      }
      out.ts.push(t);
      out.state.push(state);
      // Both monotonic: every 50th part is scrap.
      out.scrap.push(Math.floor(made * 0.02));
      out.good.push(Math.floor(made) - Math.floor(made * 0.02));
      out.kwh.push(kwh);
      const run = state === 0;
      made += run ? ((STEP / 1000) * pace) / PRT_S : 0;
      kwh += ((run ? RUN_KW : IDLE_KW) * STEP) / 3_600_000;
    }
    return out;
  }

  type Counter = 'good' | 'scrap' | 'kwh';
  const COUNTERS: Counter[] = ['good', 'scrap', 'kwh'];
  const sample = (ts: number, value: number | null, status = 0): StoredSample => ({ ts, serverTs: ts, value, status });

  /** Samples of one run: `perturb` false gives the clean run. */
  function run(seed: number, perturb: boolean) {
    const r = rng(seed);
    const c = cleanPlant(r);
    const p = rng(seed * 7919 + 1);
    const n = c.ts.length;
    // Offsets by counter: the published value is clean + offset (part counters modulo 2^32).
    const start = {
      good: p() < 0.3 ? 2 ** 32 - Math.floor(p() * 3000) : Math.floor(p() * 1e6),
      scrap: 0,
      kwh: 1e4 + p() * 1e5,
    };
    const offset: Record<Counter, number[]> = { good: [], scrap: [], kwh: [] };
    const bad: Record<Counter | 'state', Set<number>> = {
      good: new Set(),
      scrap: new Set(),
      kwh: new Set(),
      state: new Set(),
    };
    const drop: Record<Counter | 'state', Set<number>> = {
      good: new Set(),
      scrap: new Set(),
      kwh: new Set(),
      state: new Set(),
    };
    const spike = new Map<string, number>();
    const cur = { ...start };
    const events: { i: number; counter: Counter; kind: 'stale' | 'reset' | 'spike' }[] = [];
    const restarts = perturb ? 1 + Math.floor(p() * 4) : 0;
    const restartAt = new Map<number, number>();
    for (let k = 0; k < restarts; k++) {
      const i = 40 + Math.floor(p() * (n - 140));
      // One restart at a time: the next begins after the previous one's values are back.
      if ([...restartAt.keys()].every((j) => Math.abs(j - i) > 40)) restartAt.set(i, 2 + Math.floor(p() * 20));
    }
    const published = (k: Counter, i: number, off: number) => {
      const v = c[k][i] as number;
      return k === 'kwh' ? v + off : (((v + off) % 2 ** 32) + 2 ** 32) % 2 ** 32;
    };
    for (let i = 0; i < n; i++) {
      const gap = restartAt.get(i);
      if (gap !== undefined) {
        // A hub restart or reconnect: Bad markers at i on every tag, nothing until i + gap; then per
        // counter the device continues (reconnect), comes back lower (stale) or reset to 0 (PLC).
        for (const k of [...COUNTERS, 'state'] as const) bad[k].add(i);
        for (let j = i + 1; j < i + gap && j < n; j++) for (const k of [...COUNTERS, 'state'] as const) drop[k].add(j);
        const back = Math.min(i + gap, n - 1);
        for (const k of COUNTERS) {
          const x = p();
          const before = published(k, i - 1, cur[k]);
          if (x < 0.35) {
            const delta = k === 'kwh' ? 0.5 + p() * 5 : 1 + Math.floor(p() * 400);
            if (published(k, back, cur[k] - delta) > 0.2 * before && published(k, back, cur[k] - delta) < before) {
              cur[k] -= delta;
              events.push({ i: back, counter: k, kind: 'stale' });
            }
          } else if (x < 0.55 && k !== 'kwh' && before > 1000) {
            cur[k] = -(c[k][back] as number);
            events.push({ i: back, counter: k, kind: 'reset' });
          }
        }
      }
      for (const k of COUNTERS) offset[k].push(cur[k]);
      if (perturb && i > 20 && i < n - 80 && !restartAt.has(i) && p() < 0.004) {
        const k = COUNTERS[Math.floor(p() * 3)] as Counter;
        if (published(k, i, cur[k]) > 1000 && !drop[k].has(i) && !bad[k].has(i)) {
          spike.set(`${k}:${i}`, 1e6);
          events.push({ i, counter: k, kind: 'spike' });
        }
      }
      if (perturb && i > 20 && i < n - 80 && p() < 0.003) {
        // A Bad gap of one tag only (a monitored item's status), the value continues.
        const k = COUNTERS[Math.floor(p() * 3)] as Counter;
        if (!spike.has(`${k}:${i}`)) bad[k].add(i);
      }
    }
    const series = (k: Counter): StoredSample[] => {
      const out: StoredSample[] = [];
      for (let i = 1; i < n; i++) {
        const t = c.ts[i] as number;
        if (drop[k].has(i)) continue;
        if (bad[k].has(i)) {
          out.push(sample(t, null, BAD));
          continue;
        }
        out.push(sample(t, published(k, i, offset[k][i] as number) + (spike.get(`${k}:${i}`) ?? 0)));
      }
      return out;
    };
    const state: StoredSample[] = [];
    for (let i = 1; i < n; i++) {
      if (drop.state.has(i)) continue;
      const t = c.ts[i] as number;
      state.push(bad.state.has(i) ? sample(t, null, BAD) : sample(t, c.state[i] as number));
    }
    const base = (k: Counter) => ({ ts: c.ts[0] as number, value: published(k, 0, offset[k][0] as number) });
    const model = new MachineModel({
      machine: 'm',
      from: SHIFT_FROM,
      to: SHIFT_TO,
      initialState: { value: c.state[0] as number, since: c.ts[0] as number },
      state,
      good: { baseline: base('good'), samples: series('good') },
      scrap: { baseline: base('scrap'), samples: series('scrap') },
      energy: { baseline: base('kwh'), samples: series('kwh'), maxPowerKw: 50 },
      prt: { initial: PRT_S, samples: [] },
      stateValues: utc.signals.stateValues,
      counterBits: 32,
      calendar: new ShiftCalendar(utc.shifts, 'UTC').intervals(SHIFT_FROM, SHIFT_TO),
      tariff: new Tariff([], 0.2, 'UTC').intervals(SHIFT_FROM, SHIFT_TO),
      cuts: [],
      reasons: new Map(),
    });
    return { model, clean: c, events };
  }

  it('matches the clean shift within the unknown intervals it reports, every KPI within its bounds', () => {
    let perturbations = 0;
    let lostParts = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const a = run(seed, false);
      const b = run(seed, true);
      const ea = a.model.elementsOf(SHIFT_FROM, SHIFT_TO);
      const eb = b.model.elementsOf(SHIFT_FROM, SHIFT_TO);
      perturbations += b.events.length;
      assert.equal(ea.counterDrops + ea.counterJumps + ea.energyDrops + ea.energyJumps, 0, `clean run, seed ${seed}`);
      // What the clean run counted in the intervals of the perturbed run's drops, jumps and resets.
      const cleanAt = (k: Counter, t: number) => {
        const i = a.clean.ts.indexOf(t);
        assert.ok(i >= 0, `sample instant ${t}`);
        return a.clean[k][i] as number;
      };
      const lost = { parts: 0, kwh: 0 };
      for (const x of b.model.counterIssues) {
        if (x.kind === 'rollover') continue;
        const k: Counter = x.counter === 'energy' ? 'kwh' : x.counter;
        const d = cleanAt(k, x.ts) - cleanAt(k, x.prevTs);
        if (k === 'kwh') lost.kwh += d;
        else lost.parts += d;
      }
      lostParts += lost.parts;
      const partsA = ea.gq + ea.sq + ea.pqUnknown;
      const partsB = eb.gq + eb.sq + eb.pqUnknown;
      assert.ok(partsB <= partsA, `parts never above the clean run: ${partsB} > ${partsA}, seed ${seed}`);
      assert.ok(partsB >= partsA - lost.parts, `parts: ${partsB} < ${partsA} − ${lost.parts}, seed ${seed}`);
      assert.ok(eb.kwh <= ea.kwh + 1e-6, `kWh never above the clean run: ${eb.kwh} > ${ea.kwh}, seed ${seed}`);
      assert.ok(eb.kwh >= ea.kwh - lost.kwh - 1e-6, `kWh: ${eb.kwh} < ${ea.kwh} − ${lost.kwh}, seed ${seed}`);
      const drops = eb.counterDrops + eb.energyDrops;
      const jumps = eb.counterJumps + eb.energyJumps;
      assert.equal(
        drops,
        b.events.filter((x) => x.kind !== 'reset').length,
        `a drop per stale value and per spike's return, seed ${seed}`,
      );
      assert.equal(jumps, b.events.filter((x) => x.kind === 'spike').length, `a jump per spike, seed ${seed}`);
      for (const e of [ea, eb]) {
        const k = kpisOf(e, 0.1, undefined);
        for (const key of ['availability', 'effectiveness', 'quality', 'oee'] as const) {
          const v = k[key];
          assert.ok(v === null || (v >= 0 && v <= 1 + 1e-9), `${key} = ${v}, seed ${seed}`);
        }
        assert.ok(!k.flags.some((f) => f.reason === 'idealCycleTime' || f.reason === 'clock'), `seed ${seed}`);
      }
      const peak = Math.max(0, ...b.model.quarters(SHIFT_FROM, SHIFT_TO).values()) * 4;
      assert.ok(peak <= RUN_KW + 1e-6, `peak demand ${peak} kW, seed ${seed}`);
    }
    assert.ok(perturbations > 60, `${perturbations} stale values, PLC resets and spikes injected`);
    assert.ok(lostParts > 0);
  });
});
