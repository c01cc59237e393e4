/**
 * Byte-level building blocks of the historian's binary formats: unsigned and zigzag varints that
 * stay exact up to 2^53 (JavaScript's safe integers, not 32-bit), little-endian float64, UTF-8
 * strings and a "zero-run" varint stream in which a run of zeros costs two bytes whatever its length
 * (regular sampling makes long runs of zero delta-of-deltas).
 */

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** Zigzag maps signed to unsigned so small magnitudes stay small: 0,-1,1,-2 → 0,1,2,3. Exact to |v| < 2^52. */
export function zigzag(v: number): number {
  return v >= 0 ? v * 2 : -v * 2 - 1;
}

export function unzigzag(u: number): number {
  return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
}

export class ByteWriter {
  buf: Uint8Array;
  pos = 0;
  private view: DataView;

  constructor(capacity = 1024) {
    this.buf = new Uint8Array(Math.max(16, capacity));
    this.view = new DataView(this.buf.buffer);
  }

  ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    const next = new Uint8Array(Math.max(need, this.buf.length * 2));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** Unsigned varint, 7 bits per byte, exact for any safe non-negative integer. */
  uvar(value: number): void {
    this.ensure(8);
    const b = this.buf;
    let p = this.pos;
    let v = value;
    while (v >= 0x80000000) {
      b[p++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    while (v > 127) {
      b[p++] = (v & 127) | 128;
      v >>>= 7;
    }
    b[p++] = v;
    this.pos = p;
  }

  svar(v: number): void {
    this.uvar(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  f64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  bytes(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.pos);
    this.pos += src.length;
  }

  /** Length-prefixed UTF-8. */
  str(s: string): void {
    this.ensure(s.length * 3 + 8);
    // Reserve the length after encoding: write into a scratch region first.
    const start = this.pos + 5;
    const { written } = utf8Encoder.encodeInto(s, this.buf.subarray(start));
    const tmp = this.buf.slice(start, start + written);
    this.uvar(written);
    this.bytes(tmp);
  }

  /**
   * Zero-run stream of signed integers: a non-zero value is its zigzag varint; a run of r zeros is a
   * 0 byte followed by varint(r - 1).
   */
  zeroRuns(values: Float64Array, n: number): void {
    // Worst case 8 bytes per value (a lone zero costs 2): reserve once, then write without checks.
    this.ensure(n * 8 + 16);
    const b = this.buf;
    let p = this.pos;
    let i = 0;
    while (i < n) {
      const v = values[i] as number;
      let u: number;
      if (v === 0) {
        let j = i + 1;
        while (j < n && values[j] === 0) j++;
        b[p++] = 0;
        u = j - i - 1;
        i = j;
      } else {
        u = v >= 0 ? v * 2 : -v * 2 - 1;
        i++;
      }
      if (u < 128) {
        b[p++] = u;
        continue;
      }
      while (u >= 0x80000000) {
        b[p++] = (u % 128) | 128;
        u = Math.floor(u / 128);
      }
      while (u > 127) {
        b[p++] = (u & 127) | 128;
        u >>>= 7;
      }
      b[p++] = u;
    }
    this.pos = p;
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

export class ByteReader {
  pos = 0;
  private readonly view: DataView;

  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  u8(): number {
    if (this.pos >= this.buf.length) throw new RangeError('historian body truncated');
    return this.buf[this.pos++] as number;
  }

  uvar(): number {
    const b = this.buf;
    const end = b.length;
    let p = this.pos;
    if (p >= end) throw new RangeError('historian body truncated');
    let byte = b[p++] as number;
    if (byte < 128) {
      this.pos = p;
      return byte;
    }
    let v = byte & 127;
    let mul = 128;
    for (;;) {
      if (p >= end) throw new RangeError('historian body truncated');
      byte = b[p++] as number;
      v += (byte & 127) * mul;
      if (byte < 128) break;
      mul *= 128;
    }
    this.pos = p;
    return v;
  }

  svar(): number {
    const u = this.uvar();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  f64(): number {
    if (this.pos + 8 > this.buf.length) throw new RangeError('historian body truncated');
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  bytes(n: number): Uint8Array {
    if (this.pos + n > this.buf.length) throw new RangeError('historian body truncated');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  str(): string {
    const n = this.uvar();
    return utf8Decoder.decode(this.bytes(n));
  }

  /** Reads n signed integers written by `ByteWriter.zeroRuns`. */
  zeroRuns(out: Float64Array, n: number): void {
    const b = this.buf;
    const end = b.length;
    let p = this.pos;
    let i = 0;
    while (i < n) {
      if (p >= end) throw new RangeError('historian body truncated');
      let byte = b[p++] as number;
      let u = byte;
      if (byte >= 128) {
        u = byte & 127;
        let mul = 128;
        do {
          if (p >= end) throw new RangeError('historian body truncated');
          byte = b[p++] as number;
          u += (byte & 127) * mul;
          mul *= 128;
        } while (byte >= 128);
      }
      if (u === 0) {
        this.pos = p;
        const run = this.uvar() + 1;
        p = this.pos;
        if (i + run > n) throw new RangeError('historian body corrupt: zero run overflows');
        out.fill(0, i, i + run);
        i += run;
      } else {
        out[i++] = u % 2 === 0 ? u / 2 : -(u + 1) / 2;
      }
    }
    this.pos = p;
  }
}
