/**
 * Per-tag columnar series, in memory: what a chunk decodes to and what the open (not yet sealed)
 * buffers hold. Rows are in time order unless `sorted` says otherwise.
 */
export interface Columns {
  n: number;
  ts: Float64Array;
  serverTs: Float64Array;
  /** NaN = no value or a string (see `text`). */
  value: Float64Array;
  status: Uint32Array;
  /** Sparse: row index → string value. */
  text: Map<number, string> | undefined;
}

/** OPC UA Part 4, 7.39: the top two bits of a StatusCode are its severity; 00 = Good. */
export function isGood(status: number): boolean {
  return status >>> 30 === 0;
}

/** A growing per-tag buffer of rows in arrival order. */
export class TagBuffer implements Columns {
  n = 0;
  ts: Float64Array;
  serverTs: Float64Array;
  value: Float64Array;
  status: Uint32Array;
  text: Map<number, string> | undefined;
  /** False once a row arrived with a timestamp before the previous row's. */
  sorted = true;
  private sortedCopy: Columns | undefined;

  constructor(capacity = 16) {
    this.ts = new Float64Array(capacity);
    this.serverTs = new Float64Array(capacity);
    this.value = new Float64Array(capacity);
    this.status = new Uint32Array(capacity);
  }

  push(ts: number, serverTs: number, value: number, status: number, text: string | undefined): void {
    let i = this.n;
    if (i === this.ts.length) this.grow();
    if (i > 0 && ts < (this.ts[i - 1] as number)) this.sorted = false;
    this.ts[i] = ts;
    this.serverTs[i] = serverTs;
    this.value[i] = value;
    this.status[i] = status;
    if (text !== undefined) {
      if (this.text === undefined) this.text = new Map();
      this.text.set(i, text);
    }
    this.n = ++i;
    this.sortedCopy = undefined;
  }

  /** The rows in time order (stable for equal timestamps): this buffer itself, or a cached sorted copy. */
  inOrder(): Columns {
    if (this.sorted) return this;
    if (this.sortedCopy === undefined) this.sortedCopy = sortColumns(this);
    return this.sortedCopy;
  }

  private grow(): void {
    const c = this.ts.length * 2;
    const ts = new Float64Array(c);
    ts.set(this.ts);
    this.ts = ts;
    const sts = new Float64Array(c);
    sts.set(this.serverTs);
    this.serverTs = sts;
    const v = new Float64Array(c);
    v.set(this.value);
    this.value = v;
    const st = new Uint32Array(c);
    st.set(this.status);
    this.status = st;
  }
}

/** A stable sort by timestamp into new arrays. */
export function sortColumns(c: Columns): Columns {
  const order = new Uint32Array(c.n);
  for (let i = 0; i < c.n; i++) order[i] = i;
  const ts = c.ts;
  order.sort((a, b) => (ts[a] as number) - (ts[b] as number) || a - b);
  return permute(c, order);
}

function permute(c: Columns, order: Uint32Array): Columns {
  const n = order.length;
  const out: Columns = {
    n,
    ts: new Float64Array(n),
    serverTs: new Float64Array(n),
    value: new Float64Array(n),
    status: new Uint32Array(n),
    text: undefined,
  };
  for (let i = 0; i < n; i++) {
    const j = order[i] as number;
    out.ts[i] = c.ts[j] as number;
    out.serverTs[i] = c.serverTs[j] as number;
    out.value[i] = c.value[j] as number;
    out.status[i] = c.status[j] as number;
    const t = c.text?.get(j);
    if (t !== undefined) {
      if (out.text === undefined) out.text = new Map();
      out.text.set(i, t);
    }
  }
  return out;
}

/** Concatenates series (in the given order) and sorts the result stably by time. */
export function mergeColumns(parts: readonly Columns[]): Columns {
  let n = 0;
  for (const p of parts) n += p.n;
  const all: Columns = {
    n,
    ts: new Float64Array(n),
    serverTs: new Float64Array(n),
    value: new Float64Array(n),
    status: new Uint32Array(n),
    text: undefined,
  };
  let o = 0;
  for (const p of parts) {
    all.ts.set(p.ts.subarray(0, p.n), o);
    all.serverTs.set(p.serverTs.subarray(0, p.n), o);
    all.value.set(p.value.subarray(0, p.n), o);
    all.status.set(p.status.subarray(0, p.n), o);
    if (p.text) {
      if (all.text === undefined) all.text = new Map();
      for (const [i, t] of p.text) all.text.set(o + i, t);
    }
    o += p.n;
  }
  return sortColumns(all);
}

/** First index i with ts[i] >= t (binary search; `c` must be in time order). */
export function lowerBound(c: Columns, t: number): number {
  let lo = 0;
  let hi = c.n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((c.ts[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
