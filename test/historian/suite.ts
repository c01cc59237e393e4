import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { correctionAuditRecords, type ImportConflict, importCsv } from '../../src/analytics/history/index.js';
import type { Historian } from '../../src/historian/index.js';
import { SampleBatch } from '../../src/model/sample.js';
import type { Sink } from '../../src/pipeline/types.js';
import { tagDef } from './helpers.js';

/**
 * The behavioural contract every historian back end passes: values of every kind round-trip, raw
 * paging, Good-only aggregates checked by hand and against raw data, durable close, catalog keys,
 * events, retention by class and stats. Engine internals (codecs, crash recovery) are tested per engine.
 */
export interface SuiteBackend {
  /** A fresh, empty store; the returned reference reopens the same store. */
  newStore(): Promise<string>;
  /** A historian on the store, not opened yet. `chunkMaxValues` tunes engines that have chunks. */
  open(store: string, tuning?: { chunkMaxValues?: number }): Historian;
  /** Brings everything accepted into its final storage form (SQLite: sealed chunks; PostgreSQL: written). */
  settle(h: Historian): Promise<void>;
  /**
   * `kept`: rows sharing a tag and source timestamp are all stored. `first-wins` (both engines):
   * writes are idempotent on (tag, source timestamp), so the first row is kept and redelivery never
   * duplicates.
   */
  equalTimestamps: 'kept' | 'first-wins';
  /** Engine-level consistency checks on a closed store. */
  checkStore?(store: string): Promise<void>;
}

export const BAD = 0x80310000;
export const UNCERTAIN = 0x40920000;
export const T0 = 1_700_000_000_000;

/** Row variety: numbers, booleans, strings, no-value with Bad status, both timestamps, StatusCodes. */
export function mixedBatch(key: number, count: number, start = 0): SampleBatch {
  const b = new SampleBatch(8);
  for (let i = start; i < start + count; i++) {
    const ts = T0 + i * 1000;
    if (i % 10 === 3) b.pushText(key, ts, ts + 7, `state-${i}`, 0);
    else if (i % 10 === 5) b.push(key, ts, ts + 7, Number.NaN, BAD);
    else if (i % 10 === 7) b.push(key, ts, ts + 7, i % 2, UNCERTAIN);
    else b.push(key, ts, ts + 7, Math.round(i * 1.37 * 10) / 10 - 50, 0);
  }
  return b;
}

export function expected(count: number) {
  const b = mixedBatch(1, count);
  return Array.from({ length: count }, (_, i) => ({
    ts: b.sourceTs[i],
    serverTs: b.serverTs[i],
    value: b.valueAt(i),
    status: b.status[i],
  }));
}

export async function allRaw(h: Historian, tagKey: number, limit = 100_000) {
  return (await h.raw({ tagKey, from: 0, to: Number.MAX_SAFE_INTEGER, limit })).samples;
}

export function historianSuite(name: string, backend: SuiteBackend): void {
  describe(name, () => {
    it('is a Sink', async () => {
      const h = backend.open(await backend.newStore()) satisfies Sink;
      assert.equal(h.name, 'historian');
    });

    it('round-trips every kind of value across open buffers, sealed chunks and reopen', async () => {
      const path = await backend.newStore();
      const h = backend.open(path, { chunkMaxValues: 64 });
      await h.open();
      const [key] = await h.register([tagDef('acme/line1/temp')]);
      assert.ok(key !== undefined);
      h.write(mixedBatch(key, 300));
      // Not flushed yet: latest already sees it, raw sees the flushed data only.
      assert.equal((await h.latest([key]))[0]?.ts, T0 + 299_000);
      await h.flush();
      assert.deepEqual(await allRaw(h, key), expected(300));
      await backend.settle(h);
      h.write(mixedBatch(key, 200, 300));
      await h.flush();
      assert.deepEqual(await allRaw(h, key), expected(500));
      await h.close();

      const h2 = backend.open(path);
      await h2.open();
      assert.deepEqual(await allRaw(h2, key), expected(500));
      const latest = await h2.latest([key]);
      assert.deepEqual(latest, [{ tagKey: key, ...expected(500)[499] }]);
      await h2.close();
    });

    it('pages raw data with a cursor, every row exactly once, including equal timestamps', async () => {
      const h = backend.open(await backend.newStore(), { chunkMaxValues: 50 });
      await h.open();
      const b = new SampleBatch();
      for (let i = 0; i < 1000; i++) b.push(9, T0 + Math.floor(i / 3) * 100, T0, i, 0);
      h.write(b);
      await backend.settle(h);
      const late = new SampleBatch();
      for (let i = 1000; i < 1100; i++) late.push(9, T0 + (i - 1000) * 350 + 1, T0, i, 0); // overlaps the chunks
      h.write(late);
      await h.flush();
      const seen: number[] = [];
      let cursor: string | undefined;
      let pages = 0;
      let lastTs = Number.NEGATIVE_INFINITY;
      do {
        const page = await h.raw({ tagKey: 9, from: T0, to: T0 + 1e9, limit: 7, cursor });
        for (const s of page.samples) {
          assert.ok(s.ts >= lastTs, 'ordered by ts');
          lastTs = s.ts;
          seen.push(s.value as number);
        }
        cursor = page.next;
        pages++;
      } while (cursor !== undefined);
      // Idempotent stores keep the first of the rows that share a tag and source timestamp.
      const stored = backend.equalTimestamps === 'kept' ? 1100 : 334 + 100;
      assert.equal(seen.length, stored);
      assert.equal(new Set(seen).size, stored);
      assert.equal(pages, Math.ceil(stored / 7));
      if (backend.equalTimestamps === 'first-wins') {
        assert.deepEqual(
          seen.filter((v) => v < 1000).sort((x, y) => x - y),
          Array.from({ length: 334 }, (_, i) => i * 3),
        );
      }
      await assert.rejects(h.raw({ tagKey: 9, from: 0, to: 1, limit: 1, cursor: 'bogus' }), /invalid raw cursor/);
      await h.close();
    });

    it('aggregates by hand-checked buckets, mid-chunk cuts and a bucket of only Bad samples', async () => {
      // Samples every 10 ms from t=0; buckets of 50 ms; chunks of 8 values (80 ms) so chunks are cut.
      //  t:   0  10  20  30  40 | 50  60  70  80  90 | 100 110 120 130 140 | 150 ...
      //  v:   1   2   3   4   5 |  6  B7   8   9  10 |  B   B   B   B   B  | 16 17 18 19 20
      const build = () => {
        const b = new SampleBatch();
        for (let i = 0; i < 20; i++) {
          const t = i * 10;
          const bad = i === 6 || (i >= 10 && i < 15);
          b.push(1, t, t, i + 1, bad ? BAD : 0);
        }
        return b;
      };
      const fns = ['min', 'max', 'avg', 'twa', 'first', 'last', 'count'] as const;
      const want = [
        // v held 10 ms each: twa = (1+2+3+4+5)·10/50
        { ts: 0, count: 5, badCount: 0, min: 1, max: 5, avg: 3, twa: 3, first: 1, last: 5, firstTs: 0, lastTs: 40 },
        // 6 holds 50→60, then Bad at 60 (interval excluded), 8,9,10 hold 10 ms each (10 cut at 100)
        {
          ts: 50,
          count: 4,
          badCount: 1,
          min: 6,
          max: 10,
          avg: 8.25,
          twa: 8.25,
          first: 6,
          last: 10,
          firstTs: 50,
          lastTs: 90,
        },
        {
          ts: 100,
          count: 0,
          badCount: 5,
          min: null,
          max: null,
          avg: null,
          twa: null,
          first: null,
          last: null,
          firstTs: null,
          lastTs: null,
        },
        // 20 holds from 190 to the bucket end 200
        {
          ts: 150,
          count: 5,
          badCount: 0,
          min: 16,
          max: 20,
          avg: 18,
          twa: 18,
          first: 16,
          last: 20,
          firstTs: 150,
          lastTs: 190,
        },
      ];
      for (const where of ['open', 'chunks'] as const) {
        const h = backend.open(await backend.newStore(), { chunkMaxValues: 16 });
        await h.open();
        h.write(build());
        if (where === 'chunks') await backend.settle(h);
        else await h.flush();
        const got = await h.aggregate({ tagKey: 1, from: 0, to: 200, bucketMs: 50, fns });
        assert.deepEqual(got, want, where);
        // A bucket wider than the chunks: chunk summaries are used for whole chunks.
        const wide = await h.aggregate({
          tagKey: 1,
          from: 0,
          to: 200,
          bucketMs: 200,
          fns: ['count', 'min', 'max', 'avg'],
        });
        assert.deepEqual(wide, [
          { ts: 0, count: 14, badCount: 6, min: 1, max: 20, avg: 138 / 14, firstTs: 0, lastTs: 190 },
        ]);
        await h.close();
      }
    });

    it('uses chunk summaries and decoding consistently (summary path = decode path)', async () => {
      const h = backend.open(await backend.newStore(), { chunkMaxValues: 100 });
      await h.open();
      const b = new SampleBatch();
      let v = 20;
      for (let i = 0; i < 10_000; i++) {
        v = Math.round((v + Math.sin(i) * 0.7) * 10) / 10;
        b.push(2, i * 1000, i * 1000, v, i % 97 === 0 ? BAD : 0);
      }
      h.write(b);
      await backend.settle(h);
      const fns = ['min', 'max', 'avg', 'twa', 'first', 'last', 'count'] as const;
      // 250 s buckets: most chunks (100 s) lie inside one bucket, every 5th is cut.
      const fast = await h.aggregate({ tagKey: 2, from: 0, to: 10_000_000, bucketMs: 250_000, fns });
      const rows = (await h.raw({ tagKey: 2, from: 0, to: 1e12, limit: 1e6 })).samples;
      for (const bucket of fast) {
        const inB = rows.filter((r) => r.ts >= bucket.ts && r.ts < bucket.ts + 250_000);
        const good = inB.filter((r) => r.status === 0).map((r) => r.value as number);
        assert.equal(bucket.count, good.length);
        assert.equal(bucket.badCount, inB.length - good.length);
        assert.equal(bucket.min, Math.min(...good));
        assert.equal(bucket.max, Math.max(...good));
        assert.ok(Math.abs((bucket.avg as number) - good.reduce((s, x) => s + x, 0) / good.length) < 1e-9);
        let integral = 0;
        let dur = 0;
        for (let i = 0; i < inB.length; i++) {
          const r = inB[i]!;
          if (r.status !== 0) continue;
          const end = Math.min(inB[i + 1]?.ts ?? bucket.ts + 250_000, bucket.ts + 250_000);
          integral += (r.value as number) * (end - r.ts);
          dur += end - r.ts;
        }
        assert.ok(Math.abs((bucket.twa as number) - integral / dur) < 1e-9, `twa at ${bucket.ts}`);
      }
      await h.close();
    });

    it('graceful close loses nothing; tags keep their keys and metadata updates', async () => {
      const path = await backend.newStore();
      const h = backend.open(path);
      await h.open();
      const keys = await h.register([tagDef('a/b/x'), tagDef('a/b/y'), tagDef('a/b/z')]);
      assert.deepEqual(keys, [1, 2, 3]);
      const b = new SampleBatch();
      for (let i = 0; i < 5000; i++) b.push(keys[i % 3]!, T0 + i, T0 + i, i, 0);
      h.write(b);
      h.appendEvent({ ts: T0, kind: 'connection.lost', severity: 'warning', source: 'plc1', message: 'gone' });
      await h.close(); // never flushed explicitly
      assert.equal(h.stats().backlog, 0);

      const h2 = backend.open(path);
      await h2.open();
      const again = await h2.register([tagDef('a/b/new'), tagDef('a/b/y', { unit: '°C', retentionClass: 'short' })]);
      assert.deepEqual(again, [4, 2]);
      assert.equal((await h2.getTag('a/b/y'))?.unit, '°C');
      assert.deepEqual(
        (await h2.listTags()).map((t) => t.key),
        [1, 2, 3, 4],
      );
      let total = 0;
      for (const k of keys) total += (await allRaw(h2, k)).length;
      assert.equal(total, 5000);
      const events = await h2.events({ limit: 10 });
      assert.deepEqual(events, [
        { ts: T0, kind: 'connection.lost', severity: 'warning', source: 'plc1', message: 'gone' },
      ]);
      h2.appendEvent({ ts: T0 + 5, kind: 'connection.restored', severity: 'info', message: 'back', details: { n: 1 } });
      assert.equal((await h2.events({ limit: 10, from: T0 + 1 }))[0]?.details?.n, 1);
      assert.equal((await h2.events({ limit: 10, source: 'plc1' })).length, 1);
      await h2.close();
    });

    it('retention drops old chunks only for the right class', async () => {
      const h = backend.open(await backend.newStore(), { chunkMaxValues: 100 });
      await h.open();
      const [short, long, plain] = await h.register([
        tagDef('r/short', { retentionClass: 'short' }),
        tagDef('r/long', { retentionClass: 'long' }),
        tagDef('r/plain'),
      ]);
      const day = 86_400_000;
      const b = new SampleBatch();
      for (let i = 0; i < 1000; i++) {
        const ts = T0 + i * 60_000 * 10; // ~7 days
        b.push(short!, ts, ts, i, 0);
        b.push(long!, ts, ts, i, 0);
        b.push(plain!, ts, ts, i, 0);
      }
      h.write(b);
      await backend.settle(h);
      h.setRetention([
        { class: 'short', maxAgeMs: 2 * day },
        { class: 'default', maxAgeMs: 4 * day },
      ]);
      const now = T0 + 7 * day;
      const { deletedChunks } = await h.applyRetention(now);
      assert.ok(deletedChunks > 0);
      const left = async (k: number) => (await allRaw(h, k)).map((s) => s.ts);
      const s = await left(short!);
      const p = await left(plain!);
      const l = await left(long!);
      assert.equal(l.length, 1000, 'class without a rule keeps everything');
      assert.ok(s.length < p.length && p.length < 1000);
      // Whole chunks go, and only those entirely older than the cut-off.
      assert.ok(s[0]! >= now - 2 * day - 100 * 600_000);
      assert.ok((await left(short!)).at(-1)! === T0 + 999 * 600_000);
      await h.close();
    });

    it('corrects stored values in place: chunks, open buffer, latest, summaries, and survives reopen', async () => {
      const path = await backend.newStore();
      const h = backend.open(path, { chunkMaxValues: 64 });
      await h.open();
      const [key] = await h.register([tagDef('acme/line1/corr')]);
      assert.ok(key !== undefined);
      h.write(mixedBatch(key, 300));
      await backend.settle(h); // 0…299 in final storage (SQLite: sealed chunks)
      h.write(mixedBatch(key, 50, 300));
      await h.flush(); // 300…349 durable, not sealed
      const want = expected(350).map((r) => ({ ...r }));
      const at = (i: number) => T0 + i * 1000;
      const replaced = await h.correct([
        { tagKey: key, ts: at(10), serverTs: at(10) + 99, value: 1_000_000, status: 0 }, // in a chunk
        { tagKey: key, ts: at(13), serverTs: at(13) + 99, value: 42, status: 0 }, // was a string
        { tagKey: key, ts: at(20), serverTs: at(20) + 99, value: null, status: BAD }, // becomes Bad
        { tagKey: key, ts: at(320), serverTs: at(320) + 99, value: -1_000_000, status: 0 }, // in the open buffer
        { tagKey: key, ts: at(349), serverTs: at(349) + 99, value: 7.5, status: 0 }, // the latest row
        { tagKey: key, ts: at(100) + 500, serverTs: at(100), value: 3, status: 0 }, // nothing stored: new
      ]);
      assert.equal(replaced, 5);
      want[10] = { ts: at(10), serverTs: at(10) + 99, value: 1_000_000, status: 0 };
      want[13] = { ts: at(13), serverTs: at(13) + 99, value: 42, status: 0 };
      want[20] = { ts: at(20), serverTs: at(20) + 99, value: null, status: BAD };
      want[320] = { ts: at(320), serverTs: at(320) + 99, value: -1_000_000, status: 0 };
      want[349] = { ts: at(349), serverTs: at(349) + 99, value: 7.5, status: 0 };
      want.splice(101, 0, { ts: at(100) + 500, serverTs: at(100), value: 3, status: 0 });
      const check = async (x: Historian) => {
        assert.deepEqual(await allRaw(x, key), want);
        assert.deepEqual(await x.latest([key]), [{ tagKey: key, ...want[want.length - 1] }]);
        // Summaries and roll-ups follow the corrected values (whole-range and minute buckets).
        const good = want.filter((r) => r.status === 0 && typeof r.value === 'number') as { value: number }[];
        const [all] = await x.aggregate({
          tagKey: key,
          from: T0,
          to: at(360),
          bucketMs: at(360) - T0,
          fns: ['min', 'max', 'count'],
        });
        assert.equal(all?.max, 1_000_000);
        assert.equal(all?.min, -1_000_000);
        assert.equal(all?.count, good.length);
        const minutes = await x.aggregate({
          tagKey: key,
          from: T0 - (T0 % 60_000),
          to: at(420),
          bucketMs: 60_000,
          fns: ['max'],
        });
        assert.equal(Math.max(...minutes.map((b) => b.max ?? Number.NEGATIVE_INFINITY)), 1_000_000);
      };
      await check(h);
      // A later ordinary write at a corrected timestamp is still dropped: the correction stays.
      const again = new SampleBatch();
      again.push(key, at(10), at(10), 5, 0);
      h.write(again);
      await h.flush();
      await backend.settle(h);
      await check(h);
      await h.close();
      const h2 = backend.open(path);
      await h2.open();
      await check(h2);
      await h2.close();
    });

    it('CSV import round-trip: accepted, unchanged, conflicting (old kept), then corrected and audited', async () => {
      const path = await backend.newStore();
      const h = backend.open(path, { chunkMaxValues: 16 });
      await h.open();
      const id = 'acme/line1/imp';
      const [key] = await h.register([tagDef(id), tagDef('acme/line1/label', { dataType: 'String' })]);
      assert.ok(key !== undefined);
      const iso = (i: number) => new Date(T0 + i * 60_000).toISOString();
      const rows = Array.from({ length: 40 }, (_, i) => `${id},${iso(i)},${i * 1.5},`);
      const run = async (lines: string[], mode: 'insert' | 'correct' = 'insert') => {
        const corrected: ImportConflict[] = [];
        const r = await importCsv(h, Readable.from([`${lines.join('\n')}\n`]), {
          mode,
          batchSize: 7, // several batches, and rows of one file compared with rows of an earlier batch
          onCorrecting: (cs) => corrected.push(...cs),
        });
        return { r, corrected };
      };
      const first = await run(rows);
      assert.deepEqual([first.r.accepted, first.r.unchanged, first.r.conflicting], [40, 0, 0]);
      await backend.settle(h);
      const same = await run(rows);
      assert.deepEqual([same.r.accepted, same.r.unchanged, same.r.conflicting, same.r.corrected], [0, 40, 0, 0]);
      const changed = [...rows];
      changed[5] = `${id},${iso(5)},99,`; // line 6
      changed[39] = `${id},${iso(39)},,BadNoCommunication`; // line 40: the newest row
      changed.push(`${id},${iso(5)},98,`); // line 41: the same timestamp again in the same file
      const conflict = await run(changed);
      assert.deepEqual(
        [conflict.r.accepted, conflict.r.unchanged, conflict.r.conflicting, conflict.r.corrected],
        [0, 38, 3, 0],
      );
      assert.deepEqual(conflict.r.rows.conflicting, [6, 40, 41]);
      assert.deepEqual(conflict.r.conflicts[0], {
        line: 6,
        tag: id,
        ts: T0 + 5 * 60_000,
        stored: { value: 7.5, status: 0 },
        imported: { value: 99, status: 0 },
      });
      const values = async () => (await allRaw(h, key)).map((s) => [s.value, s.status]);
      const before = await values();
      assert.deepEqual(before[5], [7.5, 0], 'insert mode keeps the stored value');
      const fix = await run(changed.slice(0, 40), 'correct');
      assert.deepEqual([fix.r.accepted, fix.r.unchanged, fix.r.conflicting, fix.r.corrected], [0, 38, 0, 2]);
      assert.deepEqual(
        fix.corrected.map((c) => [c.line, c.stored, c.imported]),
        [
          [6, { value: 7.5, status: 0 }, { value: 99, status: 0 }],
          [40, { value: 58.5, status: 0 }, { value: null, status: BAD }],
        ],
      );
      const audit = correctionAuditRecords(fix.corrected, 'test');
      assert.equal(audit.length, 1);
      assert.deepEqual((audit[0]?.details as { corrections?: unknown[] } | undefined)?.corrections?.[0], {
        tag: id,
        ts: iso(5),
        line: 6,
        old: { value: 7.5, status: 0 },
        new: { value: 99, status: 0 },
      });
      const after = await values();
      assert.deepEqual(after[5], [99, 0]);
      assert.deepEqual(after[39], [null, BAD]);
      assert.equal(after.length, 40);
      assert.deepEqual((await h.latest([key]))[0]?.status, BAD);
      // Once corrected, the corrected file is unchanged and the original one conflicts.
      const again = await run(changed.slice(0, 40));
      assert.deepEqual([again.r.unchanged, again.r.conflicting], [40, 0]);
      // Write-ahead audit: the replacements are announced before they are applied, and reported as
      // failed when applying them fails (here: the store refuses), with the stored values untouched.
      const failing = new Proxy(h, {
        get: (target, prop, recv) =>
          prop === 'correct'
            ? async () => {
                throw new Error('disk full');
              }
            : Reflect.get(target, prop, recv),
      });
      const events: string[] = [];
      await assert.rejects(
        importCsv(failing, Readable.from([`${id},${iso(7)},-1,\n`]), {
          mode: 'correct',
          onCorrecting: (cs) => events.push(`announce ${cs.length}`),
          onCorrectionFailed: (cs, err) => events.push(`failed ${cs.length}: ${err.message}`),
        }),
        /disk full/,
      );
      assert.deepEqual(events, ['announce 1', 'failed 1: disk full']);
      const failedEntry = correctionAuditRecords(fix.corrected, 'test', new Error('disk full'));
      assert.deepEqual(
        failedEntry.map((e) => [e.action, e.outcome, e.reason]),
        [['history.correct', 'failed', 'not applied: disk full']],
      );
      assert.deepEqual((await values())[7], [10.5, 0]);
      await h.close();
    });

    it('reports stats and keeps the database consistent', async () => {
      const path = await backend.newStore();
      const h = backend.open(path);
      await h.open();
      const b = new SampleBatch();
      for (let i = 0; i < 100; i++) b.push(1, T0 + i, T0 + i, i, 0);
      h.write(b);
      assert.deepEqual(
        { ...h.stats(), diskBytes: 0, lastFlushAt: 0 },
        {
          accepted: 100,
          persisted: 0,
          backlog: 100,
          diskBytes: 0,
          lastFlushAt: 0,
        },
      );
      await h.flush();
      const s = h.stats();
      assert.equal(s.persisted, 100);
      assert.ok(s.diskBytes > 0 && s.lastFlushAt !== undefined);
      await h.close();
      await backend.checkStore?.(path);
    });
  });
}
