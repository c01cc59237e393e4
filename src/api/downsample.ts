import type { AggregateBucket } from '../historian/types.js';

/** A downsampled series ready to plot: parallel arrays, `v[i] === null` breaks the line at `t[i]`. */
export interface TrendSeries {
  /** Epoch milliseconds, non-decreasing. */
  t: number[];
  v: (number | null)[];
}

export interface DownsampleOptions {
  /** Bucket width in ms (the buckets' `ts` are their starts). */
  bucketMs: number;
  /**
   * A stretch with no sample at all longer than this is drawn as a gap. Unset: empty stretches are
   * not gaps, because OPC UA subscriptions report by exception (a value that holds sends nothing;
   * OPC UA Part 4, 5.12.1.2) and lost connections are recorded as Bad gap markers anyway.
   */
  maxGapMs?: number;
}

/**
 * M4 downsampling (Jugel et al., VLDB 2014) from the historian's per-bucket aggregates: each pixel
 * bucket contributes its first, min, max and last Good value, so every peak and every edge of the
 * raw series is drawn exactly at pixel resolution, with at most 4 points per bucket.
 *
 * The historian gives the timestamps of first and last but not of min and max, so min and max are
 * placed between them, in the order that follows the bucket's direction (min first when it rises);
 * at pixel width the vertical extent is what the eye sees, and that is exact.
 *
 * Quality: aggregates hold Good samples only. A bucket that also holds Uncertain or Bad samples
 * (e.g. a `BadNoCommunication` gap marker written when a connection was lost) is cut off from both
 * neighbours with a `null` on each side, and a bucket with only such samples is a `null`: gaps and Bad
 * quality are drawn as gaps and never interpolated across.
 */
export function downsampleBuckets(buckets: readonly AggregateBucket[], opts: DownsampleOptions): TrendSeries {
  const t: number[] = [];
  const v: (number | null)[] = [];
  const gap = (ts: number) => {
    if (v.length > 0 && v[v.length - 1] === null) return;
    if (t.length > 0 && ts < (t[t.length - 1] as number)) ts = t[t.length - 1] as number;
    t.push(ts);
    v.push(null);
  };
  const point = (ts: number, value: number) => {
    const n = t.length;
    // A point equal in time and value to the previous one adds nothing.
    if (n > 0 && t[n - 1] === ts && v[n - 1] === value) return;
    t.push(ts);
    v.push(value);
  };
  let lastGoodTs: number | undefined;

  for (const b of buckets) {
    const good = b.count > 0 && b.min != null && b.max != null;
    if (!good) {
      if (b.badCount > 0) gap(b.ts);
      continue;
    }
    const firstTs = b.firstTs ?? b.ts;
    const lastTs = b.lastTs ?? firstTs;
    if (b.badCount > 0) gap(b.ts);
    else if (opts.maxGapMs !== undefined && lastGoodTs !== undefined && firstTs - lastGoodTs > opts.maxGapMs) {
      gap(lastGoodTs + (firstTs - lastGoodTs) / 2);
    }
    const first = b.first ?? (b.min as number);
    const last = b.last ?? (b.max as number);
    const min = b.min as number;
    const max = b.max as number;
    point(firstTs, first);
    if (lastTs > firstTs) {
      const third = (lastTs - firstTs) / 3;
      const [a, c] = last >= first ? [min, max] : [max, min];
      if (a !== first) point(firstTs + third, a);
      if (c !== last) point(firstTs + 2 * third, c);
      point(lastTs, last);
    } else if (min !== max) {
      // Several samples with the same timestamp: draw the span as a vertical bar.
      point(firstTs, min === first ? max : min);
      point(firstTs, last);
    }
    lastGoodTs = lastTs;
    if (b.badCount > 0) gap(Math.min(lastTs + 0.5, b.ts + opts.bucketMs));
  }
  return { t, v };
}

/** How many buckets to ask for so the M4 series (≤ 4 points per bucket, plus carry-in/out) stays ≤ maxPoints. */
export function bucketsFor(maxPoints: number): number {
  return Math.max(1, Math.floor((maxPoints - 2) / 4));
}
