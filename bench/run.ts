/**
 * `npm run bench`: every benchmark, side by side with its baseline in the same run. Prints a table
 * and writes bench/results.json (an array of { name, value, unit, baseline?, ratio? }, ratio =
 * Gotthard's cost ÷ the peer's cost). See docs/benchmarks.md.
 *
 * Environment: BENCH_ONLY=ingest,nodered,memory,historian,startup,readstorm (default all), BENCH_ROUNDS (2),
 * BENCH_SERVERS (2), BENCH_MACHINES (per server, 1000), BENCH_INTERVAL (ms, 100),
 * BENCH_HISTORIAN_SCALE (0.25), BENCH_MEMORY_100K=0 to skip the 100k-tag memory run. The defaults
 * are sized to finish within 10 minutes on a 2-core machine.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { benchIngest, benchMemory } from './ingest.js';
import { CLI, freePort, type Load, ROOT, spawnNode, startHub, startLoad } from './load.js';
import { ensureNodeRed, measureChild, nodeRedCount, startNodeRed, waitForValues, waitUntilSettled } from './nodered.js';
import { median, sleep } from './proc.js';
import type { BenchResult } from './series.js';

const env = process.env;
const execFileAsync = promisify(execFile);
const only = new Set((env.BENCH_ONLY ?? 'ingest,nodered,memory,historian,startup,readstorm').split(','));
const rounds = Number(env.BENCH_ROUNDS ?? 2);
const servers = Number(env.BENCH_SERVERS ?? 2);
const machines = Number(env.BENCH_MACHINES ?? 1000);
const interval = Number(env.BENCH_INTERVAL ?? 100);

const results: BenchResult[] = [];
const notes: string[] = [];
const log = (line: string) => process.stderr.write(`${line}\n`);
const dir = mkdtempSync(join(tmpdir(), 'gt-bench-'));
const started = Date.now();

// The hub, the demo plants and the start-up figure run the CLI as shipped (dist/, what `npm start`
// runs), not through the tsx loader; build it so it matches src/ (≈ 10 s).
log('== building dist/ (tsc -p tsconfig.build.json)');
execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
  cwd: ROOT,
  stdio: 'inherit',
});

function add(rs: BenchResult[]): void {
  for (const r of rs) {
    results.push(r);
    log(
      `  → ${r.name}: ${r.value} ${r.unit}${r.baseline !== undefined ? ` (baseline ${r.baseline}, ratio ${r.ratio})` : ''}`,
    );
  }
}

async function section(name: string, fn: () => Promise<void>): Promise<void> {
  if (!only.has(name)) return;
  log(`== ${name} (${Math.round((Date.now() - started) / 1000)} s)`);
  try {
    await fn();
  } catch (err) {
    const msg = `${name}: failed: ${(err as Error).message.split('\n')[0]}`;
    notes.push(msg);
    log(`  ${msg}`);
  }
}

// The ingest and Node-RED sections run on the same load: starting demo plants of 1000 machines each
// takes minutes on a busy 2-core machine, so they are started once.
let shared: Load | undefined;
const sharedLoad = async (): Promise<Load> => {
  shared ??= await startLoad(dir, servers, machines, interval);
  return shared;
};

await section('ingest', async () => {
  const out = await benchIngest({
    load: await sharedLoad(),
    dir,
    rounds,
    servers,
    machinesPerServer: machines,
    updateIntervalMs: interval,
    // Steady state: a fresh hub spends its first ≈ 15 s on start-up work (the KPI roll-up's first
    // pass over 2000 machines, the garbage of discovery, optimising compilers), which measured
    // 0.8 µs/value more in a window that began 8 s after connecting.
    warmMs: 20_000,
    windowMs: 12_000,
    log,
  });
  add(out.results);
});

/**
 * The variables of each plant of `load`, listed by the bare client (Node-RED subscribes to them by
 * NodeId), all plants at once (one process and PKI folder each).
 */
async function listNodes(load: Load, tag: string): Promise<string[][]> {
  return Promise.all(
    load.endpoints.map(async (endpoint, i) => {
      const file = join(dir, `nodes-${tag.replace(/\W/g, '-')}-${i}.json`);
      const args = ['--import', 'tsx', join(ROOT, 'bench/bare-client.ts'), '--pki', join(dir, `list-pki-${i}`)];
      try {
        await execFileAsync(process.execPath, [...args, '--list', file, endpoint], { cwd: ROOT, timeout: 300_000 });
      } catch (err) {
        const e = err as Error & { stderr?: string };
        throw new Error(`listing the NodeIds of ${endpoint} failed: ${e.message}\n${e.stderr ?? ''}`);
      }
      return JSON.parse(readFileSync(file, 'utf8')) as string[];
    }),
  );
}

/**
 * Node-RED (subscribed to `lists`) and the hub alternately on `load`, `n` rounds: medians of CPU µs
 * per stored value and of stored values/s. Each side is started fresh; its window of `windowMs` begins
 * `warmMs` after its first stored value (Node-RED's: after it has also settled, see waitUntilSettled).
 */
async function nodeRedRounds(load: Load, lists: string[][], n: number, what: string, warmMs: number, windowMs: number) {
  const side = { nr: [] as number[], hub: [] as number[], nrRates: [] as number[], hubRates: [] as number[] };
  for (let r = 0; r < n; r++) {
    let t = Date.now();
    const red = await startNodeRed(dir, load, lists);
    try {
      const stored = async () => (await nodeRedCount(red.url)).stored;
      const started = Date.now() - t;
      t = Date.now();
      await waitForValues(red, 'Node-RED', stored, 60_000);
      const first = Date.now() - t;
      const settled = await waitUntilSettled(red, 'Node-RED', 0.25, 30_000, log);
      const w = await measureChild(red, 'Node-RED', stored, warmMs, windowMs);
      side.nr.push(w.usPerValue);
      side.nrRates.push(w.rate);
      log(
        `  ${what} round ${r + 1} Node-RED: ${w.usPerValue.toFixed(2)} µs/value stored at ${Math.round(w.rate)} values/s ` +
          `(started in ${secs(started)}, first value after ${secs(first)}, settled ${secs(settled)} later)`,
      );
    } catch (err) {
      log(`  ${(err as Error).message}`);
      throw err;
    } finally {
      await red.stop();
    }
    t = Date.now();
    const h = await startHub(dir, load);
    try {
      const persisted = async () => (await h.health()).historian.persisted;
      const started = Date.now() - t;
      t = Date.now();
      await waitForValues(h, 'hub', persisted, 60_000);
      const first = Date.now() - t;
      const w = await measureChild(h, 'hub', persisted, warmMs, windowMs);
      side.hub.push(w.usPerValue);
      side.hubRates.push(w.rate);
      log(
        `  ${what} round ${r + 1} hub: ${w.usPerValue.toFixed(2)} µs/value stored at ${Math.round(w.rate)} values/s ` +
          `(connected in ${secs(started)}, first value stored after ${secs(first)})`,
      );
    } catch (err) {
      log(`  ${(err as Error).message}`);
      throw err;
    } finally {
      await h.stop();
    }
  }
  return {
    hubUs: median(side.hub),
    nrUs: median(side.nr),
    hubRate: median(side.hubRates),
    nrRate: median(side.nrRates),
  };
}

await section('nodered', async () => {
  const why = ensureNodeRed(log);
  if (why) {
    notes.push(`nodered: skipped: ${why}`);
    return;
  }
  const n = Math.max(2, rounds - 1);
  const t = Date.now();
  // 1. The ingest load: how much of it each side stores. node-red-contrib-opcua caps a client node's
  //    subscription at 10 notifications per publish (see docs/benchmarks.md), so Node-RED stores a
  //    fraction of it and its CPU per value there is mostly its fixed cost spread over few values.
  // 2. A load both keep up with: one plant small enough that Node-RED's subscription stores every value.
  //    Its plant (≈1 % of a core) is started and both loads' NodeIds are listed at once, before any
  //    window: listing ≈36000 variables takes ≈10 s, and these phases are not measured.
  const load = await sharedLoad();
  const tLoad = Date.now() - t;
  let small: Load | undefined;
  try {
    small = await startLoad(dir, 1, Number(env.BENCH_NODERED_MACHINES ?? 2), interval);
    const t0 = Date.now();
    const [bigLists, smallLists] = await Promise.all([listNodes(load, 'ingest'), listNodes(small, 'equal')]);
    log(
      `  NodeIds listed in ${secs(Date.now() - t0)}: ${bigLists.map((l) => l.length).join(' + ')} (ingest load), ` +
        `${smallLists.map((l) => l.length).join(' + ')} (equal load: 1 plant of ${small.machines} machines)`,
    );
    try {
      const big = await nodeRedRounds(load, bigLists, n, 'ingest load', 4000, 8000);
      add([
        {
          name: 'vs Node-RED: values stored per second on the ingest load (Node-RED: what its subscription lets through)',
          value: Math.round(big.hubRate),
          unit: 'values/s',
          baseline: Math.round(big.nrRate),
        },
        {
          name: 'vs Node-RED: CPU per stored value on the ingest load',
          value: round(big.hubUs),
          unit: 'µs/value',
          baseline: round(big.nrUs),
          ratio: round(big.hubUs / big.nrUs),
        },
      ]);
    } finally {
      await load.stop();
      shared = undefined;
    }
    const eq = await nodeRedRounds(small, smallLists, n, 'equal load', 2000, 10_000);
    add([
      {
        name: `vs Node-RED: CPU per stored value, both storing every value (${Math.round(eq.nrRate)} values/s)`,
        value: round(eq.hubUs),
        unit: 'µs/value',
        baseline: round(eq.nrUs),
        ratio: round(eq.hubUs / eq.nrUs),
      },
    ]);
    if (Math.abs(eq.hubRate - eq.nrRate) > 0.05 * eq.hubRate) {
      notes.push(
        `nodered: on the equal load the sides stored ${Math.round(eq.hubRate)} (hub) and ${Math.round(eq.nrRate)} (Node-RED) values/s: lower BENCH_NODERED_MACHINES`,
      );
    }
  } finally {
    await load.stop();
    shared = undefined;
    await small?.stop();
  }
  log(
    `  nodered section: ${secs(Date.now() - t)}${tLoad > 1000 ? ` (${secs(tLoad)} of it starting the ingest load)` : ''}`,
  );
});
await shared?.stop();

await section('memory', async () => {
  add(await benchMemory(dir, 1, 1120, log));
  if (env.BENCH_MEMORY_100K !== '0') add(await benchMemory(dir, 2, 2800, log));
});

await section('historian', async () => {
  const { benchHistorian } = await import('./historian.js');
  mkdirSync(join(dir, 'historian'), { recursive: true });
  add(await benchHistorian({ scale: Number(env.BENCH_HISTORIAN_SCALE ?? 0.25), dir: join(dir, 'historian') }));
  const pgFile = join(ROOT, 'bench/historian-pg.ts');
  if (existsSync(pgFile)) {
    const mod = (await import(pgFile)) as Record<string, unknown>;
    const fn = Object.values(mod).find((v) => typeof v === 'function') as
      | ((o: Record<string, unknown>) => Promise<BenchResult[]>)
      | undefined;
    if (fn) add(await fn({ scale: Number(env.BENCH_HISTORIAN_SCALE ?? 0.25) }));
  } else {
    notes.push('historian: PostgreSQL figures skipped: bench/historian-pg.ts is not there yet');
  }
  const trendFile = join(ROOT, 'bench/trend.ts');
  if (existsSync(trendFile)) {
    // by name: a module namespace lists exports alphabetically, so "the first function" is another one
    const mod = (await import(trendFile)) as Record<string, unknown>;
    const fn = mod.benchTrend as ((o: Record<string, unknown>) => Promise<BenchResult[]>) | undefined;
    if (fn) add(await fn({}));
  } else {
    notes.push('historian: trend API figures skipped: bench/trend.ts is not there yet');
  }
});

const BENCH_ADMIN_PASSWORD = randomBytes(18).toString('base64url');
// Inherited by the hubs this benchmark starts: their first start creates the admin from it.
process.env.GOTTHARD_ADMIN_PASSWORD = BENCH_ADMIN_PASSWORD;

await section('startup', async () => {
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const port = await freePort();
    const data = join(dir, `startup-${r}`);
    const t0 = Date.now();
    const child = await spawnNode([CLI, 'start', '--demo', '--data-dir', data, '--port', String(port)], /./);
    let cookie: string | undefined;
    try {
      for (;;) {
        try {
          // The admin comes from GOTTHARD_ADMIN_PASSWORD (set above); sign in once the API listens.
          if (cookie === undefined) {
            const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ name: 'admin', password: BENCH_ADMIN_PASSWORD }),
            });
            cookie = login.headers.getSetCookie()[0]?.split(';')[0];
          }
          const h = (await (
            await fetch(`http://127.0.0.1:${port}/api/v1/health`, { headers: { cookie: cookie ?? '' } })
          ).json()) as {
            historian: { persisted: number };
          };
          if (h.historian.persisted > 0) break;
        } catch {
          // not listening yet
        }
        if (Date.now() - t0 > 120_000) throw new Error('no value stored within 120 s');
        await sleep(50);
      }
      times.push(Date.now() - t0);
      log(`  round ${r + 1}: ${Date.now() - t0} ms`);
    } finally {
      await child.stop();
    }
  }
  add([{ name: 'start-up: process start to first stored value (--demo)', value: median(times), unit: 'ms' }]);
});

await section('readstorm', async () => {
  // The read-storm fault case (test/faults/read-storm.test.ts) writes its figures to a file; its
  // assertions (every value stored, p99 ≤ 100 ms, liveness ≤ 200 ms, RSS ceiling) still apply.
  const out = join(dir, 'read-storm.json');
  try {
    await execFileAsync(process.execPath, ['--import', 'tsx', '--test', 'test/faults/read-storm.test.ts'], {
      cwd: ROOT,
      env: { ...process.env, GOTTHARD_READ_STORM_OUT: out },
      maxBuffer: 64 << 20,
    });
  } catch (err) {
    if (!existsSync(out)) throw err;
    notes.push('readstorm: the fault case failed an assertion; figures below are from that run');
  }
  const f = JSON.parse(readFileSync(out, 'utf8')) as {
    seconds: number;
    clients: number;
    lost: number;
    produced: number;
    eventLoopP99Ms: number;
    livenessMaxMs: number;
    peakRssMb: number;
  };
  add([
    {
      name: `read storm (${f.clients} viewers, ${f.seconds} s): collection values lost of ${f.produced}`,
      value: f.lost,
      unit: 'values',
    },
    { name: 'read storm: event-loop delay p99', value: f.eventLoopP99Ms, unit: 'ms' },
    { name: 'read storm: liveness probe, slowest', value: f.livenessMaxMs, unit: 'ms' },
    { name: 'read storm: peak RSS', value: f.peakRssMb, unit: 'MB' },
  ]);
});

const cpu = cpus()[0]?.model ?? 'unknown';
log('');
log(
  `Gotthard benchmarks — ${cpus().length} cores (${cpu}), node ${process.version}, ${Math.round((Date.now() - started) / 1000)} s`,
);
const rows = results.map((r) => [
  r.name,
  `${r.value} ${r.unit}`,
  r.baseline !== undefined ? `${r.baseline} ${r.unit}` : '',
  r.ratio !== undefined ? String(r.ratio) : '',
]);
const head = ['figure', 'Gotthard', 'baseline', 'ratio'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
process.stdout.write(`${line(head)}\n${line(widths.map((w) => '-'.repeat(w)))}\n${rows.map(line).join('\n')}\n`);
for (const n of notes) process.stdout.write(`note: ${n}\n`);
writeFileSync(join(ROOT, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
rmSync(dir, { recursive: true, force: true });

function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
