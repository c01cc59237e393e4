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
import { analogBatches, type BenchResult, T0, timed, trendQuery, write1Hz } from './series.js';

export type { BenchResult } from './series.js';

export interface BenchHistorianOptions {
  /** Scales every data set (1 = the sizes in the task: 20k tags, 3M values, 2.6M-value trend). */
  scale?: number;
  dir?: string;
  compression?: 'none' | 'deflate';
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
  await write1Hz(h, 1, n, 1_000_000);
  await h.sealNow();
  const { ms, result } = await timed(7, () => h.aggregate(trendQuery(1, n)));
  await h.close();
  return { ms, values: n, buckets: result.length };
}

async function latest10k(dir: string) {
  const h = createSqliteHistorian({ path: join(dir, 'latest.db') });
  await h.open();
  const b = new SampleBatch(10_000);
  for (let k = 1; k <= 10_000; k++) b.push(k, T0, T0, k / 10, 0);
  h.write(b);
  await h.flush();
  const keys = Array.from({ length: 10_000 }, (_, i) => i + 1);
  const { ms } = await timed(9, () => h.latest(keys));
  await h.close();
  return ms;
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
