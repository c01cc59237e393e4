/**
 * What the historian benchmarks (SQLite and PostgreSQL) share: the result row, deterministic analog
 * data as an OPC UA subscription delivers it, the 30-day 1 Hz series and its downsampled trend query.
 */
import { createRng } from '../src/analytics/pdm/prng.js';
import type { AggregateQuery } from '../src/historian/index.js';
import { SampleBatch } from '../src/model/sample.js';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baseline?: number;
  ratio?: number;
}

export const T0 = Date.UTC(2026, 0, 1);

/**
 * Realistic analog data as an OPC UA subscription delivers it: each tag sampled at 1 Hz, values with
 * 0.1 resolution (a noisy random walk around a set point), source timestamps with a few ms jitter,
 * server timestamps a few ms later, nearly always Good. Batches hold one publish of `perBatch` values.
 */
export function analogBatches(tags: number, seconds: number, perBatch: number, seed: number): SampleBatch[] {
  const r = createRng(seed);
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

interface Writable {
  write(batch: SampleBatch): void;
  flush(): Promise<void>;
}

/**
 * `n` seconds of one 1 Hz tag from T0 (a noisy random walk, 0.1 resolution) written to `h` in
 * batches of 10k, flushed about every `flushEvery` values; returns the write rate in values/s.
 */
export async function write1Hz(h: Writable, tagKey: number, n: number, flushEvery: number): Promise<number> {
  const r = createRng(11);
  let level = 50;
  let b = new SampleBatch(10_000);
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    level += (r() - 0.5) * 0.4;
    const ts = T0 + i * 1000;
    b.push(tagKey, ts, ts + 2, Math.round((level + (r() - 0.5) * 0.6) * 10) / 10, 0);
    if (b.length === 10_000) {
      h.write(b);
      b = new SampleBatch(10_000);
      if (i % flushEvery < 10_000) await h.flush();
    }
  }
  h.write(b);
  await h.flush();
  return n / ((performance.now() - t) / 1000);
}

/** The downsampled trend of what `write1Hz` wrote: 1000 buckets of min/max/first/last over the span. */
export function trendQuery(tagKey: number, n: number): AggregateQuery {
  const span = n * 1000;
  return { tagKey, from: T0, to: T0 + span, bucketMs: Math.ceil(span / 1000), fns: ['min', 'max', 'first', 'last'] };
}

/** Runs `f` `times` times; the median ms and the last result. */
export async function timed<T>(times: number, f: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const ms: number[] = [];
  let result: T | undefined;
  for (let k = 0; k < times; k++) {
    const t = performance.now();
    result = await f();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { ms: ms[Math.floor(ms.length / 2)] as number, result: result as T };
}
