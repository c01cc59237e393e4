import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PlantSimulation, standardPlant, startDemoPlant } from '../../src/sim/index.js';
import { freePort, tempDir } from './helpers.js';

/**
 * The demo plant keeps what a real machine keeps over a power cycle: part counters, the energy
 * totaliser, wear and setpoints. Without it every restart brought the counters back to the seed's
 * values (lower: a counter drop on every restart) and the bearing wear back to where it was before a
 * replacement (a new work order for a bearing just replaced).
 */
const CNC1 = 'Machining.Line1.CNC1';
const T0 = Date.UTC(2026, 0, 13, 7);

describe('demo plant state across restarts', () => {
  it('a plant restored from a snapshot continues from its counters, wear and setpoints', () => {
    const a = new PlantSimulation(standardPlant(), { seed: 42, simStartMs: T0 });
    a.advance(600);
    a.get(CNC1)?.resetWear();
    a.get(CNC1)?.writeSetpoint?.('Production.IdealCycleTime', 77);
    a.advance(600);
    a.sample();
    const before = { ...a.get(CNC1)?.values };
    const snap = JSON.parse(JSON.stringify(a.snapshot(42)));
    const b = new PlantSimulation(standardPlant(), { seed: 42, simStartMs: T0 + 3 * 3600_000 });
    const fresh = { ...b.get(CNC1)?.values };
    assert.ok(
      (fresh['Production.GoodParts'] as number) !== before['Production.GoodParts'],
      'a fresh plant starts from the seed',
    );
    assert.equal(b.restore(snap), standardPlant().length);
    const after = { ...b.get(CNC1)?.values };
    for (const path of ['Production.GoodParts', 'Production.ScrapParts', 'Production.IdealCycleTime'])
      assert.equal(after[path], before[path], path);
    assert.ok(Math.abs((after['Energy.EnergyTotal'] as number) - (before['Energy.EnergyTotal'] as number)) < 0.01);
    assert.ok(
      (after['Bearing.Wear'] as number) < 1,
      `the bearing replaced 10 min ago stays new: ${after['Bearing.Wear']}`,
    );
    b.advance(600);
    b.sample();
    assert.ok((b.get(CNC1)?.values['Energy.EnergyTotal'] as number) > (after['Energy.EnergyTotal'] as number));
  });

  it('the OPC UA demo plant saves its state in its state file on stop and continues from it on start', {
    timeout: 60_000,
  }, async () => {
    const dir = await tempDir('sim-state');
    const stateFile = join(dir.path, 'demo-plant', 'state.json');
    const opts = { pkiDir: join(dir.path, 'pki'), seed: 42, updateIntervalMs: 100, speed: 60, stateFile };
    try {
      const first = await startDemoPlant({ ...opts, port: await freePort() });
      await new Promise((r) => setTimeout(r, 1500));
      first.pause();
      first.simulation.get(CNC1)?.resetWear();
      first.simulation.sample();
      const before = { ...first.simulation.get(CNC1)?.values };
      await first.stop();
      assert.ok(existsSync(stateFile), 'state saved on stop');
      const second = await startDemoPlant({ ...opts, port: await freePort() });
      try {
        second.pause();
        const after = { ...second.simulation.get(CNC1)?.values };
        assert.equal(after['Production.GoodParts'], before['Production.GoodParts']);
        assert.ok(
          Math.abs((after['Energy.EnergyTotal'] as number) - (before['Energy.EnergyTotal'] as number)) < 0.01,
          `energy ${after['Energy.EnergyTotal']} vs ${before['Energy.EnergyTotal']}`,
        );
        assert.ok((after['Bearing.Wear'] as number) < 1);
      } finally {
        await second.stop();
      }
      // A damaged file is reported and the plant starts from its seed.
      writeFileSync(stateFile, '{"version": 1, "machines"');
      const third = await startDemoPlant({ ...opts, port: await freePort() });
      await third.stop();
      assert.equal(JSON.parse(readFileSync(stateFile, 'utf8')).version, 1, 'rewritten whole on stop');
    } finally {
      await dir.remove();
    }
  });
});
