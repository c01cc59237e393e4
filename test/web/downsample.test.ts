import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { bucketsFor, downsampleBuckets } from '../../src/api/downsample.js';
import { trendSeries } from '../../src/api/routes/trend.js';
import { createSqliteHistorian, type Historian } from '../../src/historian/index.js';
import { SampleBatch } from '../../src/model/sample.js';
import { STATUS_BAD_NO_COMMUNICATION } from '../../src/model/status.js';
import type { TagRecord } from '../../src/model/tag.js';

const log = pino({ level: 'silent' });
const T0 = Date.UTC(2026, 0, 5, 0, 0, 0);

/** Downsampling against the real SQLite historian: the aggregates it returns are what the route draws. */
describe('trend downsampling (M4 over historian aggregates)', () => {
  let historian: Historian;
  let tag: TagRecord;
  const N = 86_400; // one day at 1 Hz
  const peakAt = 43_210;
  const dipAt = 70_001;
  const gapFrom = 20_000;
  const gapTo = 23_600; // one hour without data, opened by a BadNoCommunication marker

  before(async () => {
    historian = createSqliteHistorian({
      path: join(mkdtempSync(join(tmpdir(), 'gt-ds-')), 'h.db'),
      flushIntervalMs: 50,
      logger: log,
    });
    await historian.open();
    const [key] = await historian.register([
      {
        id: 'acme/zurich/machining/line1/cnc1/bearing/temperature',
        assetPath: 'acme/zurich/machining/line1/cnc1',
        name: 'Temperature',
        dataType: 'Double',
        unit: '°C',
        lineage: { source: 'plc', endpoint: 'opc.tcp://plc:4840', nodeId: 'ns=1;s=T' },
      },
    ]);
    tag = (await historian.getTag('acme/zurich/machining/line1/cnc1/bearing/temperature')) as TagRecord;
    assert.equal(tag.key, key);
    const b = new SampleBatch(N);
    for (let s = 0; s < N; s++) {
      const ts = T0 + s * 1000;
      if (s === gapFrom) {
        b.push(key as number, ts, ts, Number.NaN, STATUS_BAD_NO_COMMUNICATION);
        continue;
      }
      if (s > gapFrom && s < gapTo) continue;
      // A smooth signal between 40 and 60, one single-sample spike to 180 and one dip to -5.
      const v = s === peakAt ? 180 : s === dipAt ? -5 : 50 + 10 * Math.sin(s / 3000);
      b.push(key as number, ts, ts, Math.round(v * 10) / 10, 0);
    }
    historian.write(b);
    await historian.flush();
  });

  after(async () => {
    await historian?.close();
  });

  it('keeps single-sample peaks and dips exactly at any resolution', async () => {
    for (const maxPoints of [40, 400, 2000]) {
      const { series } = await trendSeries(historian, tag, T0, T0 + N * 1000, maxPoints);
      assert.ok(series.t.length <= maxPoints, `${series.t.length} points for maxPoints ${maxPoints}`);
      const values = series.v.filter((v): v is number => v !== null);
      assert.equal(Math.max(...values), 180, `peak kept with maxPoints ${maxPoints}`);
      assert.equal(Math.min(...values), -5, `dip kept with maxPoints ${maxPoints}`);
      for (let i = 1; i < series.t.length; i++) {
        assert.ok((series.t[i] as number) >= (series.t[i - 1] as number), 'timestamps never go back');
      }
    }
  });

  it('draws the recorded gap as a gap and never interpolates across it', async () => {
    const { series } = await trendSeries(historian, tag, T0, T0 + N * 1000, 2000);
    const gapStart = T0 + gapFrom * 1000;
    const gapEnd = T0 + gapTo * 1000;
    const nullIdx = series.v.findIndex((v, i) => v === null && (series.t[i] as number) <= gapStart + 60_000);
    assert.ok(nullIdx > 0, 'a null marks the start of the gap');
    // No drawn point inside the gap, and the point after the null is after the gap.
    for (let i = 0; i < series.t.length; i++) {
      const t = series.t[i] as number;
      if (t > gapStart + 60_000 && t < gapEnd - 60_000)
        assert.fail(`a point at ${new Date(t).toISOString()} inside the gap`);
    }
    // No line segment (two consecutive non-null points) spans the gap.
    for (let i = 1; i < series.t.length; i++) {
      if (series.v[i] === null || series.v[i - 1] === null) continue;
      const a = series.t[i - 1] as number;
      const b = series.t[i] as number;
      assert.ok(
        !(a <= gapStart && b >= gapEnd),
        `a line from ${new Date(a).toISOString()} to ${new Date(b).toISOString()} bridges the gap`,
      );
    }
    assert.ok(
      series.t.some((t, i) => t >= gapEnd && series.v[i] !== null),
      'the line resumes after the gap',
    );
  });

  it('a bucket with only Bad samples is a gap; buckets without samples are not (report by exception)', () => {
    const s = downsampleBuckets(
      [
        { ts: 0, count: 2, badCount: 0, min: 1, max: 3, first: 1, last: 3, firstTs: 0, lastTs: 9 },
        { ts: 10, count: 0, badCount: 0 },
        { ts: 20, count: 1, badCount: 0, min: 4, max: 4, first: 4, last: 4, firstTs: 25, lastTs: 25 },
        { ts: 30, count: 0, badCount: 3, min: null, max: null, first: null, last: null },
        { ts: 40, count: 1, badCount: 0, min: 5, max: 5, first: 5, last: 5, firstTs: 41, lastTs: 41 },
      ],
      { bucketMs: 10 },
    );
    assert.deepEqual(s.t, [0, 9, 25, 30, 41]);
    assert.deepEqual(s.v, [1, 3, 4, null, 5]);
  });

  it('a bucket mixing Good and Bad samples is cut off on both sides', () => {
    const s = downsampleBuckets(
      [
        { ts: 0, count: 1, badCount: 0, min: 1, max: 1, first: 1, last: 1, firstTs: 5, lastTs: 5 },
        { ts: 10, count: 2, badCount: 1, min: 2, max: 8, first: 8, last: 2, firstTs: 11, lastTs: 17 },
        { ts: 20, count: 1, badCount: 0, min: 3, max: 3, first: 3, last: 3, firstTs: 22, lastTs: 22 },
      ],
      { bucketMs: 10 },
    );
    const nulls = s.v.flatMap((v, i) => (v === null ? [s.t[i]] : []));
    assert.equal(nulls.length, 2, `two gaps around the mixed bucket: ${JSON.stringify(s)}`);
    assert.ok((nulls[0] as number) <= 11 && (nulls[1] as number) >= 17);
    assert.ok(s.v.includes(8) && s.v.includes(2), 'its Good extremes are still drawn');
  });

  it('maxGap turns long silent stretches into gaps', () => {
    const buckets = [
      { ts: 0, count: 1, badCount: 0, min: 1, max: 1, first: 1, last: 1, firstTs: 0, lastTs: 0 },
      { ts: 100, count: 1, badCount: 0, min: 2, max: 2, first: 2, last: 2, firstTs: 100, lastTs: 100 },
    ];
    assert.deepEqual(downsampleBuckets(buckets, { bucketMs: 10 }).v, [1, 2]);
    assert.deepEqual(downsampleBuckets(buckets, { bucketMs: 10, maxGapMs: 50 }).v, [1, null, 2]);
  });

  it('bucketsFor leaves room for 4 points per bucket plus carry-in and carry-out', () => {
    assert.equal(bucketsFor(2000), 499);
    assert.ok(bucketsFor(2000) * 4 + 2 <= 2000);
  });
});
