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
import { analogBatches, type BenchResult, T0, timed, trendQuery, write1Hz } from './series.js';

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
        s.push((b.status[i] as number) | 0); // a StatusCode is a UInt32, the column an int4, as in the historian
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
    const batches = analogBatches(tags, 150, 2000, 1);
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
    const lat = await timed(9, async () => {
      const got = await h.latest(keys);
      if (got.length !== 10_000) throw new Error(`latest returned ${got.length} values`);
    });

    // 3. 30 days of one 1 Hz tag, then the downsampled trend (1000 buckets of min/max/first/last).
    const n = Math.round(30 * 86_400 * scale);
    const trendWriteRate = await write1Hz(h, 1_000_000, n, 50_000);
    const q = trendQuery(1_000_000, n);
    const trend = await timed(7, () => h.aggregate(q));
    // The same span in minute-multiple buckets (what a dashboard asks for): rollups only, no raw rows.
    const aligned = { ...q, bucketMs: Math.max(60_000, Math.floor(q.bucketMs / 60_000) * 60_000) };
    const alignedTrend = await timed(7, () => h.aggregate(aligned));
    const twa = await timed(5, () => h.aggregate({ ...q, fns: ['avg', 'twa', 'count'] }));
    const bytes = h.stats().diskBytes;
    await h.close();
    const inserted = batches.reduce((s, x) => s + x.length, 0);
    const total = inserted + 10_000 + n;
    return [
      {
        name: `PostgreSQL: batch insert (${tags} tags, ${(inserted / 1e6).toFixed(2)}M values; idempotent + rollup + latest)`,
        value: Math.round(rate),
        unit: 'values/s',
        baseline: Math.round(base),
        // our time ÷ baseline time (plain INSERT FROM unnest, same primary key) for the same values
        ratio: +(base / rate).toFixed(3),
      },
      {
        name: 'PostgreSQL: insert rate while loading the 30-day series (one tag)',
        value: Math.round(trendWriteRate),
        unit: 'values/s',
      },
      { name: 'PostgreSQL: latest value of 10k tags', value: +lat.ms.toFixed(2), unit: 'ms' },
      {
        name: `PostgreSQL: 30-day min/max/first/last trend, ${trend.result.length} buckets over ${(n / 1e6).toFixed(2)}M values`,
        value: +trend.ms.toFixed(1),
        unit: 'ms',
        baseline: 300,
        ratio: +(trend.ms / 300).toFixed(3),
      },
      {
        name: `PostgreSQL: same trend in ${aligned.bucketMs / 60_000}-minute buckets (${alignedTrend.result.length}, minute-aligned: rollups only)`,
        value: +alignedTrend.ms.toFixed(1),
        unit: 'ms',
        baseline: 300,
        ratio: +(alignedTrend.ms / 300).toFixed(3),
      },
      {
        name: 'PostgreSQL: 30-day avg/twa/count trend (same buckets as the first)',
        value: +twa.ms.toFixed(1),
        unit: 'ms',
      },
      {
        name: 'PostgreSQL: database size per value (tables + indexes + rollups)',
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
