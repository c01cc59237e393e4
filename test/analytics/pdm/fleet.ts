import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { PdmMonitor, pdmConfigSchema } from '../../../src/analytics/pdm/index.js';
import { createSqliteHistorian } from '../../../src/historian/index.js';
import { SampleBatch } from '../../../src/model/sample.js';
import { type TagDefinition, toSegment } from '../../../src/model/tag.js';
import { Pipeline } from '../../../src/pipeline/pipeline.js';
import type { EventSink, HubEvent } from '../../../src/pipeline/types.js';
import { PlantSimulation, standardPlant } from '../../../src/sim/index.js';

/**
 * A fleet run to failure, in process: the demo plant's physics (the `PlantSimulation` the OPC UA demo
 * plant runs) feeding a real pipeline, a real SQLite historian and the monitor, in simulated time.
 * Records every RUL estimate of every non-consumable failure mode, every failure (the wear reaching
 * its limit) and every event, so coverage and false alerts can be measured against the truth.
 */
const H = 3_600_000;
const log = pino({ level: process.env.GOTTHARD_TEST_LOG ?? 'silent' });
const START = Date.UTC(2026, 0, 5, 6);
/** Machines of the standard plant that wear out, and the wear tag of their failure mode. */
const MACHINES: Record<string, string> = {
  'Machining.Line1.CNC1': 'Bearing.Wear',
  'Machining.Line1.CNC2': 'Bearing.Wear',
  'Machining.Line2.CNC3': 'Bearing.Wear',
  'Packaging.Filling1.FillingLine1': 'Drive.Wear',
  'Utilities.CompressedAir.Compressor1': 'Motor.Wear',
};

export interface FleetPoint {
  machine: string;
  ts: number;
  mode: string;
  hours: number;
  low: number;
  high: number;
}

export interface FleetRun {
  points: FleetPoint[];
  /** Per machine path: failure times (plant ms). */
  failures: Map<string, number[]>;
  events: HubEvent[];
  end: number;
  /** Machine paths → RUL estimates of the consumable modes seen (for the consumable check). */
  consumables: Map<string, Set<string>>;
}

export function machinePath(id: string): string {
  return `acme/zurich/${id.split('.').map(toSegment).join('/')}`;
}

/** Runs one seed of the standard plant for `days` simulated days, one evaluation per `stepS`. */
export async function runFleet(
  seed: number,
  days: number,
  pdm: Record<string, unknown> = {},
  stepS = 300,
  /** Tags (paths below the machine) the monitor must not see, e.g. the wear tags. */
  hide?: RegExp,
): Promise<FleetRun> {
  const dir = mkdtempSync(join(tmpdir(), 'gt-pdm-fleet-'));
  const historian = createSqliteHistorian({ path: join(dir, 'h.db'), logger: log });
  await historian.open();
  const pipeline = new Pipeline(log);
  pipeline.addSink(historian);
  const events: HubEvent[] = [];
  const monitor = new PdmMonitor(pdmConfigSchema.parse({ enabled: true, evaluateInterval: `${stepS}s`, ...pdm }), {
    catalog: historian,
    sink: pipeline,
    events: { emit: (e: HubEvent) => events.push(e) } satisfies EventSink,
    log,
    listTags: () => historian.listTags(),
  });
  pipeline.listen((b) => monitor.onBatch(b));
  const sim = new PlantSimulation(standardPlant(), { seed, simStartMs: START });
  const feeds: { id: string; path: string; keys: [string, number][] }[] = [];
  for (const id of Object.keys(MACHINES)) {
    const model = sim.get(id)!;
    const path = machinePath(id);
    const leaves: [string, string][] = [['status/machine_state', '']];
    for (const k of Object.keys(model.values)) {
      const leaf = k.split('.').map(toSegment).join('/');
      if (typeof model.values[k] === 'number' && !hide?.test(leaf)) leaves.push([leaf, k]);
    }
    const defs: TagDefinition[] = leaves.map(([leaf]) => ({
      id: `${path}/${leaf}`,
      assetPath: path,
      name: leaf,
      dataType: 'Double',
      lineage: { source: 'sim', endpoint: 'test', nodeId: leaf },
    }));
    const keys = await historian.register(defs);
    feeds.push({ id, path, keys: leaves.map(([, k], i) => [k, keys[i]!]) });
  }
  const points: FleetPoint[] = [];
  const failures = new Map<string, number[]>();
  const consumables = new Map<string, Set<string>>();
  const failedNow = new Map<string, boolean>();
  const step = () => {
    sim.advance(stepS);
    sim.sample();
    const ts = sim.simTimeMs;
    const b = new SampleBatch();
    for (const f of feeds) {
      const model = sim.get(f.id)!;
      for (const [k, key] of f.keys) {
        const v = k === '' ? model.state : model.values[k];
        if (typeof v === 'number') b.push(key, ts, ts, v, 0);
      }
      // The truth comes from the simulation, whether or not the monitor sees the wear tag.
      const failed = model.state === 4 && Number(model.values[MACHINES[f.id]!]) >= 99.999;
      if (failed && !failedNow.get(f.path)) {
        const list = failures.get(f.path) ?? [];
        list.push(ts);
        failures.set(f.path, list);
      }
      failedNow.set(f.path, failed);
    }
    pipeline.write(b);
  };
  step();
  await monitor.settled();
  const end = START + days * 24 * H;
  while (sim.simTimeMs < end) {
    step();
    await new Promise((r) => setImmediate(r));
    for (const f of feeds) {
      const m = monitor.machine(f.path);
      if (!m || m.ts !== sim.simTimeMs) continue;
      for (const r of m.rul) {
        if (r.consumable) {
          const set = consumables.get(f.path) ?? new Set();
          set.add(r.mode);
          consumables.set(f.path, set);
          continue;
        }
        points.push({ machine: f.path, ts: m.ts, mode: r.mode, hours: r.hours, low: r.low, high: r.high });
      }
    }
  }
  monitor.stop();
  await pipeline.close();
  rmSync(dir, { recursive: true, force: true });
  return { points, failures, events, end, consumables };
}

/** The next failure of `machine` at or after `ts`, if it happened within the run. */
export function nextFailure(run: FleetRun, machine: string, ts: number): number | undefined {
  return run.failures.get(machine)?.find((f) => f >= ts);
}

export const BANDS = [
  { name: '<24 h', lo: 0, hi: 24 },
  { name: '24–48 h', lo: 24, hi: 48 },
  { name: '>48 h', lo: 48, hi: Number.POSITIVE_INFINITY },
] as const;

export interface FleetScore {
  failures: number;
  bands: { name: string; n: number; coverage: number; rmse: number }[];
  alerts: number;
  falseAlerts: number;
  falseAlertMessages: string[];
  machineDays: number;
}

/**
 * Coverage of the 80 % interval per band of true RUL (points in lives that ended in a failure within
 * the run), and false alerts: `pdm.anomaly.opened` or `pdm.health.low.opened` more than `leadH`
 * before the machine's next failure (or with no failure within `leadH` of the run's end).
 */
export function scoreFleet(runs: readonly FleetRun[], leadH: number): FleetScore {
  const acc = BANDS.map((b) => ({ name: b.name, n: 0, covered: 0, se: 0 }));
  let failures = 0;
  let alerts = 0;
  let falseAlerts = 0;
  let machineDays = 0;
  const falseAlertMessages: string[] = [];
  for (const run of runs) {
    for (const list of run.failures.values()) failures += list.length;
    machineDays += (Object.keys(MACHINES).length * (run.end - START)) / (24 * H);
    for (const p of run.points) {
      const f = nextFailure(run, p.machine, p.ts);
      if (f === undefined) continue;
      const truth = (f - p.ts) / H;
      const band = BANDS.findIndex((b) => truth >= b.lo && truth < b.hi);
      const a = acc[band]!;
      a.n++;
      a.se += (p.hours - truth) ** 2;
      if (truth >= p.low && truth <= p.high) a.covered++;
    }
    for (const e of run.events) {
      if (e.kind !== 'pdm.anomaly.opened' && e.kind !== 'pdm.health.low.opened') continue;
      alerts++;
      const machine = String(e.details?.machine);
      const f = nextFailure(run, machine, e.ts);
      const lead = ((f ?? Number.POSITIVE_INFINITY) - e.ts) / H;
      if (lead > leadH && (f !== undefined || run.end - e.ts > leadH * H)) {
        falseAlerts++;
        falseAlertMessages.push(`${new Date(e.ts).toISOString()} ${e.message} (next failure in ${lead.toFixed(0)} h)`);
      }
    }
  }
  return {
    failures,
    bands: acc.map((a) => ({
      name: a.name,
      n: a.n,
      coverage: a.n ? a.covered / a.n : Number.NaN,
      rmse: Math.sqrt(a.se / Math.max(1, a.n)),
    })),
    alerts,
    falseAlerts,
    falseAlertMessages,
    machineDays,
  };
}
