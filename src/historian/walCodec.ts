import { SampleBatch } from '../model/sample.js';
import { ByteReader, ByteWriter } from './bytes.js';

/**
 * The write-ahead staging body: every batch accepted during one flush interval, in arrival order,
 * as one blob. It favours encoding speed over size (values are copied as raw float64), because it
 * lives only until its generation is sealed into chunks.
 *
 *   u8 format (1), then frames until the end, one per batch:
 *   u8 flags · uvar n · n × uvar tagKey
 *   source timestamps: n × svar delta from the previous row (integer ms) | n × f64 (flag TS_RAW)
 *   server timestamps: n × svar (serverTs − ts) | n × f64 (flag SERVER_RAW)
 *   values: n × f64 little-endian
 *   status: uvar runs · runs × (uvar status, uvar length)
 *   text (flag TEXT): uvar count · count × (uvar row, str)
 */
export const WAL_FORMAT = 1;

const TS_RAW = 1;
const SERVER_RAW = 2;
const TEXT = 4;
const SAFE_INT = 2 ** 49;

export function encodeWal(batches: readonly SampleBatch[]): Uint8Array {
  let total = 0;
  for (const b of batches) total += b.length;
  const w = new ByteWriter(total * 16 + 64);
  w.u8(WAL_FORMAT);
  for (const b of batches) writeFrame(w, b);
  return w.finish();
}

function writeFrame(w: ByteWriter, b: SampleBatch): void {
  const n = b.length;
  const flagsAt = w.pos;
  w.u8(0);
  w.uvar(n);
  let flags = 0;
  for (let i = 0; i < n; i++) w.uvar(b.tagKey[i] as number);

  const tsAt = w.pos;
  let prev = 0;
  let intTs = true;
  for (let i = 0; i < n; i++) {
    const t = b.sourceTs[i] as number;
    if (!(t === Math.floor(t) && t <= SAFE_INT && t >= -SAFE_INT)) {
      intTs = false;
      break;
    }
    w.svar(t - prev);
    prev = t;
  }
  if (!intTs) {
    w.pos = tsAt;
    flags |= TS_RAW;
    for (let i = 0; i < n; i++) w.f64(b.sourceTs[i] as number);
  }

  const stsAt = w.pos;
  let intSts = intTs;
  if (intSts) {
    for (let i = 0; i < n; i++) {
      const t = b.serverTs[i] as number;
      if (!(t === Math.floor(t) && t <= SAFE_INT && t >= -SAFE_INT)) {
        intSts = false;
        break;
      }
      w.svar(t - (b.sourceTs[i] as number));
    }
  }
  if (!intSts) {
    w.pos = stsAt;
    flags |= SERVER_RAW;
    for (let i = 0; i < n; i++) w.f64(b.serverTs[i] as number);
  }

  w.bytes(new Uint8Array(b.value.buffer, b.value.byteOffset, n * 8));

  const runsAt = w.pos;
  w.uvar(0);
  let runs = 0;
  let i = 0;
  while (i < n) {
    const s = b.status[i] as number;
    let j = i + 1;
    while (j < n && b.status[j] === s) j++;
    w.uvar(s);
    w.uvar(j - i);
    runs++;
    i = j;
  }
  patchRunCount(w, runsAt, runs);

  if (b.text !== undefined && b.text.size > 0) {
    flags |= TEXT;
    w.uvar(b.text.size);
    for (const [row, s] of b.text) {
      w.uvar(row);
      w.str(s);
    }
  }
  w.buf[flagsAt] = flags;
}

/** The run count was reserved as one byte; re-encode when it needs more. */
function patchRunCount(w: ByteWriter, at: number, runs: number): void {
  if (runs < 128) {
    w.buf[at] = runs;
    return;
  }
  const tail = w.buf.slice(at + 1, w.pos);
  w.pos = at;
  w.uvar(runs);
  w.bytes(tail);
}

export function decodeWal(body: Uint8Array): SampleBatch[] {
  const r = new ByteReader(body);
  const format = r.u8();
  if (format !== WAL_FORMAT) throw new RangeError(`unknown historian staging format ${format}`);
  const out: SampleBatch[] = [];
  while (!r.done) {
    const flags = r.u8();
    const n = r.uvar();
    const b = new SampleBatch(n);
    b.length = n;
    for (let i = 0; i < n; i++) b.tagKey[i] = r.uvar();
    if (flags & TS_RAW) {
      for (let i = 0; i < n; i++) b.sourceTs[i] = r.f64();
    } else {
      let t = 0;
      for (let i = 0; i < n; i++) {
        t += r.svar();
        b.sourceTs[i] = t;
      }
    }
    if (flags & SERVER_RAW) {
      for (let i = 0; i < n; i++) b.serverTs[i] = r.f64();
    } else {
      for (let i = 0; i < n; i++) b.serverTs[i] = (b.sourceTs[i] as number) + r.svar();
    }
    new Uint8Array(b.value.buffer, 0, n * 8).set(r.bytes(n * 8));
    const runs = r.uvar();
    let i = 0;
    for (let k = 0; k < runs; k++) {
      const s = r.uvar();
      const len = r.uvar();
      if (i + len > n) throw new RangeError('historian staging corrupt: status runs overflow');
      b.status.fill(s, i, i + len);
      i += len;
    }
    if (flags & TEXT) {
      const count = r.uvar();
      b.text = new Map();
      for (let k = 0; k < count; k++) {
        const row = r.uvar();
        b.text.set(row, r.str());
      }
    }
    out.push(b);
  }
  return out;
}
