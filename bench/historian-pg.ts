/**
 * PostgreSQL historian benchmark: batch insert rate (idempotent insert + rollup + latest, against a
 * plain multi-row INSERT baseline into a table with the same primary key), latest value of 10k tags,
 * and the 30-day downsampled trend of a 1 Hz tag (target ≤ 300 ms).
 *
 *   node --import tsx bench/historian-pg.ts                  # prints a table
 *   BENCH_SCALE=0.2 node --import tsx bench/historian-pg.ts  # smaller, for a quick look
 *
 * Database: `GOTTHARD_BENCH_PG` (a connection string), else postgres@ or root@127.0.0.1:5432/test.
 * Each run uses its own schema and drops it afterwards.
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { createPostgresHistorian, type PostgresHistorian } from '../src/historian/postgres/index.js';
import { SampleBatch } from '../src/model/sample.js';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baseline?: number;
  ratio?: number;
}

const T0 = Date.UTC(2026, 0, 1);

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

async function connectionString(): Promise<string> {
  const env = process.env.GOTTHARD_BENCH_PG;
  const candidates = env
    ? [env]
    : ['postgresql://postgres@127.0.0.1:5432/test', 'postgresql://root@127.0.0.1:5432/test'];
  for (const cs of candidates) {
    const c = new pg.Client({ connectionString: cs });
    try {
      await c.connect();
      await c.end();
      return cs;
    } catch {
      await c.end().catch(() => undefined);
    }
  }
  throw new Error('no PostgreSQL for the benchmark: set GOTTHARD_BENCH_PG');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** 1 Hz analog tags, 0.1 resolution, a few ms jitter, batches of one publish each. */
function analogBatches(tags: number, seconds: number, perBatch: number): SampleBatch[] {
  const r = rng(1);
  const level = Float64Array.from({ length: tags }, () => 20 + r() * 60);
  const out: SampleBatch[] = [];
  let b = new SampleBatch(perBatch);
  for (let s = 0; s < seconds; s++) {
    for (let k = 0; k < tags; k++) {
      level[k] = (level[k] as number) + (r() - 0.5) * 0.4;
      const ts = T0 + s * 1000 + Math.floor(r() * 4);
      b.push(k + 1, ts, ts + 2, Math.round(((level[k] as number) + (r() - 0.5) * 0.6) * 10) / 10, 0);
      if (b.length === perBatch) {
        out.push(b);
        b = new SampleBatch(perBatch);
      }
    }
  }
  if (b.length > 0) out.push(b);
  return out;
}

async function ingest(h: PostgresHistorian, batches: SampleBatch[]): Promise<number> {
  let n = 0;
  const t = performance.now();
  for (const b of batches) {
    h.write(b);
    n += b.length;
    // One flush per ~50k values: the transaction size the historian uses for a backlog.
    if (n % 50_000 < b.length) await h.flush();
  }
  await h.flush();
  return n / ((performance.now() - t) / 1000);
}

/** Plain PostgreSQL: multi-row INSERT … SELECT FROM unnest into one table with PRIMARY KEY (tag, ts). */
async function baseline(cs: string, schema: string, batches: SampleBatch[]): Promise<number> {
  const c = new pg.Client({ connectionString: cs });
  await c.connect();
  await c.query(`CREATE TABLE "${schema}".plain (tag_key int, ts timestamptz, server_ts timestamptz,
    value float8, status int, PRIMARY KEY (tag_key, ts))`);
  let n = 0;
  const t = performance.now();
  let rows: SampleBatch[] = [];
  const send = async () => {
    const k: number[] = [];
    const ts: number[] = [];
    const st: number[] = [];
    const v: number[] = [];
    const s: number[] = [];
    for (const b of rows) {
      for (let i = 0; i < b.length; i++) {
        k.push(b.tagKey[i] as number);
        ts.push(b.sourceTs[i] as number);
        st.push(b.serverTs[i] as number);
        v.push(b.value[i] as number);
        s.push(b.status[i] as number);
      }
    }
    await c.query(
      `INSERT INTO "${schema}".plain SELECT k, to_timestamp(t / 1000.0::float8), to_timestamp(x / 1000.0::float8), v, s
      FROM unnest($1::int[], $2::float8[], $3::float8[], $4::float8[], $5::int[]) AS u(k, t, x, v, s)`,
      [`{${k.join(',')}}`, `{${ts.join(',')}}`, `{${st.join(',')}}`, `{${v.join(',')}}`, `{${s.join(',')}}`],
    );
    rows = [];
  };
  for (const b of batches) {
    rows.push(b);
    n += b.length;
    if (n % 50_000 < b.length) await send();
  }
  if (rows.length > 0) await send();
  const rate = n / ((performance.now() - t) / 1000);
  await c.end();
  return rate;
}

export async function benchPostgresHistorian(opts: { scale?: number } = {}): Promise<BenchResult[]> {
  const scale = opts.scale ?? Number(process.env.BENCH_SCALE ?? 1);
  const cs = await connectionString();
  const schema = `gt_bench_${randomBytes(4).toString('hex')}`;
  const open = async (extra: { flushMaxValues?: number } = {}) => {
    const h = createPostgresHistorian({ connectionString: cs, schema, flushIntervalMs: 60_000, ...extra });
    await h.open();
    return h;
  };
  try {
    // 1. Batch insert: 2000 tags × 150 s (scaled), batches of 2000 values.
    const tags = Math.max(100, Math.round(2000 * scale));
    const batches = analogBatches(tags, 150, 2000);
    let h = await open();
    const rate = await ingest(h, batches);
    await h.close();
    const base = await baseline(cs, schema, batches);

    // 2. Latest value of 10k tags.
    h = await open();
    const lb = new SampleBatch(10_000);
    for (let k = 1; k <= 10_000; k++) lb.push(100_000 + k, T0 + 1e9, T0 + 1e9, k / 10, 0);
    h.write(lb);
    await h.flush();
    const keys = Array.from({ length: 10_000 }, (_, i) => 100_001 + i);
    const lat: number[] = [];
    for (let i = 0; i < 9; i++) {
      const t = performance.now();
      const got = await h.latest(keys);
      lat.push(performance.now() - t);
      if (got.length !== 10_000) throw new Error(`latest returned ${got.length} values`);
    }

    // 3. 30 days of one 1 Hz tag, then the downsampled trend (1000 buckets of min/max/first/last).
    const n = Math.round(30 * 86_400 * scale);
    const r = rng(11);
    let level = 50;
    let b = new SampleBatch(10_000);
    const tw = performance.now();
    for (let i = 0; i < n; i++) {
      level += (r() - 0.5) * 0.4;
      const ts = T0 + i * 1000;
      b.push(1_000_000, ts, ts + 2, Math.round((level + (r() - 0.5) * 0.6) * 10) / 10, 0);
      if (b.length === 10_000) {
        h.write(b);
        b = new SampleBatch(10_000);
        if (i % 50_000 < 10_000) await h.flush();
      }
    }
    h.write(b);
    await h.flush();
    const trendWriteRate = n / ((performance.now() - tw) / 1000);
    const span = n * 1000;
    const q = {
      tagKey: 1_000_000,
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
    // The same span in minute-multiple buckets (what a dashboard asks for): rollups only, no raw rows.
    const aligned = { ...q, bucketMs: Math.max(60_000, Math.floor(q.bucketMs / 60_000) * 60_000) };
    const alignedTimes: number[] = [];
    let alignedBuckets = 0;
    for (let k = 0; k < 7; k++) {
      const t = performance.now();
      alignedBuckets = (await h.aggregate(aligned)).length;
      alignedTimes.push(performance.now() - t);
    }
    const twaTimes: number[] = [];
    for (let k = 0; k < 5; k++) {
      const t = performance.now();
      await h.aggregate({ ...q, fns: ['avg', 'twa', 'count'] });
      twaTimes.push(performance.now() - t);
    }
    const bytes = h.stats().diskBytes;
    await h.close();
    const inserted = batches.reduce((s, x) => s + x.length, 0);
    const total = inserted + 10_000 + n;
    return [
      {
        name: `batch insert (${tags} tags, ${(inserted / 1e6).toFixed(2)}M values; idempotent + rollup + latest)`,
        value: Math.round(rate),
        unit: 'values/s',
        baseline: Math.round(base),
        // our time ÷ baseline time (plain INSERT FROM unnest, same primary key) for the same values
        ratio: +(base / rate).toFixed(3),
      },
      {
        name: 'insert rate while loading the 30-day series (one tag)',
        value: Math.round(trendWriteRate),
        unit: 'values/s',
      },
      { name: 'latest value of 10k tags', value: +median(lat).toFixed(2), unit: 'ms' },
      {
        name: `30-day min/max/first/last trend, ${buckets} buckets over ${(n / 1e6).toFixed(2)}M values`,
        value: +median(times).toFixed(1),
        unit: 'ms',
        baseline: 300,
        ratio: +(median(times) / 300).toFixed(3),
      },
      {
        name: `same trend in ${aligned.bucketMs / 60_000}-minute buckets (${alignedBuckets}, minute-aligned: rollups only)`,
        value: +median(alignedTimes).toFixed(1),
        unit: 'ms',
        baseline: 300,
        ratio: +(median(alignedTimes) / 300).toFixed(3),
      },
      {
        name: '30-day avg/twa/count trend (same buckets as the first)',
        value: +median(twaTimes).toFixed(1),
        unit: 'ms',
      },
      {
        name: 'database size per value (tables + indexes + rollups)',
        value: +(bytes / total).toFixed(1),
        unit: 'B/value',
      },
    ];
  } finally {
    const c = new pg.Client({ connectionString: cs });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await c.end();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const t = performance.now();
  const results = await benchPostgresHistorian();
  console.table(results);
  console.log(`bench took ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
