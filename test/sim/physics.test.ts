import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPlannedStop } from '../../src/sim/calendar.js';
import { scalePlant, standardPlant } from '../../src/sim/layout.js';
import { MachineState, PlantSimulation } from '../../src/sim/physics.js';
import { SIGNALS } from '../../src/sim/signals.js';

/** Monday 2025-03-03 06:30 UTC: half an hour into the early shift, no break. */
const SHIFT_START = Date.UTC(2025, 2, 3, 6, 30);

function run(seed: number, steps: number, dt: number): string[] {
  const sim = new PlantSimulation(standardPlant(), { seed, simStartMs: SHIFT_START });
  const trace: string[] = [];
  for (let i = 0; i < steps; i++) {
    sim.advance(dt);
    sim.sample();
    trace.push(JSON.stringify(sim.models.map((m) => [m.state, m.values])));
  }
  return trace;
}

describe('plant physics', () => {
  it('repeats the same sequence for the same seed', () => {
    const a = run(7, 200, 30);
    const b = run(7, 200, 30);
    assert.deepEqual(a, b);
  });

  it('gives a different sequence for another seed', () => {
    const a = run(7, 20, 30);
    const b = run(8, 20, 30);
    assert.notDeepEqual(a, b);
  });

  it('fills every catalogued signal, rounded to its resolution and inside EURange', () => {
    const sim = new PlantSimulation(standardPlant(), { seed: 1, simStartMs: SHIFT_START });
    sim.advance(120);
    sim.sample();
    for (const m of sim.models) {
      for (const spec of SIGNALS[m.descriptor.kind]) {
        const v = m.values[spec.path];
        assert.notEqual(v, undefined, `${m.descriptor.id}.${spec.path} has no value`);
        if (spec.dataType === 'String') {
          assert.equal(typeof v, 'string');
          continue;
        }
        assert.equal(typeof v, 'number');
        const n = v as number;
        if (spec.dataType === 'UInt32') assert.ok(Number.isInteger(n) && n >= 0);
        if (spec.resolution !== undefined && spec.resolution < 1) {
          const decimals = Math.round(-Math.log10(spec.resolution));
          assert.ok((n.toString().split('.')[1]?.length ?? 0) <= decimals, `${spec.path}=${n} is not rounded`);
        }
        if (spec.range && spec.path !== 'Energy.EnergyTotal') {
          assert.ok(n >= spec.range[0] && n <= spec.range[1], `${m.descriptor.id}.${spec.path}=${n} out of EURange`);
        }
      }
    }
  });

  it('runs the bearing to failure: vibration and temperature rise, then Fault, then Maintenance renews it', () => {
    const sim = new PlantSimulation(standardPlant(), { seed: 3, simStartMs: SHIFT_START });
    const cnc = sim.get('Machining.Line1.CNC1');
    assert.ok(cnc);
    const early: number[] = [];
    const late: number[] = [];
    let sawFault = false;
    let sawMaintenance = false;
    let wearAtFault = 0;
    let energyBefore = cnc.values['Energy.EnergyTotal'] as number;
    // Up to 30 simulated days in 5-minute ticks; the bearing lives 160-260 running hours.
    for (let i = 0; i < 30 * 288 && !sawMaintenance; i++) {
      sim.advance(300);
      sim.sample();
      const energy = cnc.values['Energy.EnergyTotal'] as number;
      assert.ok(energy >= energyBefore, 'the energy counter never decreases');
      energyBefore = energy;
      const wear = cnc.values['Bearing.Wear'] as number;
      if (cnc.state === MachineState.Running) {
        const vib = cnc.values['Bearing.VibrationRMS'] as number;
        if (wear < 65) early.push(vib);
        else if (wear > 92) late.push(vib);
      }
      if (cnc.state === MachineState.Fault && !sawFault) {
        sawFault = true;
        wearAtFault = wear;
      }
      if (sawFault && cnc.state === MachineState.Maintenance) sawMaintenance = true;
    }
    assert.ok(sawFault, 'the worn bearing must put the machine into Fault');
    assert.equal(wearAtFault, 100);
    assert.ok(sawMaintenance, 'a bearing failure is followed by Maintenance');
    assert.ok(early.length > 0 && late.length > 0);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    assert.ok(mean(late) > 2 * mean(early), `vibration rises with wear: ${mean(early)} -> ${mean(late)}`);
    while (cnc.state === MachineState.Maintenance) sim.advance(300);
    sim.sample();
    assert.equal(cnc.values['Bearing.Wear'], 0, 'the bearing is new after maintenance');
  });

  it('produces parts while running, with tool changes (Setup), short stops (Idle) and planned breaks', () => {
    const sim = new PlantSimulation(standardPlant(), { seed: 11, simStartMs: SHIFT_START });
    const cnc = sim.get('Machining.Line1.CNC2');
    assert.ok(cnc);
    const seen = new Set<number>();
    const good0 = cnc.values['Production.GoodParts'] as number;
    for (let i = 0; i < 24 * 60; i++) {
      sim.advance(60);
      seen.add(cnc.state);
    }
    sim.sample();
    assert.ok((cnc.values['Production.GoodParts'] as number) > good0 + 100);
    for (const s of [MachineState.Running, MachineState.Idle, MachineState.Setup, MachineState.PlannedStop]) {
      assert.ok(seen.has(s), `state ${s} seen within a day`);
    }
  });

  it('stops production machines in planned breaks but keeps utilities running', () => {
    const breakStart = Date.UTC(2025, 2, 3, 8, 0); // 06:00 shift + 2 h
    assert.equal(isPlannedStop(breakStart + 60_000), true);
    assert.equal(isPlannedStop(breakStart - 60_000), false);
    const sim = new PlantSimulation(standardPlant(), { seed: 5, simStartMs: breakStart - 10 * 60_000 });
    sim.advance(12 * 60);
    for (const m of sim.models) {
      if (m.descriptor.kind === 'cnc' || m.descriptor.kind === 'filling') {
        assert.ok(m.state !== MachineState.Running, `${m.descriptor.id} does not run in a break`);
      }
    }
    assert.equal(sim.get('Utilities.Energy.MainMeter')?.state, MachineState.Running);
  });

  it('injectFault puts a machine into Fault and resetWear clears wear and the fault', () => {
    const sim = new PlantSimulation(standardPlant(), { seed: 2, simStartMs: SHIFT_START });
    const cnc = sim.get('Machining.Line2.CNC3');
    assert.ok(cnc);
    cnc.injectFault('bearing');
    sim.sample();
    assert.equal(cnc.state, MachineState.Fault);
    assert.equal(cnc.values['Bearing.Wear'], 100);
    cnc.resetWear();
    sim.advance(1);
    sim.sample();
    assert.equal(cnc.values['Bearing.Wear'], 0);
    assert.equal(cnc.values['Tool.Wear'], 0);
    assert.notEqual(cnc.state, MachineState.Fault);
    assert.throws(() => sim.get('Utilities.CompressedAir.Compressor1')?.injectFault('tool'), RangeError);
  });

  it('stops production when the compressor fails (air pressure falls)', () => {
    const sim = new PlantSimulation(standardPlant(), { seed: 4, simStartMs: SHIFT_START });
    sim.advance(600);
    const compressor = sim.get('Utilities.CompressedAir.Compressor1');
    assert.ok(compressor);
    compressor.injectFault('trip');
    sim.advance(240);
    sim.sample();
    assert.ok((compressor.values['Air.Pressure'] as number) < 5);
    for (const id of ['Machining.Line1.CNC1', 'Machining.Line1.CNC2', 'Machining.Line2.CNC3']) {
      assert.notEqual(sim.get(id)?.state, MachineState.Running, `${id} cannot run without air`);
    }
  });

  it('meters sum the power of what they feed', () => {
    const sim = new PlantSimulation(standardPlant(), { seed: 6, simStartMs: SHIFT_START });
    sim.advance(60);
    const machining = sim.models.filter((m) => m.descriptor.area === 'Machining').reduce((s, m) => s + m.power(), 0);
    assert.ok(Math.abs((sim.get('Utilities.Energy.MachiningMeter')?.power() ?? 0) - machining) < 1e-9);
    assert.ok((sim.get('Utilities.Energy.MainMeter')?.power() ?? 0) > machining);
  });

  it('lays out scale mode in lines of ten, mostly CNCs, with unique ids', () => {
    const layout = scalePlant(1000);
    assert.equal(layout.length, 1000);
    assert.equal(new Set(layout.map((m) => m.id)).size, 1000);
    assert.ok(layout.filter((m) => m.kind === 'cnc').length > 900);
    const perLine = new Map<string, number>();
    for (const m of layout) perLine.set(`${m.area}.${m.line}`, (perLine.get(`${m.area}.${m.line}`) ?? 0) + 1);
    assert.ok([...perLine.values()].every((n) => n <= 10));
  });
});
