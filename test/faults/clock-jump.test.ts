import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Hub } from '../../src/hub/index.js';
import { qualityOf } from '../../src/model/status.js';
import { freePort } from '../helpers/net.js';
import { CounterPlant } from './fixtures/counter-plant.js';
import { counterHubConfig, counterIndex, pretrust, readAll, sleep, startHub, waitConnected } from './harness.js';

const TAGS = 20;
const INTERVAL = 100;
const HOUR = 3_600_000;

/**
 * Fault 7: the server's source clock jumps back one hour, then forward two hours (net +1 h), then
 * back to true time. The historian stores by source timestamp, so the jumped values land an hour
 * before / after the others. Demanded: no crash or reconnect; every produced value stored once
 * with exactly the source timestamp the server sent (findable in raw history over a wide range);
 * aggregates over the whole span and over each jumped span count exactly those values; and each
 * jump flagged by one `source.clock_jump` event naming its size and where the jumped values begin.
 * The values themselves are not altered; raw history returns them in source-time order, not arrival
 * order.
 */
describe('fault 7: source clock jumps backwards and forwards', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-fault7-'));
  let plant: CounterPlant | undefined;
  let hub: Hub | undefined;

  after(async () => {
    await hub?.stop();
    await plant?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores every value at its source timestamp, no crash, aggregates see every value', async () => {
    plant = new CounterPlant({
      port: await freePort(),
      pkiDir: join(dir, 'plant-pki'),
      tags: TAGS,
      intervalMs: INTERVAL,
    });
    await plant.start();
    const dataDir = join(dir, 'hub');
    await pretrust(dataDir, plant.certificateFile);
    hub = await startHub(counterHubConfig(dataDir, { endpoint: plant.endpoint }));
    await waitConnected(hub, TAGS);
    const fromIndex = plant.produced.ticks.length + 5;
    await sleep(2000);
    // phase index where each offset starts
    const phases: { offset: number; start: number }[] = [];
    for (const offset of [-HOUR, +HOUR, 0]) {
      phases.push({ offset, start: plant.produced.ticks.length });
      plant.clockOffsetMs = offset;
      await sleep(2000);
    }
    const toIndex = plant.produced.ticks.length - 5;
    await sleep(1000);
    const h = hub;
    assert.equal(h.health().sources[0]?.state, 'connected', 'the source stays connected');
    assert.equal(h.health().sources[0]?.reconnects, 0, 'no reconnect caused by the jumps');
    await h.historian.flush();

    const tags = (await h.historian.listTags()).filter((t) => counterIndex(t.lineage.nodeId) !== undefined);
    assert.equal(tags.length, TAGS);
    const wideFrom = Date.now() - 3 * HOUR;
    const wideTo = Date.now() + 3 * HOUR;
    let produced = 0;
    let stored = 0;
    let wrongTs = 0;
    const missing: string[] = [];
    let outOfArrivalOrder = 0;
    for (const t of tags) {
      const rows = (await readAll(h.historian, t.key, wideFrom, wideTo)).filter(
        (r) => qualityOf(r.status) === 'Good' && typeof r.value === 'number',
      );
      const byValue = new Map<number, number[]>();
      for (const r of rows) byValue.set(r.value as number, [...(byValue.get(r.value as number) ?? []), r.ts]);
      for (let i = fromIndex; i <= toIndex; i++) {
        const k = plant.produced.ticks[i] as number;
        const ts = plant.produced.sourceTs[i] as number;
        produced++;
        const found = byValue.get(k);
        if (!found) {
          if (missing.length < 10) missing.push(`tag ${t.key} tick ${k} (ts ${new Date(ts).toISOString()})`);
          continue;
        }
        stored++;
        if (found.length !== 1 || found[0] !== ts) wrongTs++;
      }
      // raw history is in source-time order: count where it disagrees with arrival (tick) order
      for (let i = 1; i < rows.length; i++)
        if ((rows[i]?.value as number) < (rows[i - 1]?.value as number)) outOfArrivalOrder++;

      // aggregates: one bucket per jumped span, and the whole span at once
      const all = await h.historian.aggregate({
        tagKey: t.key,
        from: wideFrom,
        to: wideTo,
        bucketMs: wideTo - wideFrom,
        fns: ['count', 'min', 'max', 'avg', 'twa'],
      });
      const allCount = all.reduce((n, b) => n + b.count, 0);
      assert.equal(allCount, rows.length, `tag ${t.key}: aggregate count over the whole span = raw rows`);
      assert.equal(all[0]?.min, Math.min(...rows.map((r) => r.value as number)));
      assert.equal(all[0]?.max, Math.max(...rows.map((r) => r.value as number)));
      for (const [p, phase] of phases.entries()) {
        if (phase.offset === 0) continue;
        const a = phase.start + 2; // skip a tick either side of the jump, which may straddle it
        const b = (phases[p + 1]?.start ?? toIndex) - 2;
        const fromTs = plant.produced.sourceTs[a] as number;
        const toTs = (plant.produced.sourceTs[b] as number) + 1;
        const [bucket] = await h.historian.aggregate({
          tagKey: t.key,
          from: fromTs,
          to: toTs,
          bucketMs: toTs - fromTs,
          fns: ['count', 'min', 'max'],
        });
        assert.equal(bucket?.count, b - a + 1, `tag ${t.key}: aggregate over the ${phase.offset / HOUR} h span`);
        assert.equal(bucket?.min, plant.produced.ticks[a]);
        assert.equal(bucket?.max, plant.produced.ticks[b]);
      }
    }
    const latest = await h.historian.latest([tags[0]?.key as number]);
    const lastTick = plant.produced.ticks.at(-1) as number;
    const msg =
      `produced ${produced}, stored ${stored} (${wrongTs} with another timestamp), silently missing ` +
      `${missing.length ? missing.join(', ') : 0}; raw rows out of arrival order: ${outOfArrivalOrder}; latest() ` +
      `of a tag returns tick ${latest[0]?.value} at ${new Date(latest[0]?.ts ?? 0).toISOString()} while the ` +
      `newest arrival is tick ${lastTick}`;
    assert.deepEqual(missing, [], msg);
    assert.equal(stored, produced, msg);
    // Flagged: one event per jump, oldest first, each the size of the step and starting where the
    // first value at the new offset lies in history (within a tick of the phase's first value).
    const jumps = (await h.historian.events({ source: 'counters', limit: 1000 }))
      .filter((e) => e.kind === 'source.clock_jump')
      .reverse();
    const seen = jumps.map((e) => `${Math.round(Number(e.details?.jumpMs) / 1000)} s`).join(', ');
    assert.equal(jumps.length, 3, `clock jump events: ${seen}`);
    for (const [i, e] of jumps.entries()) {
      const phase = phases[i]!;
      const expected = phase.offset - (phases[i - 1]?.offset ?? 0);
      assert.ok(Math.abs(Number(e.details?.jumpMs) - expected) < 1000, `jump ${i + 1}: ${seen}`);
      assert.equal(e.severity, 'warning');
      const firstTs = plant.produced.sourceTs[phase.start] as number;
      const since = Number(e.details?.sinceSourceTs);
      assert.ok(
        since >= firstTs && since <= firstTs + 1000,
        `jump ${i + 1} flagged from ${since}, first value ${firstTs}`,
      );
    }
    assert.equal(wrongTs, 0, msg);
    // The historian orders by source time: the −1 h span comes first, the +1 h span last.
    assert.ok(outOfArrivalOrder >= TAGS, msg);
    process.stderr.write(`# fault 7: ${msg}\n`);
  });
});
