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

/** Columns for `n` rows, zero-filled, no text values. */
export function emptyColumns(n: number): Columns {
  return {
    n,
    ts: new Float64Array(n),
    serverTs: new Float64Array(n),
    value: new Float64Array(n),
    status: new Uint32Array(n),
    text: undefined,
  };
}

/** OPC UA Part 4, 7.39: the top two bits of a StatusCode are its severity; 00 = Good. */
export function isGood(status: number): boolean {
  return status >>> 30 === 0;
}

/**
 * The rows of one generation (the open one, or the one being sealed) for all of its tags, in arrival
 * order, in one set of growing columns. A tag with rows in the generation owns a slot that links its
 * rows (head → next → … → tail), so a tag costs a few integers here rather than buffers of its own:
 * each typed array costs ≈ 300 bytes before its first value (the view, its ArrayBuffer and the
 * native backing store), which at 100k tags was over 1 KB per tag.
 */
export class RowArena {
  /** Rows held, over all slots. */
  rows = 0;
  /** Slots handed out; slot numbers are 0 … slots - 1, in the order their first row arrived. */
  slots = 0;
  private ts: Float64Array;
  private serverTs: Float64Array;
  private value: Float64Array;
  private status: Uint32Array;
  /** Row → the next row of the same slot (-1 after the last). */
  private next: Int32Array;
  /** Sparse: row → string value. */
  private text: Map<number, string> | undefined;
  /** Per slot: the number the caller gave `addSlot` (who owns the rows). */
  owner: Int32Array;
  private head: Int32Array;
  private tail: Int32Array;
  private count: Int32Array;
  /** Per slot: 1 once a row arrived with a timestamp before the previous row's. */
  private unsorted: Uint8Array;

  constructor(rowCapacity = 1024, slotCapacity = 256) {
    const r = Math.max(1, rowCapacity);
    const c = Math.max(1, slotCapacity);
    this.ts = new Float64Array(r);
    this.serverTs = new Float64Array(r);
    this.value = new Float64Array(r);
    this.status = new Uint32Array(r);
    this.next = new Int32Array(r);
    this.owner = new Int32Array(c);
    this.head = new Int32Array(c);
    this.tail = new Int32Array(c);
    this.count = new Int32Array(c);
    this.unsorted = new Uint8Array(c);
  }

  /** A new, empty slot for `owner`; returns its number. */
  addSlot(owner: number): number {
    const k = this.slots;
    if (k === this.owner.length) this.growSlots();
    this.owner[k] = owner;
    this.head[k] = -1;
    this.tail[k] = -1;
    this.slots = k + 1;
    return k;
  }

  push(slot: number, ts: number, serverTs: number, value: number, status: number, text: string | undefined): void {
    const i = this.rows;
    if (i === this.ts.length) this.growRows();
    this.ts[i] = ts;
    this.serverTs[i] = serverTs;
    this.value[i] = value;
    this.status[i] = status;
    this.next[i] = -1;
    if (text !== undefined) {
      if (this.text === undefined) this.text = new Map();
      this.text.set(i, text);
    }
    const prev = this.tail[slot] as number;
    if (prev < 0) this.head[slot] = i;
    else {
      this.next[prev] = i;
      if (ts < (this.ts[prev] as number)) this.unsorted[slot] = 1;
    }
    this.tail[slot] = i;
    this.count[slot] = (this.count[slot] as number) + 1;
    this.rows = i + 1;
  }

  /** Rows held by the slot. */
  rowsOf(slot: number): number {
    return this.count[slot] as number;
  }

  /**
   * The slot's rows in time order (stable for equal timestamps), copied into new columns, or into
   * `into` (grown when too small; its arrays may then be longer than `n`) to spare the allocations
   * when the caller is done with the previous slot's columns.
   */
  columns(slot: number, into?: Columns): Columns {
    const n = this.count[slot] as number;
    const out = into === undefined ? emptyColumns(n) : reuse(into, n);
    const text = this.text;
    let j = this.head[slot] as number;
    for (let k = 0; k < n; k++) {
      out.ts[k] = this.ts[j] as number;
      out.serverTs[k] = this.serverTs[j] as number;
      out.value[k] = this.value[j] as number;
      out.status[k] = this.status[j] as number;
      if (text !== undefined) {
        const t = text.get(j);
        if (t !== undefined) {
          if (out.text === undefined) out.text = new Map();
          out.text.set(k, t);
        }
      }
      j = this.next[j] as number;
    }
    return this.unsorted[slot] === 1 ? sortColumns(out) : out;
  }

  private growRows(): void {
    const c = this.ts.length * 2;
    this.ts = grown(new Float64Array(c), this.ts);
    this.serverTs = grown(new Float64Array(c), this.serverTs);
    this.value = grown(new Float64Array(c), this.value);
    this.status = grown(new Uint32Array(c), this.status);
    this.next = grown(new Int32Array(c), this.next);
  }

  private growSlots(): void {
    const c = this.owner.length * 2;
    this.owner = grown(new Int32Array(c), this.owner);
    this.head = grown(new Int32Array(c), this.head);
    this.tail = grown(new Int32Array(c), this.tail);
    this.count = grown(new Int32Array(c), this.count);
    this.unsorted = grown(new Uint8Array(c), this.unsorted);
  }
}

/** `c` emptied for `n` rows: its arrays kept when long enough, else replaced by larger ones. */
function reuse(c: Columns, n: number): Columns {
  if (c.ts.length < n) Object.assign(c, emptyColumns(Math.max(n, c.ts.length * 2)));
  c.n = n;
  c.text = undefined;
  return c;
}

/** `src` copied into the start of `dst` (a larger array of the same kind), for growing columns. */
export function grown<T extends Float64Array | Uint32Array | Int32Array | Uint8Array>(dst: T, src: T): T {
  dst.set(src);
  return dst;
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
  const out = emptyColumns(n);
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
