import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { validateConfig } from '../../src/config/index.js';
import { createSqliteHistorian } from '../../src/historian/index.js';
import { AliveFile, markDowntime } from '../../src/hub/downtime.js';
import { DEMO_ASSETS, Hub } from '../../src/hub/index.js';
import { SampleBatch } from '../../src/model/sample.js';
import { qualityOf, STATUS_BAD_NO_COMMUNICATION, statusName } from '../../src/model/status.js';
import type { HubEvent } from '../../src/pipeline/types.js';
import { testAuth } from '../helpers/auth.js';
import { freePort, waitFor } from '../helpers/net.js';
import { tagDef, tempDir } from '../historian/helpers.js';

const log = pino({ level: process.env.GOTTHARD_TEST_LOG ?? 'silent' });
const T0 = Date.UTC(2026, 11, 6, 8, 0, 0);

describe('the hub marks its own downtime as a gap', () => {
  const tmp = tempDir('gt-downtime-');
  after(() => tmp.cleanup());

  it('AliveFile: nothing on a first start or from a damaged file; a clean stop records when', () => {
    const file = join(tmp.dir, 'a.alive');
    const alive = new AliveFile(file, 60_000);
    assert.equal(alive.read(), undefined, 'first start');
    writeFileSync(file, '{"aliveAt": "yesterday"');
    assert.equal(alive.read(), undefined, 'damaged file');
    const before = Date.now();
    alive.start();
    const running = alive.read();
    assert.ok(running && running.aliveAt >= before && running.stoppedAt === undefined, JSON.stringify(running));
    assert.equal(running.pid, process.pid);
    alive.stop(true);
    const stopped = alive.read();
    assert.ok(stopped?.stoppedAt !== undefined && stopped.stoppedAt >= running.aliveAt, readFileSync(file, 'utf8'));
    alive.stop(false);
    assert.equal(alive.read()?.stoppedAt, undefined, 'a stop whose historian failed to close counts as a crash');
  });

  it('marks the tags of gap-marking sources whose newest value is not Bad, at the last moment alive', async () => {
    const h = createSqliteHistorian({ path: join(tmp.dir, 'h.db'), logger: log });
    await h.open();
    try {
      const lineage = (source: string, id: string) => ({ source, endpoint: 'opc.tcp://127.0.0.1:4840', nodeId: id });
      const [early, late, lost, future, imported] = await h.register([
        tagDef('acme/zurich/a/l/m/early', { lineage: lineage('plc', 'ns=1;s=early') }),
        tagDef('acme/zurich/a/l/m/late', { lineage: lineage('plc', 'ns=1;s=late') }),
        tagDef('acme/zurich/a/l/m/lost', { lineage: lineage('plc', 'ns=1;s=lost') }),
        tagDef('acme/zurich/a/l/m/future', { lineage: lineage('plc', 'ns=1;s=future') }),
        tagDef('acme/zurich/a/l/m/imported', { lineage: lineage('import', 'ns=1;s=imported') }),
      ]);
      const b = new SampleBatch();
      b.push(early!, T0 - 60_000, T0 - 60_000, 1, 0); // unchanged for a minute before the crash
      b.push(late!, T0 + 1500, T0 + 1500, 2, 0); // stored after the last heartbeat
      b.push(lost!, T0 - 5000, T0 - 5000, 3, 0);
      b.push(lost!, T0 - 4000, T0 - 4000, Number.NaN, STATUS_BAD_NO_COMMUNICATION); // connection lost before
      b.push(future!, T0 + 3_600_000, T0 + 3_600_000, 4, 0); // a server clock an hour ahead
      b.push(imported!, T0 - 1000, T0 - 1000, 5, 0);
      h.write(b);
      await h.flush();

      const events: HubEvent[] = [];
      const now = T0 + 30_000;
      const event = await markDowntime({
        previous: { aliveAt: T0, pid: 4242 },
        now,
        historian: h,
        sink: h,
        events: { emit: (e) => events.push(e) },
        sources: new Set(['plc']),
      });
      await h.flush();
      assert.equal(events.length, 1);
      assert.equal(event, events[0]);
      assert.equal(event?.kind, 'hub.downtime');
      assert.equal(event?.severity, 'warning', 'a run that did not stop cleanly is a warning');
      assert.match(event!.message, /not stopped cleanly/);
      assert.deepEqual(event?.details, {
        since: T0,
        downMs: 30_000,
        clean: false,
        markedTags: 2,
        bySource: { plc: 2 },
        previousPid: 4242,
      });

      const rows = async (key: number) =>
        (await h.raw({ tagKey: key, from: T0 - 3_600_000, to: T0 + 7_200_000, limit: 100 })).samples.map(
          (s) => `${s.ts - T0}:${qualityOf(s.status) === 'Bad' ? statusName(s.status) : s.value}`,
        );
      assert.deepEqual(await rows(early!), ['-60000:1', '0:BadNoCommunication'], 'marked when last alive');
      assert.deepEqual(await rows(late!), ['1500:2', '1501:BadNoCommunication'], 'marked after its newest value');
      assert.deepEqual(await rows(lost!), ['-5000:3', '-4000:BadNoCommunication'], 'already a gap: unchanged');
      assert.deepEqual(await rows(future!), ['3600000:4'], 'no marker in the future');
      assert.deepEqual(await rows(imported!), ['-1000:5'], 'tags of other sources are left alone');

      // A clean stop: marked at the stop, an info event; a first start: nothing at all.
      const clean = await markDowntime({
        previous: { aliveAt: now + 1000, stoppedAt: now + 1000 },
        now: now + 10_000,
        historian: h,
        sink: h,
        events: { emit: () => undefined },
        sources: new Set(['plc']),
      });
      assert.equal(clean?.severity, 'info');
      assert.equal(clean?.details?.clean, true);
      assert.equal(clean?.details?.markedTags, 0, 'every plc tag already ends in a gap marker or lies ahead');
      const first = await markDowntime({
        previous: undefined,
        now,
        historian: h,
        sink: h,
        events: { emit: () => assert.fail('no event on a first start') },
        sources: new Set(['plc']),
      });
      assert.equal(first, undefined);
    } finally {
      await h.close();
    }
  });

  it('a hub stopped and started again on the same data folder marks every demo tag at the stop', {
    timeout: 120_000,
  }, async () => {
    const dataDir = join(tmp.dir, 'hub');
    const auth = testAuth('viewer');
    const config = validateConfig(
      {
        dataDir,
        assets: DEMO_ASSETS,
        http: { port: 0 },
        historian: { flushInterval: 200 },
        demo: { port: await freePort(), seed: 7 },
        security: auth.security,
      },
      { env: {} },
    );
    const first = new Hub(config, { logger: log, demo: true });
    let second: Hub | undefined;
    try {
      await first.start();
      await waitFor('values stored', () => first.historian.stats().persisted > 0, 60_000);
      await first.stop();
      const stoppedAt = JSON.parse(readFileSync(join(dataDir, 'hub.alive'), 'utf8')).stoppedAt as number;
      assert.ok(stoppedAt > 0, 'a clean stop is recorded');

      second = new Hub(config, { logger: log, demo: true });
      await second.start();
      const h = second.historian;
      const demoTags = (await h.listTags()).filter((t) => t.lineage.source === 'demo-plant');
      assert.ok(demoTags.length > 50, `demo tags: ${demoTags.length}`);
      const events = await h.events({ from: stoppedAt, limit: 100 });
      const downtime = events.find((e) => e.kind === 'hub.downtime');
      assert.ok(downtime, `events: ${events.map((e) => e.kind).join(', ')}`);
      assert.equal(downtime.severity, 'info');
      assert.equal(downtime.details?.clean, true);
      assert.equal(downtime.details?.since, stoppedAt);
      // Every demo tag stored in the first run ends that run with a marker at the stop (or just after
      // its newest value), before anything of the second run. (Raw history reads what is flushed.)
      await h.flush();
      let marked = 0;
      for (const t of demoTags) {
        const page = await h.raw({ tagKey: t.key, from: stoppedAt - 60_000, to: Date.now() + 60_000, limit: 1000 });
        const marker = page.samples.find((s) => s.status >>> 0 === STATUS_BAD_NO_COMMUNICATION && s.ts >= stoppedAt);
        if (!marker) continue;
        marked++;
        assert.ok(
          page.samples.every((s) => s.ts <= marker.ts || s.ts >= downtime.ts),
          `tag ${t.id}: nothing stored between the marker and the restart`,
        );
      }
      assert.equal(marked, downtime.details?.markedTags);
      assert.ok(marked > 50, `marked ${marked} of ${demoTags.length} demo tags`);
    } finally {
      await first.stop();
      await second?.stop();
    }
  });
});
