/**
 * The one message format from source to store.
 *
 * Values travel in columnar batches rather than one object per value: the OPC UA hot path appends
 * to typed arrays, so a batch of a thousand notifications costs a handful of allocations, not a
 * thousand. A batch is immutable once handed to `Sink.write`; sinks may keep a reference to it.
 *
 * Each row carries: the tag's numeric key (see `TagCatalog`), the source timestamp and the server
 * timestamp (epoch milliseconds, as OPC UA Part 4, 7.7 DataValue defines them), the value and the
 * OPC UA StatusCode (the full 32-bit code, never a boolean "good").
 *
 * Values: numbers and booleans (1/0) go in `value`; strings go in `text` with `value` = NaN.
 * A row with no value (for example a Bad-quality gap marker) has `value` = NaN and no text.
 */
export class SampleBatch {
  length = 0;
  tagKey: Uint32Array;
  sourceTs: Float64Array;
  serverTs: Float64Array;
  value: Float64Array;
  status: Uint32Array;
  /** Sparse: only rows holding a string value have an entry. */
  text: Map<number, string> | undefined;

  constructor(capacity = 256) {
    const c = Math.max(1, capacity);
    this.tagKey = new Uint32Array(c);
    this.sourceTs = new Float64Array(c);
    this.serverTs = new Float64Array(c);
    this.value = new Float64Array(c);
    this.status = new Uint32Array(c);
  }

  /** Appends a numeric (or boolean as 1/0, or NaN for "no value") row. */
  push(tagKey: number, sourceTs: number, serverTs: number, value: number, status: number): void {
    if (this.length === this.tagKey.length) this.grow();
    const i = this.length++;
    this.tagKey[i] = tagKey;
    this.sourceTs[i] = sourceTs;
    this.serverTs[i] = serverTs;
    this.value[i] = value;
    this.status[i] = status;
  }

  /** Appends a string-valued row. */
  pushText(tagKey: number, sourceTs: number, serverTs: number, text: string, status: number): void {
    const i = this.length;
    this.push(tagKey, sourceTs, serverTs, Number.NaN, status);
    if (this.text === undefined) this.text = new Map();
    this.text.set(i, text);
  }

  /** The row's value as the caller would see it: number, string, or null for "no value". */
  valueAt(i: number): number | string | null {
    const t = this.text?.get(i);
    if (t !== undefined) return t;
    const v = this.value[i] as number;
    return Number.isNaN(v) ? null : v;
  }

  private grow(): void {
    const c = this.tagKey.length * 2;
    this.tagKey = copyInto(new Uint32Array(c), this.tagKey);
    this.sourceTs = copyInto(new Float64Array(c), this.sourceTs);
    this.serverTs = copyInto(new Float64Array(c), this.serverTs);
    this.value = copyInto(new Float64Array(c), this.value);
    this.status = copyInto(new Uint32Array(c), this.status);
  }
}

function copyInto<T extends Uint32Array | Float64Array>(dst: T, src: T): T {
  dst.set(src);
  return dst;
}

/** A single value, as the API returns it. */
export interface Sample {
  tagId: string;
  value: number | string | boolean | null;
  sourceTimestamp: string;
  serverTimestamp: string;
  statusCode: number;
  status: string;
}
