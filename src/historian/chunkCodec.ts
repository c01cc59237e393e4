import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { ByteReader, ByteWriter } from './bytes.js';
import { type Columns, emptyColumns, isGood } from './columns.js';

/**
 * The chunk body: one tag's rows over a time span, compressed column by column.
 *
 *   u8 format (1) · u8 container (0 plain, 1 deflateRaw of what follows)
 *   u8 flags · uvar n
 *   source timestamps: delta-of-delta zero-run stream (integer ms) | n × f64 (flag TS_RAW)
 *   server timestamps: zero-run stream of the delta of (serverTs − ts) | n × f64 (flag SERVER_RAW)
 *   status: uvar runs · runs × (uvar status, uvar length)
 *   no-value mask: uvar runs · runs × uvar length, alternating present/absent, starting with present
 *   values (present ones only): VALUES_DECIMAL: u8 k · uvar exceptions · exceptions × (uvar index
 *                                delta, f64 value) · zero-run stream of deltas of round(v·10^k)
 *                              VALUES_XOR: per value a header byte and the non-zero bytes of the XOR
 *                              with the previous value's bits (a byte-aligned Gorilla)
 *   text (flag TEXT): uvar count · count × (uvar row delta, uvar length, UTF-8)
 *
 * Every encoding is exact: a mode is only chosen when the decoded values are verified bit-identical
 * (−0, infinities and non-integer timestamps fall back to the raw forms).
 */
export const CHUNK_FORMAT = 1;

const CONTAINER_PLAIN = 0;
const CONTAINER_DEFLATE = 1;

const TS_RAW = 1;
const SERVER_RAW = 2;
const VALUES_SHIFT = 2;
const VALUES_NONE = 0;
const VALUES_DECIMAL = 1;
const VALUES_XOR = 2;
const TEXT = 16;

/** Integers up to this magnitude keep every delta-of-delta exact after zigzag (< 2^53). */
const SAFE_INT = 2 ** 49;
const MAX_DECIMALS = 6;

export type ChunkCompression = 'none' | 'deflate';

/**
 * Smaller chunk bodies stay plain even with `deflate`: one zlib call costs ≈ 10 µs whatever the
 * size, which on a chunk of ≈ 30 values (100k tags sealed every 1M values) was ≈ 1 µs per value,
 * more than a third of the hub's ingest cost, to save ≈ 0.3 B per value. From ≈ 100 values up the
 * saving is ≈ 1 B per value (≈ 45 %) at ≈ 0.15 µs per value.
 */
export const DEFLATE_MIN_BYTES = 256;

export interface ChunkSummary {
  tStart: number;
  tEnd: number;
  n: number;
  /** Good samples with a numeric value: they alone enter aggregates. */
  nGood: number;
  /** Uncertain or Bad samples. */
  nBad: number;
  min: number;
  max: number;
  sum: number;
  first: number;
  firstTs: number;
  last: number;
  lastTs: number;
  /** Σ v·Δt over good numeric samples followed by another sample in the chunk (step interpolation). */
  integral: number;
  /** Σ Δt of the same intervals. */
  dur: number;
  /** Value of the chunk's final row when it is good and numeric, else NaN (its interval ends in the next chunk). */
  tail: number;
}

const f64Scratch = new Float64Array(1);
const u32Scratch = new Uint32Array(f64Scratch.buffer);

export function summarize(c: Columns, start: number, end: number): ChunkSummary {
  const s: ChunkSummary = {
    tStart: c.ts[start] as number,
    tEnd: c.ts[end - 1] as number,
    n: end - start,
    nGood: 0,
    nBad: 0,
    min: Number.NaN,
    max: Number.NaN,
    sum: 0,
    first: Number.NaN,
    firstTs: Number.NaN,
    last: Number.NaN,
    lastTs: Number.NaN,
    integral: 0,
    dur: 0,
    tail: Number.NaN,
  };
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = start; i < end; i++) {
    const st = c.status[i] as number;
    const v = c.value[i] as number;
    const t = c.ts[i] as number;
    if (!isGood(st)) {
      s.nBad++;
      continue;
    }
    if (Number.isNaN(v)) continue;
    if (s.nGood++ === 0) {
      s.first = v;
      s.firstTs = t;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    s.sum += v;
    s.last = v;
    s.lastTs = t;
    if (i + 1 < end) {
      const dt = (c.ts[i + 1] as number) - t;
      s.integral += v * dt;
      s.dur += dt;
    } else {
      s.tail = v;
    }
  }
  if (s.nGood > 0) {
    s.min = min;
    s.max = max;
  }
  return s;
}

function intSeries(a: Float64Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const t = a[i] as number;
    if (!(t === Math.floor(t) && t <= SAFE_INT && t >= -SAFE_INT)) return false;
  }
  return true;
}

/**
 * The smallest k ≤ 6 such that present values are round(v·10^k)/10^k; values that fit no k ≤ 6 are
 * left to the exception list (see `fillScaled`), so one odd value does not spoil a chunk.
 */
function decimalScale(c: Columns, start: number, end: number): number {
  let k = 0;
  let p = 1;
  for (let i = start; i < end; i++) {
    const v = c.value[i] as number;
    if (Number.isNaN(v) || Math.round(v * p) / p === v) continue;
    let kk = k + 1;
    let pp = p * 10;
    while (kk <= MAX_DECIMALS && Math.round(v * pp) / pp !== v) {
      kk++;
      pp *= 10;
    }
    if (kk <= MAX_DECIMALS) {
      k = kk;
      p = pp;
    }
  }
  return k;
}

/** Encodes rows [start, end) of `c` (which must be in time order) as one chunk body. */
export function encodeChunk(
  c: Columns,
  start: number,
  end: number,
  compression: ChunkCompression = 'none',
): Uint8Array {
  const n = end - start;
  const w = new ByteWriter(n * 4 + 64);
  w.u8(CHUNK_FORMAT);
  w.u8(CONTAINER_PLAIN);
  const flagsAt = w.pos;
  w.u8(0);
  w.uvar(n);
  let flags = 0;
  const scratch = new Float64Array(n);

  // Source timestamps.
  const intTs = intSeries(c.ts, start, end);
  if (intTs) {
    let prev = 0;
    let prevDelta = 0;
    for (let i = 0; i < n; i++) {
      const t = c.ts[start + i] as number;
      const d = t - prev;
      scratch[i] = d - prevDelta;
      prevDelta = d;
      prev = t;
    }
    w.zeroRuns(scratch, n);
  } else {
    flags |= TS_RAW;
    for (let i = start; i < end; i++) w.f64(c.ts[i] as number);
  }

  // Server timestamps, as their offset from the source timestamp.
  if (intTs && intSeries(c.serverTs, start, end)) {
    let prev = 0;
    for (let i = 0; i < n; i++) {
      const d = (c.serverTs[start + i] as number) - (c.ts[start + i] as number);
      scratch[i] = d - prev;
      prev = d;
    }
    w.zeroRuns(scratch, n);
  } else {
    flags |= SERVER_RAW;
    for (let i = start; i < end; i++) w.f64(c.serverTs[i] as number);
  }

  writeRuns(w, c.status, start, end);

  // No-value mask (NaN rows: gaps and strings).
  let present = 0;
  {
    const runs: number[] = [];
    let wantPresent = true;
    let runStart = start;
    for (let i = start; i < end; i++) {
      const v = c.value[i] as number;
      const isPresent = !Number.isNaN(v);
      if (isPresent) present++;
      if (isPresent !== wantPresent) {
        runs.push(i - runStart);
        runStart = i;
        wantPresent = !wantPresent;
      }
    }
    runs.push(end - runStart);
    w.uvar(runs.length);
    for (const r of runs) w.uvar(r);
  }

  // Values.
  let mode = present === 0 ? VALUES_NONE : VALUES_XOR;
  if (present > 0) {
    const k = decimalScale(c, start, end);
    const exceptions: number[] = [];
    if (fillScaled(c, start, end, k, scratch, exceptions)) {
      mode = VALUES_DECIMAL;
      w.u8(k);
      w.uvar(exceptions.length / 2);
      let prev = 0;
      for (let x = 0; x < exceptions.length; x += 2) {
        const j = exceptions[x] as number;
        w.uvar(j - prev);
        w.f64(exceptions[x + 1] as number);
        prev = j;
      }
      w.zeroRuns(scratch, present);
    } else {
      writeXor(w, c.value, start, end);
    }
  }
  flags |= mode << VALUES_SHIFT;

  if (c.text !== undefined) {
    const rows: number[] = [];
    for (const i of c.text.keys()) if (i >= start && i < end) rows.push(i);
    if (rows.length > 0) {
      flags |= TEXT;
      rows.sort((a, b) => a - b);
      w.uvar(rows.length);
      let prev = start;
      for (const i of rows) {
        w.uvar(i - prev);
        w.str(c.text.get(i) as string);
        prev = i;
      }
    }
  }

  w.buf[flagsAt] = flags;
  const plain = w.finish();
  if (compression === 'deflate' && plain.length >= DEFLATE_MIN_BYTES) {
    const body = plain.subarray(2);
    // The output buffer and the window sized to the body: zlib's defaults (16 KB out, 32 KB window)
    // cost more to allocate than a chunk takes to compress. Any window decodes with the default one.
    const packed = deflateRawSync(body, {
      level: 1,
      chunkSize: body.length + 64,
      windowBits: Math.min(15, Math.max(9, Math.ceil(Math.log2(body.length)))),
    });
    if (packed.length + 2 < plain.length) {
      const out = new Uint8Array(packed.length + 2);
      out[0] = CHUNK_FORMAT;
      out[1] = CONTAINER_DEFLATE;
      out.set(packed, 2);
      return out;
    }
  }
  return plain.slice();
}

/**
 * Scaled integers' deltas into `out`; values that would not decode bit-identical (−0, ±Infinity,
 * more than 6 decimals, beyond 2^49 after scaling) go to `exceptions` as (present index, value) and
 * repeat the previous integer. Returns false when there are too many exceptions for the form to pay.
 */
function fillScaled(
  c: Columns,
  start: number,
  end: number,
  k: number,
  out: Float64Array,
  exceptions: number[],
): boolean {
  const p = 10 ** k;
  let prev = 0;
  let j = 0;
  const maxExceptions = (end - start) >>> 3;
  for (let i = start; i < end; i++) {
    const v = c.value[i] as number;
    if (Number.isNaN(v)) continue;
    const q = Math.round(v * p);
    if (!(q <= SAFE_INT && q >= -SAFE_INT) || (q === 0 ? !Object.is(v, 0) : q / p !== v)) {
      exceptions.push(j, v);
      if (exceptions.length / 2 > maxExceptions) return false;
      out[j++] = 0;
      continue;
    }
    out[j++] = q - prev;
    prev = q;
  }
  return true;
}

function writeRuns(w: ByteWriter, a: Uint32Array, start: number, end: number): void {
  const runs: number[] = [];
  let i = start;
  while (i < end) {
    const v = a[i] as number;
    let j = i + 1;
    while (j < end && a[j] === v) j++;
    runs.push(v, j - i);
    i = j;
  }
  w.uvar(runs.length / 2);
  for (const r of runs) w.uvar(r);
}

function writeXor(w: ByteWriter, values: Float64Array, start: number, end: number): void {
  let prevHi = 0;
  let prevLo = 0;
  const bytes = new Uint8Array(8);
  for (let i = start; i < end; i++) {
    const v = values[i] as number;
    if (Number.isNaN(v)) continue;
    f64Scratch[0] = v;
    const lo = u32Scratch[0] as number;
    const hi = u32Scratch[1] as number;
    const xh = (hi ^ prevHi) >>> 0;
    const xl = (lo ^ prevLo) >>> 0;
    prevHi = hi;
    prevLo = lo;
    if (xh === 0 && xl === 0) {
      w.u8(0);
      continue;
    }
    bytes[0] = xh >>> 24;
    bytes[1] = xh >>> 16;
    bytes[2] = xh >>> 8;
    bytes[3] = xh;
    bytes[4] = xl >>> 24;
    bytes[5] = xl >>> 16;
    bytes[6] = xl >>> 8;
    bytes[7] = xl;
    let lz = 0;
    while (bytes[lz] === 0) lz++;
    let tz = 0;
    while (bytes[7 - tz] === 0) tz++;
    w.u8(1 + lz * 8 + tz);
    w.bytes(bytes.subarray(lz, 8 - tz));
  }
}

function readXor(r: ByteReader, out: Float64Array, m: number): void {
  let hi = 0;
  let lo = 0;
  for (let j = 0; j < m; j++) {
    const h = r.u8();
    if (h !== 0) {
      const lz = (h - 1) >>> 3;
      const tz = (h - 1) & 7;
      let xh = 0;
      let xl = 0;
      for (let b = lz; b < 8 - tz; b++) {
        const byte = r.u8();
        if (b < 4) xh |= byte << ((3 - b) * 8);
        else xl |= byte << ((7 - b) * 8);
      }
      hi = (hi ^ xh) >>> 0;
      lo = (lo ^ xl) >>> 0;
    }
    u32Scratch[0] = lo;
    u32Scratch[1] = hi;
    out[j] = f64Scratch[0] as number;
  }
}

export function decodeChunk(body: Uint8Array): Columns {
  const head = new ByteReader(body);
  const format = head.u8();
  if (format !== CHUNK_FORMAT) throw new RangeError(`unknown historian chunk format ${format}`);
  const container = head.u8();
  const r = container === CONTAINER_DEFLATE ? new ByteReader(inflateRawSync(body.subarray(2))) : head;
  const flags = r.u8();
  const n = r.uvar();
  const out = emptyColumns(n);
  if (flags & TS_RAW) {
    for (let i = 0; i < n; i++) out.ts[i] = r.f64();
  } else {
    r.zeroRuns(out.ts, n);
    let prev = 0;
    let delta = 0;
    for (let i = 0; i < n; i++) {
      delta += out.ts[i] as number;
      prev += delta;
      out.ts[i] = prev;
    }
  }
  if (flags & SERVER_RAW) {
    for (let i = 0; i < n; i++) out.serverTs[i] = r.f64();
  } else {
    r.zeroRuns(out.serverTs, n);
    let d = 0;
    for (let i = 0; i < n; i++) {
      d += out.serverTs[i] as number;
      out.serverTs[i] = (out.ts[i] as number) + d;
    }
  }
  {
    const runs = r.uvar();
    let i = 0;
    for (let k = 0; k < runs; k++) {
      const st = r.uvar();
      const len = r.uvar();
      if (i + len > n) throw new RangeError('historian chunk corrupt: status runs overflow');
      out.status.fill(st, i, i + len);
      i += len;
    }
  }
  const presentRows = new Uint8Array(n);
  let present = 0;
  {
    const runs = r.uvar();
    let i = 0;
    for (let k = 0; k < runs; k++) {
      const len = r.uvar();
      if (i + len > n) throw new RangeError('historian chunk corrupt: value mask overflows');
      if (k % 2 === 0) {
        presentRows.fill(1, i, i + len);
        present += len;
      }
      i += len;
    }
  }
  const mode = (flags >>> VALUES_SHIFT) & 3;
  const packed = new Float64Array(present);
  if (mode === VALUES_DECIMAL) {
    const k = r.u8();
    const p = 10 ** k;
    const nExceptions = r.uvar();
    const exceptionAt: number[] = [];
    const exceptionValue: number[] = [];
    for (let x = 0, j = 0; x < nExceptions; x++) {
      j += r.uvar();
      exceptionAt.push(j);
      exceptionValue.push(r.f64());
    }
    r.zeroRuns(packed, present);
    let q = 0;
    for (let j = 0; j < present; j++) {
      q += packed[j] as number;
      packed[j] = q / p;
    }
    for (let x = 0; x < nExceptions; x++) packed[exceptionAt[x] as number] = exceptionValue[x] as number;
  } else if (mode === VALUES_XOR) {
    readXor(r, packed, present);
  }
  for (let i = 0, j = 0; i < n; i++) out.value[i] = presentRows[i] === 1 ? (packed[j++] as number) : Number.NaN;
  if (flags & TEXT) {
    const count = r.uvar();
    out.text = new Map();
    let row = 0;
    for (let k = 0; k < count; k++) {
      row += r.uvar();
      out.text.set(row, r.str());
    }
  }
  return out;
}
