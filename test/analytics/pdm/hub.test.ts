import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { validateConfig } from '../../../src/config/index.js';
import { DEMO_ASSETS, Hub } from '../../../src/hub/index.js';
import { MachineState } from '../../../src/model/index.js';
import { testAuth } from '../../helpers/auth.js';
import { freePort, waitFor } from '../../helpers/net.js';

const log = pino({ level: process.env.GOTTHARD_TEST_LOG ?? 'silent' });
const SPEED = 3600; // one simulated hour per real second
const CNC1 = 'acme/zurich/machining/line1/cnc1';

/**
 * End to end, accelerated: the demo plant over secure OPC UA → hub → pipeline → the pdm monitor →
 * derived tags in the historian, events, and the API. The plant's own simulation knows the truth.
 */
describe('predictive maintenance in the hub with the accelerated demo plant', { timeout: 240_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-pdm-hub-'));
  let hub: Hub;
  const auth = testAuth('viewer');

  before(async () => {
    const config = validateConfig(
      {
        dataDir: dir,
        assets: DEMO_ASSETS,
        http: { port: 0 },
        historian: { flushInterval: 200 },
        demo: { port: await freePort(), seed: 42, speed: SPEED },
        // Durations in plant time: the monitor assesses the demo in its own time (one wall second is
        // an hour of plant time at 3600x), whatever clock its OPC UA timestamps use.
        pdm: { enabled: true, evaluateInterval: '1h', baselineSamples: 10, baselinePeriod: '10h', rulHorizon: '15h' },
        security: auth.security,
      },
      { env: {} },
    );
    hub = new Hub(config, { logger: log, demo: true });
    await hub.start();
    // A new bearing: cnc1 starts at a random wear (seeded), and at 3600x a bearing that starts half
    // worn shows a genuine anomaly within a minute of natural wear, before the test injects damage.
    // With a new bearing, the baseline is healthy and the only anomaly is the injected one.
    (hub.demo!.simulation.get('Machining.Line1.CNC1') as unknown as { resetWear(): void }).resetWear();
  });

  after(async () => {
    await hub?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('models the machines, detects injected bearing damage and its RUL converges to the failure', async (t) => {
    const pdm = hub.pdm!;
    await waitFor(
      'a bearing RUL for cnc1',
      // baselineReady is the baseline of the machine's current state: the damage must meet a learned
      // Running baseline, so wait while the machine runs (an idle machine's ready baseline let the
      // test inject into a Running baseline still learning, and no anomaly could open).
      () => {
        const m = pdm.machine(CNC1);
        return m?.rul.some((r) => r.mode === 'bearing') && m.baselineReady && m.state === MachineState.Running;
      },
      60_000,
    );
    const sim = hub.demo!.simulation.get('Machining.Line1.CNC1')!;
    const machine = sim as unknown as { bearingWear: number; fault(mode: string): void };
    // The failure is recorded where it happens: at 3600x the Fault state can last a single plant tick
    // (one real second) before maintenance starts, too short to rely on polling alone.
    let failure: number | undefined;
    const fault = machine.fault.bind(machine);
    machine.fault = (mode) => {
      if (mode === 'bearing') failure ??= Date.now();
      fault(mode);
    };
    assert.equal(pdm.machine(CNC1)?.anomalyOpen, false, 'no anomaly is open before the damage');
    // Sudden bearing damage, through the simulation's state (the plant has no method for it).
    machine.bearingWear = 90;
    const injectedAt = Date.now();
    const track: { t: number; hours: number }[] = [];
    const trace: string[] = []; // per evaluation: seconds after injection, state, anomaly score
    let lastTs = 0;
    const failedAt = await waitFor(
      'the damaged bearing to fail',
      () => {
        const mh = pdm.machine(CNC1);
        if (mh && mh.ts !== lastTs) {
          lastTs = mh.ts;
          trace.push(`${((mh.ts - injectedAt) / 1000).toFixed(1)}:${mh.state}:${mh.anomalyScore.toFixed(1)}`);
        }
        const b = mh?.rul.find((r) => r.mode === 'bearing');
        if (b && b.wear > 90 && failure === undefined) track.push({ t: Date.now(), hours: b.hours });
        return failure;
      },
      120_000,
      100,
    ).catch((e: Error) => {
      throw new Error(`${e.message} (now: wear ${machine.bearingWear.toFixed(1)} %, state ${sim.state})`);
    });
    const life = failedAt - injectedAt;
    t.diagnostic(`cnc1 after injection, s:state:anomaly score: ${trace.join(' ')}`);
    const late = track.filter((p) => p.t - injectedAt >= life / 2);
    assert.ok(late.length >= 5, `RUL estimates over the last half of life: ${late.length}`);
    // RUL is in plant hours; the failure is timed on the wall clock.
    assert.equal(pdm.machine(CNC1)?.timeScale, SPEED, 'the demo plant is assessed in plant time');
    const rmseMs = Math.sqrt(
      late.reduce((s, p) => s + ((p.hours * 3_600_000) / SPEED - (failedAt - p.t)) ** 2, 0) / late.length,
    );
    t.diagnostic(
      `damaged bearing failed ${(life / 1000).toFixed(1)} s (≈ ${((life * SPEED) / 3_600_000).toFixed(1)} simulated h) after injection; ` +
        `RUL RMSE over the last 50 %: ${(rmseMs / 1000).toFixed(1)} s (≈ ${((rmseMs * SPEED) / 3_600_000).toFixed(1)} simulated h)`,
    );
    assert.ok(rmseMs < 0.35 * life, `RUL RMSE ${rmseMs} ms over a ${life} ms life`);

    const events = await hub.historian.events({ source: 'pdm', from: injectedAt - 1000, limit: 10_000 });
    // Events come newest first; the lead time is that of the first anomaly episode after the damage.
    const cnc1 = events.filter((e) => e.details?.machine === CNC1).reverse();
    const timeline = cnc1.map((e) => `${e.kind} +${((e.ts - injectedAt) / 1000).toFixed(1)} s`).join(', ');
    t.diagnostic(`cnc1 pdm events after injection: ${timeline}`);
    const anomaly = cnc1.find((e) => e.kind === 'pdm.anomaly.opened');
    assert.ok(anomaly, `anomaly opened after injection; events: ${timeline}`);
    // Lead time in the plant's own time: the damage is flagged within the first half of its life,
    // with the bearing's vibration or temperature named as the main contributor.
    assert.ok(
      anomaly.ts - injectedAt < life / 2,
      `anomaly opened ${anomaly.ts - injectedAt} ms after injection, life ${life} ms; events: ${timeline}`,
    );
    t.diagnostic(`anomaly opened ${((anomaly.ts - injectedAt) / 1000).toFixed(1)} s after injection`);
    const top = (anomaly.details?.contributors as { signal: string }[] | undefined)?.[0]?.signal;
    assert.match(String(top), /^bearing\//, `main contributor: ${top}`);
    assert.ok(
      events.some((e) => e.kind === 'pdm.rul.below_horizon.opened' && e.details?.machine === CNC1),
      'RUL below the horizon was announced',
    );
  });

  it('serves the fleet, one machine with its evidence, and the pdm events over HTTP', async () => {
    const fleet = (await (await fetch(`${hub.address}/api/v1/pdm/machines`, { headers: auth.headers })).json()) as {
      machines: { machine: string; risk: number; healthIndex: number; tags: Record<string, string> }[];
    };
    assert.ok(fleet.machines.length >= 5, `machines: ${fleet.machines.map((m) => m.machine).join(', ')}`);
    for (let i = 1; i < fleet.machines.length; i++) {
      assert.ok(fleet.machines[i - 1]!.risk >= fleet.machines[i]!.risk, 'ranked by risk');
    }
    const one = await fetch(`${hub.address}/api/v1/pdm/machine?path=${encodeURIComponent(CNC1)}`, {
      headers: auth.headers,
    });
    assert.equal(one.status, 200);
    const body = (await one.json()) as { health: { machine: string; tags: Record<string, string> }; events: unknown[] };
    assert.equal(body.health.machine, CNC1);
    assert.equal(body.health.tags.healthIndex, `${CNC1}/health/index`);
    assert.ok(body.events.length > 0);
    const hist = await fetch(
      `${hub.address}/api/v1/history/aggregate?tag=${encodeURIComponent(`${CNC1}/health/index`)}&from=now-10m&bucket=10s`,
      { headers: auth.headers },
    );
    assert.equal(hist.status, 200, 'the health index has a history like any tag');
    const missing = await fetch(`${hub.address}/api/v1/pdm/machine?path=acme/nowhere`, { headers: auth.headers });
    assert.equal(missing.status, 404);
    assert.match(((await missing.json()) as { error: { message: string } }).error.message, /pdm\/machines/);
    const ev = (await (
      await fetch(`${hub.address}/api/v1/pdm/events?machine=${encodeURIComponent(CNC1)}`, { headers: auth.headers })
    ).json()) as {
      events: { kind: string; details: { machine: string; episode: string } }[];
    };
    assert.ok(ev.events.length > 0 && ev.events.every((e) => e.details.machine === CNC1 && e.details.episode));
  });
});
