/**
 * Historian benchmark: sustained ingest with trend queries running, bytes on disk per value, the
 * 30-day downsampled trend, latest of 10k tags, and a plain row-per-value SQLite baseline.
 *
 *   node --import tsx bench/historian.ts            # prints a table
 *   BENCH_SCALE=0.2 node --import tsx bench/historian.ts   # smaller, for a quick look
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { createSqliteHistorian } from '../src/historian/index.js';
import { SampleBatch } from '../src/model/sample.js';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baseline?: number;
  ratio?: number;
}

export interface BenchHistorianOptions {
  /** Scales every data set (1 = the sizes in the task: 20k tags, 3M values, 2.6M-value trend). */
  scale?: number;
  dir?: string;
  compression?: 'none' | 'deflate';
}

const T0 = Date.UTC(2026, 0, 1);

/** Deterministic PRNG so runs are comparable. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Realistic analog data as an OPC UA subscription delivers it: each tag sampled at 1 Hz, values with
 * 0.1 resolution (a noisy random walk around a set point), source timestamps with a few ms jitter,
 * server timestamps a few ms later, nearly always Good. Batches hold one publish of `perBatch` values.
 */
function analogBatches(tags: number, seconds: number, perBatch: number, seed: number): SampleBatch[] {
  const r = rng(seed);
  const level = Float64Array.from({ length: tags }, () => 20 + r() * 60);
  const out: SampleBatch[] = [];
  let b = new SampleBatch(perBatch);
  for (let s = 0; s < seconds; s++) {
    for (let k = 0; k < tags; k++) {
      level[k] = (level[k] as number) + (r() - 0.5) * 0.4;
      const noisy = Math.round(((level[k] as number) + (r() - 0.5) * 0.6) * 10) / 10;
      const ts = T0 + s * 1000 + (r() < 0.3 ? Math.floor(r() * 4) : 0);
      b.push(k + 1, ts, ts + 1 + Math.floor(r() * 3), noisy, r() < 0.0005 ? 0x80310000 : 0);
      if (b.length === perBatch) {
        out.push(b);
        b = new SampleBatch(perBatch);
      }
    }
  }
  if (b.length > 0) out.push(b);
  return out;
}

function fileBytes(path: string): number {
  let n = 0;
  for (const s of ['', '-wal']) {
    try {
      n += statSync(path + s).size;
    } catch {
      // absent after a clean close
    }
  }
  return n;
}

async function ingest(dir: string, batches: SampleBatch[], total: number, compression: 'none' | 'deflate') {
  const path = join(dir, `ingest-${compression}.db`);
  const h = createSqliteHistorian({ path, flushIntervalMs: 1000, compression });
  await h.open();
  let queries = 0;
  let queryMs = 0;
  const trend = setInterval(() => {
    const t = performance.now();
    void h.aggregate({ tagKey: 1, from: T0, to: T0 + 86_400_000, bucketMs: 86_400, fns: ['min', 'max'] }).then(() => {
      queries++;
      queryMs += performance.now() - t;
    });
  }, 100);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  // One "flush interval" of work at a time, as fast as the historian absorbs it: write a second's
  // worth of batches, flush, and give the sealing slices and the trend timer their turns.
  let sinceFlush = 0;
  for (const b of batches) {
    h.write(b);
    sinceFlush += b.length;
    if (sinceFlush >= 200_000) {
      await h.flush();
      sinceFlush = 0;
      await tick();
    }
  }
  await h.sealNow();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(trend);
  const stats = h.stats();
  await h.close();
  return {
    rate: (total / ms) * 1000,
    cpuUsPerValue: (cpu.user + cpu.system) / total,
    queries,
    queryMsAvg: queries > 0 ? queryMs / queries : 0,
    persisted: stats.persisted,
  };
}

async function bytesPerValue(dir: string, compression: 'none' | 'deflate', tags: number, seconds: number) {
  const path = join(dir, `bytes-${compression}.db`);
  const h = createSqliteHistorian({ path, compression });
  await h.open();
  const batches = analogBatches(tags, seconds, 5000, 7);
  let n = 0;
  for (const b of batches) {
    h.write(b);
    n += b.length;
  }
  await h.sealNow();
  await h.close(); // checkpoints the SQLite WAL into the file
  // The file also holds the free pages the deleted staging rows left; they are reused by the next
  // generation, so in steady state they are a constant (≈ one generation of staging), not per value.
  const db = new Database(path, { readonly: true });
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const used =
    ((db.pragma('page_count', { simple: true }) as number) -
      (db.pragma('freelist_count', { simple: true }) as number)) *
    pageSize;
  db.close();
  return { used: used / n, file: fileBytes(path) / n };
}

async function trend30d(dir: string, scale: number, compression: 'none' | 'deflate') {
  const path = join(dir, 'trend.db');
  const h = createSqliteHistorian({ path, compression });
  await h.open();
  const n = Math.round(30 * 86_400 * scale);
  const r = rng(11);
  let level = 50;
  let b = new SampleBatch(10_000);
  for (let i = 0; i < n; i++) {
    level += (r() - 0.5) * 0.4;
    const ts = T0 + i * 1000;
    b.push(1, ts, ts + 2, Math.round((level + (r() - 0.5) * 0.6) * 10) / 10, 0);
    if (b.length === 10_000) {
      h.write(b);
      b = new SampleBatch(10_000);
      if (i % 1_000_000 < 10_000) await h.flush();
    }
  }
  h.write(b);
  await h.sealNow();
  const span = n * 1000;
  const q = {
    tagKey: 1,
    from: T0,
    to: T0 + span,
    bucketMs: Math.ceil(span / 1000),
    fns: ['min', 'max', 'first', 'last'] as const,
  };
  const times: number[] = [];
  let buckets = 0;
  for (let k = 0; k < 7; k++) {
    const t = performance.now();
    buckets = (await h.aggregate(q)).length;
    times.push(performance.now() - t);
  }
  times.sort((a, b2) => a - b2);
  await h.close();
  return { ms: times[Math.floor(times.length / 2)] as number, values: n, buckets };
}

async function latest10k(dir: string) {
  const h = createSqliteHistorian({ path: join(dir, 'latest.db') });
  await h.open();
  const b = new SampleBatch(10_000);
  for (let k = 1; k <= 10_000; k++) b.push(k, T0, T0, k / 10, 0);
  h.write(b);
  await h.flush();
  const keys = Array.from({ length: 10_000 }, (_, i) => i + 1);
  const times: number[] = [];
  for (let i = 0; i < 9; i++) {
    const t = performance.now();
    await h.latest(keys);
    times.push(performance.now() - t);
  }
  times.sort((a, b2) => a - b2);
  await h.close();
  return times[4] as number;
}

/** Plain SQLite, row per value with a (tag, ts) index, one transaction per 10k rows. */
function baseline(dir: string, batches: SampleBatch[], maxRows: number) {
  const db = new Database(join(dir, 'baseline.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE sample (tag INTEGER, ts REAL, server_ts REAL, value REAL, status INTEGER);
    CREATE INDEX sample_tag_ts ON sample (tag, ts);`);
  const ins = db.prepare('INSERT INTO sample VALUES (?, ?, ?, ?, ?)');
  const t0 = performance.now();
  let rows = 0;
  let inTx = 0;
  db.exec('BEGIN');
  outer: for (const b of batches) {
    for (let i = 0; i < b.length; i++) {
      ins.run(b.tagKey[i], b.sourceTs[i], b.serverTs[i], b.value[i], b.status[i]);
      rows++;
      if (++inTx === 10_000) {
        db.exec('COMMIT');
        db.exec('BEGIN');
        inTx = 0;
      }
      if (rows >= maxRows) break outer;
    }
  }
  db.exec('COMMIT');
  const ms = performance.now() - t0;
  db.close();
  return { rate: (rows / ms) * 1000, bytes: fileBytes(join(dir, 'baseline.db')) / rows };
}

export async function benchHistorian(opts: BenchHistorianOptions = {}): Promise<BenchResult[]> {
  const scale = opts.scale ?? 1;
  const compression = opts.compression ?? 'deflate';
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'gotthard-bench-historian-'));
  const own = opts.dir === undefined;
  try {
    const tags = Math.max(100, Math.round(20_000 * scale));
    const seconds = 150;
    const batches = analogBatches(tags, seconds, 2000, 1);
    const total = tags * seconds;
    const ing = await ingest(dir, batches, total, compression);
    const base = baseline(dir, batches, Math.min(total, Math.round(1_000_000 * scale)));
    const bpv = await bytesPerValue(dir, compression, Math.max(50, Math.round(500 * scale)), 3600);
    const tr = await trend30d(dir, scale, compression);
    const lat = await latest10k(dir);
    return [
      {
        name: `ingest (${tags} tags, ${(total / 1e6).toFixed(1)}M values, trend query every 100 ms)`,
        value: Math.round(ing.rate),
        unit: 'values/s',
        baseline: Math.round(base.rate),
        // our time ÷ baseline time for the same number of values
        ratio: +(base.rate / ing.rate).toFixed(3),
      },
      { name: 'ingest CPU per value (write+flush+seal+queries)', value: +ing.cpuUsPerValue.toFixed(3), unit: 'µs' },
      { name: `trend queries during ingest (avg of ${ing.queries})`, value: +ing.queryMsAvg.toFixed(2), unit: 'ms' },
      {
        name: `bytes on disk per value (0.1-res noisy 1 Hz, compression ${compression})`,
        value: +bpv.used.toFixed(2),
        unit: 'B/value',
        baseline: +base.bytes.toFixed(2),
        ratio: +(bpv.used / base.bytes).toFixed(3),
      },
      {
        name: 'file size per value incl. free staging pages (1 h of data only)',
        value: +bpv.file.toFixed(2),
        unit: 'B/value',
      },
      {
        name: `30-day min/max/first/last trend, ${tr.buckets} buckets over ${(tr.values / 1e6).toFixed(2)}M values`,
        value: +tr.ms.toFixed(1),
        unit: 'ms',
      },
      { name: 'latest value of 10k tags', value: +lat.toFixed(2), unit: 'ms' },
    ];
  } finally {
    if (own) rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const scale = Number(process.env.BENCH_SCALE ?? 1);
  const compression = process.env.BENCH_COMPRESSION === 'none' ? 'none' : 'deflate';
  const t = performance.now();
  const results = await benchHistorian({ scale, compression });
  console.table(results);
  console.log(`bench took ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
