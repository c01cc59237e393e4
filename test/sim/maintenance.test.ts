import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MachineState, PlantSimulation, standardPlant } from '../../src/sim/index.js';

/** Planned maintenance: the machine stops for its job and comes back when the job is done (ResetWear). */
describe('demo plant planned maintenance', () => {
  it('StartMaintenance stops the machine until ResetWear, which brings it back with new parts', () => {
    const p = new PlantSimulation(standardPlant(), { seed: 42, simStartMs: Date.UTC(2026, 0, 13, 7) });
    const cnc = p.get('Machining.Line1.CNC1');
    assert.ok(cnc);
    p.advance(300);
    cnc.startMaintenance();
    p.advance(3 * 3600);
    p.sample();
    assert.equal(cnc.state, MachineState.Maintenance, 'still in maintenance after 3 h: the crew has not finished');
    const good = cnc.values['Production.GoodParts'];
    p.advance(600);
    p.sample();
    assert.equal(cnc.values['Production.GoodParts'], good, 'no parts while maintained');
    cnc.resetWear();
    assert.equal(cnc.state, MachineState.Idle);
    p.advance(1800);
    p.sample();
    assert.ok((cnc.values['Bearing.Wear'] as number) < 1);
    assert.ok((cnc.values['Production.GoodParts'] as number) > (good as number), 'produces again');
    // A meter is not maintained.
    const meter = p.models.find((m) => m.descriptor.kind === 'energy-meter');
    meter?.startMaintenance();
    assert.notEqual(meter?.state, MachineState.Maintenance);
  });
});
