import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSqliteHistorian, type Historian } from '../../src/historian/index.js';
import { SampleBatch } from '../../src/model/sample.js';
import { tagDef, tempDir } from './helpers.js';

const T0 = Date.UTC(2026, 10, 1);
const N = 400_000;

/**
 * better-sqlite3 is synchronous: a query that read all its chunks in one go held the event loop for
 * its whole length (collection shares the loop). Queries now give the loop back every `readSliceMs`
 * and stop past `readTimeoutMs`.
 */
describe('SQLite reads give the event loop back and keep to their budget', () => {
  const { dir, cleanup } = tempDir('gt-slices-');
  let h: Historian;
  let key: number;

  before(async () => {
    h = createSqliteHistorian({ path: join(dir, 'h.db'), sealValues: 50_000, readSliceMs: 1 });
    await h.open();
    [key] = (await h.register([tagDef('line1/flow')])) as [number];
    for (let off = 0; off < N; off += 50_000) {
      const b = new SampleBatch();
      for (let i = off; i < off + 50_000; i++) b.push(key, T0 + i * 100, T0 + i * 100, Math.sin(i / 50), 0);
      h.write(b);
      await h.flush();
    }
  });

  after(async () => {
    await h.close();
    cleanup();
  });

  it('an aggregate over 400k values lets timers run while it reads, and gives the same result', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    // 7-second buckets straddle every chunk: every chunk is decoded.
    const q = { tagKey: key, from: T0, to: T0 + N * 100, bucketMs: 7001, fns: ['avg', 'count'] as const };
    let immediate = false;
    setImmediate(() => {
      immediate = true;
    });
    const buckets = await h.aggregate({ ...q, fns: [...q.fns] });
    clearInterval(timer);
    assert.equal(immediate, true, 'a setImmediate queued before the query ran before it finished');
    assert.ok(ticks > 0, `timers ran during the query (${ticks})`);
    assert.equal(
      buckets.reduce((s, b) => s + b.count, 0),
      N,
    );
    let immediateRaw = false;
    setImmediate(() => {
      immediateRaw = true;
    });
    const page = await h.raw({ tagKey: key, from: T0, to: T0 + N * 100, limit: 300_000 });
    assert.equal(page.samples.length, 300_000);
    assert.equal(immediateRaw, true, 'raw pages yield too');
  });

  it('a chain of queries over empty ranges lets timers run (the KPI engine over years without data)', async () => {
    let fired = false;
    setTimeout(() => {
      fired = true;
    }, 0);
    let firedAt = -1;
    for (let i = 0; i < 5000; i++) {
      await h.raw({ tagKey: key, from: T0 - (i + 2) * 86_400_000, to: T0 - (i + 1) * 86_400_000, limit: 10 });
      if (fired && firedAt < 0) firedAt = i;
    }
    assert.ok(firedAt >= 0 && firedAt < 4999, `a timer ran during the chain (after query ${firedAt})`);
  });

  it('a query over readTimeoutMs is cancelled with GT_READ_TIMEOUT', async () => {
    const tight = createSqliteHistorian({ path: join(dir, 'h.db'), readSliceMs: 1, readTimeoutMs: 1 });
    await h.close();
    await tight.open();
    try {
      await assert.rejects(
        tight.aggregate({ tagKey: key, from: T0, to: T0 + N * 100, bucketMs: 7001, fns: ['avg'] }),
        (err: Error & { code?: string }) => {
          assert.equal(err.code, 'GT_READ_TIMEOUT');
          assert.match(err.message, /longer than its budget of 1 ms/);
          return true;
        },
      );
    } finally {
      await tight.close();
      h = createSqliteHistorian({ path: join(dir, 'h.db') });
      await h.open();
    }
  });
});
