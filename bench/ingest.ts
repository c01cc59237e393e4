/**
 * Ingest cost: the hub (OPC UA → pipeline → SQLite historian, a child process as in production)
 * against a bare node-opcua client that only counts the same notifications, on the same load,
 * alternating, several rounds; then capacity (no loss, no growing backlog) and memory by tag count.
 */

import { type HubRun, type Load, measure, startBare, startHub, startLoad } from './load.js';
import { median, rssMb, sleep } from './proc.js';
import type { BenchResult } from './series.js';

export interface IngestOptions {
  dir: string;
  rounds: number;
  servers: number;
  machinesPerServer: number;
  updateIntervalMs: number;
  warmMs: number;
  windowMs: number;
  log: (line: string) => void;
  /** A load already running (shared with the Node-RED section); started and stopped here when absent. */
  load?: Load;
}

export interface IngestOutcome {
  results: BenchResult[];
  hubUsPerValue: number;
}

/** Values the servers offer per second, measured from the bare client (which keeps up). */
export async function benchIngest(o: IngestOptions): Promise<IngestOutcome> {
  const load = o.load ?? (await startLoad(o.dir, o.servers, o.machinesPerServer, o.updateIntervalMs));
  const results: BenchResult[] = [];
  try {
    const hub: number[] = [];
    const bare: number[] = [];
    const hubRates: number[] = [];
    const bareRates: number[] = [];
    let tags = 0;
    let backlogMax = 0;
    let lost = 0;
    let accounted = 0;
    for (let r = 0; r < o.rounds; r++) {
      const b = await startBare(o.dir, load);
      try {
        const w = await measure(b.pid, () => b.count(), o.warmMs, o.windowMs);
        bare.push(w.usPerValue);
        bareRates.push(w.rate);
        o.log(`  round ${r + 1} bare client: ${w.usPerValue.toFixed(2)} µs/value at ${Math.round(w.rate)} values/s`);
      } finally {
        await b.stop();
      }
      const h = await startHub(o.dir, load);
      try {
        tags = (await h.health()).sources.reduce((n, s) => n + s.tags, 0);
        await sleep(o.warmMs);
        // Exact accounting around the window: the plants hold their ticks, the hub drains (one
        // publishing interval and one flush), and the plants' write counts are compared with what the
        // hub received and stored.
        const before = await quiet(load, h);
        const w = await measure(h.pid, async () => (await h.health()).ingest.totalValues, 1000, o.windowMs);
        const after = await quiet(load, h);
        const written = after.written - before.written;
        const received = after.received - before.received;
        lost += written - received;
        accounted += written;
        backlogMax = Math.max(backlogMax, after.backlog);
        hub.push(w.usPerValue);
        hubRates.push(w.rate);
        o.log(
          `  round ${r + 1} hub: ${w.usPerValue.toFixed(2)} µs/value at ${Math.round(w.rate)} values/s, ${tags} tags; ` +
            `plants wrote ${written}, hub received ${received}, stored ${after.persisted - before.persisted}, backlog after draining ${after.backlog}`,
        );
      } finally {
        await h.stop();
      }
    }
    const hubUs = median(hub);
    const bareUs = median(bare);
    const offered = median(bareRates);
    const hubRate = median(hubRates);
    results.push(
      { name: 'ingest: load offered (bare client receives)', value: Math.round(offered), unit: 'values/s' },
      { name: 'ingest: tags subscribed', value: tags, unit: 'tags' },
      {
        name: 'ingest: hub CPU per value (OPC UA → historian, stored)',
        value: round(hubUs),
        unit: 'µs/value',
        baseline: round(bareUs),
        ratio: round(hubUs / bareUs),
      },
      {
        name: 'ingest: hub values received per second ÷ bare client (the plants slow down when starved of CPU)',
        value: round(hubRate / offered),
        unit: 'ratio',
      },
      {
        name: 'ingest: implied capacity per core (1e6 / µs per value)',
        value: Math.round(1e6 / hubUs),
        unit: 'values/s',
      },
      {
        name: `ingest: values lost by the hub (plants' writes − received, of ${accounted} written in the windows)`,
        value: lost,
        unit: 'values',
      },
      { name: 'ingest: historian backlog after draining (no growing backlog)', value: backlogMax, unit: 'values' },
    );
    return { results, hubUsPerValue: hubUs };
  } finally {
    if (!o.load) await load.stop();
  }
}

/** Holds the plants, waits for the hub to drain, resumes: the plants' writes and the hub's counts then. */
async function quiet(load: Load, h: HubRun) {
  const written = await load.pause();
  await sleep(3000);
  const health = await h.health();
  await load.resume();
  return {
    written,
    received: health.ingest.totalValues,
    persisted: health.historian.persisted,
    backlog: health.historian.backlog,
  };
}

/** Hub RSS with `tags` tags subscribed (demo plants in scale mode, values every 5 s): steady and peak. */
export async function benchMemory(
  dir: string,
  servers: number,
  machinesPerServer: number,
  log: (line: string) => void,
): Promise<BenchResult[]> {
  const load: Load = await startLoad(dir, servers, machinesPerServer, 5000);
  let h: HubRun | undefined;
  try {
    const t0 = Date.now();
    h = await startHub(dir, load);
    const tags = (await h.health()).sources.reduce((n, s) => n + s.tags, 0);
    const connectedS = Math.round((Date.now() - t0) / 1000);
    // One RSS reading a second for 40 s after connecting: the first seconds still hold the garbage of
    // browsing and of the initial values (V8 returns it within ≈ 20 s); the steady figure is the
    // highest reading of the last 10 s, the peak the highest of all.
    const readings: number[] = [];
    for (let i = 0; i < 40; i++) {
      readings.push(rssMb(h.pid));
      await sleep(1000);
    }
    const peak = Math.max(...readings);
    const steady = Math.max(...readings.slice(-10));
    log(
      `  ${tags} tags: RSS steady ${steady.toFixed(0)} MB, peak ${peak.toFixed(0)} MB (connected after ${connectedS} s)`,
    );
    return [
      {
        name: `memory: hub RSS with ${tags} tags (steady, 30–40 s after connecting)`,
        value: Math.round(steady),
        unit: 'MB',
      },
      {
        name: `memory: hub peak RSS with ${tags} tags (first 40 s after connecting)`,
        value: Math.round(peak),
        unit: 'MB',
      },
    ];
  } finally {
    await h?.stop();
    await load.stop();
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
