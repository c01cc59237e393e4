import type { ChunkSummary } from './chunkCodec.js';
import { isGood } from './columns.js';
import type { AggregateBucket, AggregateFn } from './types.js';

/**
 * Accumulates samples (in time order) into fixed buckets aligned to `from`.
 *
 * Only Good samples with a numeric value enter min/max/avg/twa/first/last/count; Uncertain and Bad
 * ones are counted in `badCount` (OPC UA Part 13 calls them non-good). Good rows without a numeric
 * value (strings, gap markers) enter neither.
 *
 * twa uses step interpolation: a good value holds until the next sample of any status, cut at the
 * end of its bucket (and at `to` for the last sample of the range); intervals after a non-good sample
 * are left out, so twa = Σ v·Δt / Σ Δt over good intervals. A bucket whose good intervals sum to 0
 * (e.g. one sample followed at once by another) reports the plain average.
 */
export class BucketAccumulator {
  readonly n: number;
  private readonly count: Float64Array;
  private readonly bad: Float64Array;
  private readonly min: Float64Array;
  private readonly max: Float64Array;
  private readonly sum: Float64Array;
  private readonly first: Float64Array;
  private readonly firstTs: Float64Array;
  private readonly last: Float64Array;
  private readonly lastTs: Float64Array;
  private readonly integral: Float64Array;
  private readonly dur: Float64Array;
  /** The previous sample, whose twa interval is still open. */
  private pendingT = 0;
  private pendingV = Number.NaN;
  private pendingB = -1;

  constructor(
    readonly from: number,
    readonly to: number,
    readonly bucketMs: number,
  ) {
    this.n = Math.max(0, Math.ceil((to - from) / bucketMs));
    const n = this.n;
    this.count = new Float64Array(n);
    this.bad = new Float64Array(n);
    this.min = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
    this.max = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
    this.sum = new Float64Array(n);
    this.first = new Float64Array(n);
    this.firstTs = new Float64Array(n);
    this.last = new Float64Array(n);
    this.lastTs = new Float64Array(n);
    this.integral = new Float64Array(n);
    this.dur = new Float64Array(n);
  }

  bucketOf(t: number): number {
    return Math.floor((t - this.from) / this.bucketMs);
  }

  private bucketEnd(b: number): number {
    return Math.min(this.from + (b + 1) * this.bucketMs, this.to);
  }

  private closePending(t: number): void {
    const b = this.pendingB;
    if (b < 0) return;
    const v = this.pendingV;
    if (!Number.isNaN(v)) {
      const end = Math.min(t, this.bucketEnd(b));
      const dt = end - this.pendingT;
      if (dt > 0) {
        this.integral[b] = (this.integral[b] as number) + v * dt;
        this.dur[b] = (this.dur[b] as number) + dt;
      }
    }
    this.pendingB = -1;
  }

  /** One sample with from ≤ t < to. */
  add(t: number, v: number, status: number): void {
    const b = this.bucketOf(t);
    this.closePending(t);
    this.pendingT = t;
    this.pendingB = b;
    if (!isGood(status)) {
      this.bad[b] = (this.bad[b] as number) + 1;
      this.pendingV = Number.NaN;
      return;
    }
    this.pendingV = v;
    if (Number.isNaN(v)) return;
    const c = this.count[b] as number;
    if (c === 0) {
      this.first[b] = v;
      this.firstTs[b] = t;
    }
    this.count[b] = c + 1;
    if (v < (this.min[b] as number)) this.min[b] = v;
    if (v > (this.max[b] as number)) this.max[b] = v;
    this.sum[b] = (this.sum[b] as number) + v;
    this.last[b] = v;
    this.lastTs[b] = t;
  }

  /** A whole chunk that lies inside bucket `b` (and inside [from, to)). */
  addSummary(s: ChunkSummary, b: number): void {
    this.closePending(s.tStart);
    this.bad[b] = (this.bad[b] as number) + s.nBad;
    if (s.nGood > 0) {
      const c = this.count[b] as number;
      if (c === 0) {
        this.first[b] = s.first;
        this.firstTs[b] = s.firstTs;
      }
      this.count[b] = c + s.nGood;
      if (s.min < (this.min[b] as number)) this.min[b] = s.min;
      if (s.max > (this.max[b] as number)) this.max[b] = s.max;
      this.sum[b] = (this.sum[b] as number) + s.sum;
      this.last[b] = s.last;
      this.lastTs[b] = s.lastTs;
      this.integral[b] = (this.integral[b] as number) + s.integral;
      this.dur[b] = (this.dur[b] as number) + s.dur;
    }
    this.pendingT = s.tEnd;
    this.pendingV = s.tail;
    this.pendingB = b;
  }

  result(fns: readonly AggregateFn[]): AggregateBucket[] {
    this.closePending(this.to);
    const want = new Set(fns);
    const out: AggregateBucket[] = new Array(this.n);
    for (let b = 0; b < this.n; b++) {
      const c = this.count[b] as number;
      const has = c > 0;
      const bucket: AggregateBucket = { ts: this.from + b * this.bucketMs, count: c, badCount: this.bad[b] as number };
      if (want.has('min')) bucket.min = has ? (this.min[b] as number) : null;
      if (want.has('max')) bucket.max = has ? (this.max[b] as number) : null;
      if (want.has('avg')) bucket.avg = has ? (this.sum[b] as number) / c : null;
      if (want.has('twa')) {
        const d = this.dur[b] as number;
        bucket.twa = !has ? null : d > 0 ? (this.integral[b] as number) / d : (this.sum[b] as number) / c;
      }
      if (want.has('first')) bucket.first = has ? (this.first[b] as number) : null;
      if (want.has('last')) bucket.last = has ? (this.last[b] as number) : null;
      bucket.firstTs = has ? (this.firstTs[b] as number) : null;
      bucket.lastTs = has ? (this.lastTs[b] as number) : null;
      out[b] = bucket;
    }
    return out;
  }
}
