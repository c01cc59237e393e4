import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SampleBatch } from '../../../src/model/sample.js';
import { SourceClockWatch } from '../../../src/sources/opcua/clock.js';

const T0 = Date.UTC(2026, 11, 6, 8, 0, 0);
const HOUR = 3_600_000;

/**
 * Feeds one NotificationMessage published at `publishTime`, whose values carry source timestamps
 * `publishTime + offset` for each offset (ServerTimestamp equal to SourceTimestamp, as node-opcua
 * servers stamp them).
 */
function feed(w: SourceClockWatch, publishTime: number, ...offsets: number[]) {
  const b = new SampleBatch(offsets.length);
  for (const [i, o] of offsets.entries()) b.push(i, publishTime + o, publishTime + o, i, 0);
  return w.observe(b, publishTime);
}

describe('SourceClockWatch: jumps of the device clock', () => {
  it('accepts the first steady offset silently; stale initial values and queued values do not count', () => {
    const w = new SourceClockWatch(10_000);
    // Initial values: unchanged for hours.
    assert.equal(feed(w, T0, -5 * HOUR, -3 * HOUR), undefined);
    for (let i = 1; i <= 3; i++) assert.equal(feed(w, T0 + i * 200, -120, -20), undefined);
    assert.equal(w.offsetMs, -20, 'the newest value decides, not the stale ones');
    // A batch with values queued during an outage next to live ones: the live ones decide.
    for (let i = 4; i <= 8; i++) assert.equal(feed(w, T0 + i * 200, -HOUR, -30), undefined);
    assert.equal(w.offsetMs, -20);
  });

  it('reports a jump once it held for 3 notifications, with where the jumped values begin', () => {
    const w = new SourceClockWatch(10_000);
    for (let i = 0; i < 3; i++) feed(w, T0 + i * 200, 0);
    assert.equal(feed(w, T0 + 1000, -HOUR), undefined);
    assert.equal(feed(w, T0 + 1200, -HOUR - 50), undefined);
    assert.deepEqual(feed(w, T0 + 1400, -HOUR + 30), {
      fromOffsetMs: 0,
      toOffsetMs: -HOUR,
      jumpMs: -HOUR,
      sincePublishTime: T0 + 1000,
      sinceSourceTs: T0 + 1000 - HOUR,
    });
    // …and forward by two hours, reported against the new offset.
    feed(w, T0 + 2000, HOUR);
    feed(w, T0 + 2200, HOUR);
    assert.equal(feed(w, T0 + 2400, HOUR)?.jumpMs, 2 * HOUR);
    assert.equal(w.offsetMs, HOUR);
  });

  it('ignores a single odd notification, steps within the threshold, and is off at 0', () => {
    const w = new SourceClockWatch(10_000);
    for (let i = 0; i < 3; i++) feed(w, T0 + i * 200, 0);
    assert.equal(feed(w, T0 + 1000, HOUR), undefined);
    assert.equal(feed(w, T0 + 1200, 0), undefined, 'back to normal: the candidate is dropped');
    assert.equal(feed(w, T0 + 1400, HOUR), undefined);
    assert.equal(feed(w, T0 + 1600, HOUR), undefined, 'two in a row are not yet a jump');
    for (let i = 0; i < 5; i++) assert.equal(feed(w, T0 + 2000 + i * 200, 8000), undefined);
    assert.equal(w.offsetMs, 0, 'an 8 s step is within the 10 s threshold');
    const off = new SourceClockWatch(0);
    for (let i = 0; i < 10; i++) assert.equal(feed(off, T0 + i * 200, i * HOUR), undefined);
    assert.equal(off.offsetMs, undefined);
  });
});
