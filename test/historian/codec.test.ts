import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ByteReader, ByteWriter } from '../../src/historian/bytes.js';
import { DEFLATE_MIN_BYTES, decodeChunk, encodeChunk, summarize } from '../../src/historian/chunkCodec.js';
import type { Columns } from '../../src/historian/columns.js';
import { decodeWal, encodeWal } from '../../src/historian/walCodec.js';
import { SampleBatch } from '../../src/model/sample.js';
import { rng } from './helpers.js';

type Kind = 'decimal' | 'float' | 'int' | 'huge' | 'mixed' | 'bool' | 'text';

function series(seed: number, n: number, kind: Kind): Columns {
  const r = rng(seed);
  const c: Columns = {
    n,
    ts: new Float64Array(n),
    serverTs: new Float64Array(n),
    value: new Float64Array(n),
    status: new Uint32Array(n),
    text: undefined,
  };
  const fractionalTs = r() < 0.2;
  let t = 1_700_000_000_000 + Math.floor(r() * 1e9) * (r() < 0.1 ? -3000 : 1);
  let v = (r() - 0.5) * 1000;
  for (let i = 0; i < n; i++) {
    t += r() < 0.7 ? 1000 : Math.floor(r() * 5000) - (r() < 0.05 ? 8000 : 0);
    c.ts[i] = fractionalTs ? t + r() : t;
    c.serverTs[i] = r() < 0.1 ? (c.ts[i] as number) + r() * 10 : (c.ts[i] as number) + Math.floor(r() * 50) - 10;
    c.status[i] = r() < 0.9 ? 0 : r() < 0.5 ? 0x80310000 : 0x40000000;
    v += (r() - 0.5) * 10;
    let x: number;
    switch (kind) {
      case 'decimal':
        x = Math.round(v * 10) / 10;
        break;
      case 'float':
        x = v * Math.PI;
        break;
      case 'int':
        x = Math.round(v);
        break;
      case 'huge':
        x = r() < 0.5 ? v * 1e300 : r() < 0.5 ? Number.MAX_VALUE : -(2 ** 60) * r();
        break;
      case 'bool':
        x = r() < 0.9 ? 1 : 0;
        break;
      case 'text':
        x = Number.NaN;
        break;
      default:
        x = [Math.round(v * 1000) / 1000, -0, 0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 5e-324, v][
          Math.floor(r() * 7)
        ] as number;
    }
    if (r() < 0.05) x = Number.NaN;
    c.value[i] = x;
    if (kind === 'text' && r() < 0.8) {
      c.text ??= new Map();
      c.text.set(i, `txt ${i} ünïcødé ${'x'.repeat(Math.floor(r() * 40))}`);
    }
  }
  return c;
}

function assertSame(a: Columns, b: Columns, start: number, end: number, label: string): void {
  assert.equal(b.n, end - start, label);
  for (let i = start; i < end; i++) {
    const j = i - start;
    assert.ok(Object.is(a.ts[i], b.ts[j]), `${label} ts[${i}] ${a.ts[i]} vs ${b.ts[j]}`);
    assert.ok(Object.is(a.serverTs[i], b.serverTs[j]), `${label} serverTs[${i}] ${a.serverTs[i]} vs ${b.serverTs[j]}`);
    assert.ok(Object.is(a.value[i], b.value[j]), `${label} value[${i}] ${a.value[i]} vs ${b.value[j]}`);
    assert.equal(a.status[i], b.status[j], `${label} status[${i}]`);
    assert.equal(a.text?.get(i), b.text?.get(j), `${label} text[${i}]`);
  }
}

describe('varints', () => {
  it('round-trip unsigned and zigzag up to 2^53', () => {
    const w = new ByteWriter(4);
    const xs = [0, 1, 127, 128, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER];
    for (const x of xs) w.uvar(x);
    for (const x of xs) w.svar(-Math.floor(x / 2));
    const r = new ByteReader(w.finish());
    for (const x of xs) assert.equal(r.uvar(), x);
    for (const x of xs) assert.equal(r.svar(), -Math.floor(x / 2) || 0);
    assert.ok(r.done);
  });

  it('rejects a truncated body instead of looping', () => {
    assert.throws(() => new ByteReader(new Uint8Array([0x80, 0x80])).uvar(), RangeError);
  });
});

describe('chunk codec', () => {
  const kinds: Kind[] = ['decimal', 'float', 'int', 'huge', 'mixed', 'bool', 'text'];
  it('decodes random series to exactly what was encoded (property test)', () => {
    let cases = 0;
    for (let seed = 1; seed <= 60; seed++) {
      for (const kind of kinds) {
        const c = series(seed * 31 + kinds.indexOf(kind), 1 + ((seed * 97) % 900), kind);
        for (const compression of ['none', 'deflate'] as const) {
          const start = seed % 3 === 0 ? Math.floor(c.n / 3) : 0;
          const body = encodeChunk(c, start, c.n, compression);
          assertSame(c, decodeChunk(body), start, c.n, `seed ${seed} ${kind} ${compression}`);
          cases++;
        }
      }
    }
    assert.ok(cases > 800);
  });

  it('uses the decimal form for 0.1-resolution data and stays small', () => {
    const n = 3600;
    const c = series(7, n, 'decimal');
    for (let i = 0; i < n; i++) {
      c.ts[i] = 1_700_000_000_000 + i * 1000;
      c.serverTs[i] = (c.ts[i] as number) + 3;
      c.status[i] = 0;
      if (Number.isNaN(c.value[i])) c.value[i] = 20;
    }
    const body = encodeChunk(c, 0, n);
    assert.ok(body.length / n < 2, `bytes/value ${body.length / n}`);
    assertSame(c, decodeChunk(body), 0, n, 'decimal');
  });

  it('deflates only bodies of DEFLATE_MIN_BYTES or more: a zlib call costs more than a small chunk saves', () => {
    for (const n of [8, 30, 600]) {
      const c = series(11, n, 'decimal');
      const plain = encodeChunk(c, 0, n, 'none');
      const body = encodeChunk(c, 0, n, 'deflate');
      assert.equal(
        body[1],
        plain.length >= DEFLATE_MIN_BYTES ? 1 : 0,
        `container of ${n} rows (${plain.length} B plain)`,
      );
      assertSame(c, decodeChunk(body), 0, n, `n ${n}`);
    }
    assert.ok(encodeChunk(series(11, 600, 'decimal'), 0, 600, 'none').length >= DEFLATE_MIN_BYTES);
  });

  it('summarises only good numeric values', () => {
    const c: Columns = {
      n: 4,
      ts: Float64Array.from([0, 10, 20, 30]),
      serverTs: Float64Array.from([0, 10, 20, 30]),
      value: Float64Array.from([1, 100, Number.NaN, 3]),
      status: Uint32Array.from([0, 0x80000000, 0, 0]),
      text: undefined,
    };
    const s = summarize(c, 0, 4);
    assert.deepEqual(
      { n: s.n, nGood: s.nGood, nBad: s.nBad, min: s.min, max: s.max, sum: s.sum, integral: s.integral, dur: s.dur },
      { n: 4, nGood: 2, nBad: 1, min: 1, max: 3, sum: 4, integral: 10, dur: 10 },
    );
    assert.equal(s.tail, 3);
    assert.equal(s.firstTs, 0);
    assert.equal(s.lastTs, 30);
  });
});

describe('staging codec', () => {
  it('round-trips batches with text, fractional timestamps and many status runs', () => {
    const r = rng(3);
    const batches: SampleBatch[] = [];
    for (let k = 0; k < 5; k++) {
      const b = new SampleBatch(4);
      const frac = k === 2;
      for (let i = 0; i < 500; i++) {
        const ts = 1_700_000_000_000 + Math.floor(r() * 1e6) + (frac ? 0.25 : 0);
        if (i % 7 === 0) b.pushText(i % 13, ts, ts + 1, `s${i}`, 0);
        else b.push(Math.floor(r() * 100000), ts, ts + (k === 3 ? 0.5 : 2), r() < 0.1 ? Number.NaN : r() * 1e6, i);
      }
      batches.push(b);
    }
    const out = decodeWal(encodeWal(batches));
    assert.equal(out.length, batches.length);
    for (let k = 0; k < batches.length; k++) {
      const a = batches[k] as SampleBatch;
      const b = out[k] as SampleBatch;
      assert.equal(b.length, a.length);
      for (let i = 0; i < a.length; i++) {
        assert.equal(b.tagKey[i], a.tagKey[i]);
        assert.equal(b.sourceTs[i], a.sourceTs[i]);
        assert.equal(b.serverTs[i], a.serverTs[i]);
        assert.ok(Object.is(b.value[i], a.value[i]));
        assert.equal(b.status[i], a.status[i]);
        assert.equal(b.valueAt(i), a.valueAt(i));
      }
    }
  });
});
