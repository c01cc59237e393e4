import { grown } from './columns.js';

/**
 * What the historian holds in memory per tag key, as columns indexed by a dense tag index (handed
 * out in order of first sight): the newest stored value and the tag's slots in the open and the
 * sealing generation's `RowArena`. At 100k tags an object per tag (with its boxed doubles) cost
 * ≈ 150 bytes; here a tag costs ≈ 40 bytes plus its entry in the key → index map.
 */
const DENSE_KEYS = 1 << 24;

export class TagStates {
  /** Tags known, = the next index. */
  size = 0;
  /**
   * Key → index + 1 (0 = unseen) for keys below DENSE_KEYS: tag keys are SQLite row ids, dense from
   * 1, and this lookup runs once per stored value (a Map lookup was ≈ 1 % of the hub's ingest CPU).
   * Larger keys go through `sparse`.
   */
  private dense = new Int32Array(1024);
  private readonly sparse = new Map<number, number>();
  /** Per index: the tag key (as in sample batches). */
  key: Uint32Array;
  /** Per index: 1 once a newest value is known. */
  hasLatest: Uint8Array;
  latestTs: Float64Array;
  latestServerTs: Float64Array;
  /** NaN = no value or a string (see `latestText`). */
  latestValue: Float64Array;
  latestStatus: Uint32Array;
  /** Sparse: index → the newest value when it is a string. */
  readonly latestText = new Map<number, string>();
  /** Per index: the tag's slot in the open generation's arena, -1 when it has no rows there. */
  open: Int32Array;
  /** Per index: the tag's slot in the sealing generation's arena, -1 when none. */
  sealing: Int32Array;

  constructor(capacity = 1024) {
    const c = Math.max(1, capacity);
    this.key = new Uint32Array(c);
    this.hasLatest = new Uint8Array(c);
    this.latestTs = new Float64Array(c);
    this.latestServerTs = new Float64Array(c);
    this.latestValue = new Float64Array(c);
    this.latestStatus = new Uint32Array(c);
    this.open = new Int32Array(c);
    this.sealing = new Int32Array(c);
  }

  /** The tag's index, or -1 when the key was never seen. */
  find(key: number): number {
    if (key < DENSE_KEYS) return key < this.dense.length ? (this.dense[key] as number) - 1 : -1;
    return this.sparse.get(key) ?? -1;
  }

  /** The tag's index, adding the tag (no latest value, no slots) when the key is new. */
  indexOf(key: number): number {
    const i = this.find(key);
    if (i >= 0) return i;
    const n = this.size;
    if (n === this.key.length) this.grow();
    this.key[n] = key;
    this.hasLatest[n] = 0;
    this.latestTs[n] = Number.NEGATIVE_INFINITY;
    this.latestServerTs[n] = 0;
    this.latestValue[n] = Number.NaN;
    this.latestStatus[n] = 0;
    this.open[n] = -1;
    this.sealing[n] = -1;
    if (key < DENSE_KEYS) {
      if (key >= this.dense.length) {
        let c = this.dense.length;
        while (c <= key) c *= 2;
        this.dense = grown(new Int32Array(c), this.dense);
      }
      this.dense[key] = n + 1;
    } else {
      this.sparse.set(key, n);
    }
    this.size = n + 1;
    return n;
  }

  /** Keeps the value as the tag's newest unless an older timestamp than the current newest. */
  offerLatest(i: number, ts: number, serverTs: number, value: number, status: number, text: string | undefined): void {
    if (ts < (this.latestTs[i] as number)) return;
    this.hasLatest[i] = 1;
    this.latestTs[i] = ts;
    this.latestServerTs[i] = serverTs;
    this.latestValue[i] = value;
    this.latestStatus[i] = status;
    if (text !== undefined) this.latestText.set(i, text);
    else if (this.latestText.size > 0) this.latestText.delete(i);
  }

  /** The tag keys seen, in order of first sight. */
  keys(): IterableIterator<number> {
    return this.key.subarray(0, this.size).values();
  }

  private grow(): void {
    const c = this.key.length * 2;
    this.key = grown(new Uint32Array(c), this.key);
    this.hasLatest = grown(new Uint8Array(c), this.hasLatest);
    this.latestTs = grown(new Float64Array(c), this.latestTs);
    this.latestServerTs = grown(new Float64Array(c), this.latestServerTs);
    this.latestValue = grown(new Float64Array(c), this.latestValue);
    this.latestStatus = grown(new Uint32Array(c), this.latestStatus);
    this.open = grown(new Int32Array(c), this.open);
    this.sealing = grown(new Int32Array(c), this.sealing);
  }
}
