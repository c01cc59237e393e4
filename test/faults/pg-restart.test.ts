import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Hub } from '../../src/hub/index.js';
import { qualityOf } from '../../src/model/status.js';
import { freePort, waitFor } from '../helpers/net.js';
import { CounterPlant } from './fixtures/counter-plant.js';
import { PgInstance, pgBinDir } from './fixtures/pg-instance.js';
import {
  account,
  counterHubConfig,
  counterIndex,
  describe as describeAccounting,
  pretrust,
  readAll,
  sleep,
  startHub,
  total,
  waitConnected,
} from './harness.js';

const TAGS = 200;
const INTERVAL = 100;
const DOWN_MS = 5000;

/**
 * Fault 4: the PostgreSQL server under the historian is restarted while the hub writes to it — once
 * like a crash (`pg_ctl stop -m immediate`: open transactions aborted, WAL replayed on start) and
 * once cleanly (`-m fast`: sessions terminated). A private cluster (initdb + pg_ctl on a free
 * port), never the shared one on 5432. Nothing accepted may be lost, nothing stored twice, and the
 * one-minute rollup must agree with the raw rows (a retried transaction must not count a value
 * twice).
 */
describe('fault 4: PostgreSQL restarted while writing', { timeout: 240_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-fault4-'));
  const pgDir = mkdtempSync(join(tmpdir(), 'gt-fault4-pg-'));
  let db: PgInstance | undefined;
  let plant: CounterPlant | undefined;
  let hub: Hub | undefined;

  after(async () => {
    await hub?.stop().catch(() => undefined);
    await plant?.stop();
    await db?.destroy();
    rmSync(dir, { recursive: true, force: true });
    rmSync(pgDir, { recursive: true, force: true });
  });

  it('loses nothing and stores nothing twice across a crash restart and a clean restart', async (t) => {
    const bin = pgBinDir();
    if (!bin) {
      t.skip('no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql; set GOTTHARD_PG_BIN');
      return;
    }
    const pgi = new PgInstance(pgDir, await freePort(), bin);
    db = pgi;
    await pgi.init();
    await pgi.start();

    const p = new CounterPlant({
      port: await freePort(),
      pkiDir: join(dir, 'plant-pki'),
      tags: TAGS,
      intervalMs: INTERVAL,
    });
    plant = p;
    await p.start();
    const dataDir = join(dir, 'hub');
    await pretrust(dataDir, p.certificateFile);
    hub = await startHub(
      counterHubConfig(
        dataDir,
        { endpoint: p.endpoint },
        {
          flushInterval: 200,
          historian: { engine: 'postgres', postgres: { connectionString: pgi.connectionString, schema: 'fault4' } },
        },
      ),
    );
    const h = hub;
    await waitConnected(h, TAGS);
    await waitFor('values in PostgreSQL', () => h.historian.stats().persisted > TAGS * 20, 30_000);
    const fromTick = (p.produced.ticks.at(-1) as number) + 5;
    const outages: string[] = [];

    for (const mode of ['immediate', 'fast'] as const) {
      await sleep(2000);
      const before = h.historian.stats().persisted;
      const t0 = Date.now();
      const during = await pgi.stopDuringWrite(mode);
      await waitFor('the historian to report the failed write', () => h.historian.stats().lastError, 20_000, 50);
      const lastError = h.historian.stats().lastError;
      await sleep(Math.max(0, DOWN_MS - (Date.now() - t0)));
      const backlog = h.historian.stats().backlog;
      assert.ok(backlog >= TAGS * 10, `the backlog grows while PostgreSQL is down (${backlog})`);
      await pgi.start();
      await waitFor(
        'writes to resume and the backlog to drain',
        () => {
          const s = h.historian.stats();
          return s.lastError === undefined && s.backlog < TAGS * 5 && s.persisted > before + backlog;
        },
        60_000,
      );
      outages.push(
        `${mode}: stopped during "${during}", down ${Date.now() - t0} ms, backlog ${backlog}, error "${lastError}"`,
      );
    }
    const toTick = (p.produced.ticks.at(-1) as number) - 10;
    await sleep(1000);
    await h.historian.flush();

    const tags = (await h.historian.listTags()).filter((tag) => counterIndex(tag.lineage.nodeId) !== undefined);
    assert.equal(tags.length, TAGS);
    const list: ReturnType<typeof account>[] = [];
    const rollup: string[] = [];
    for (const tag of tags) {
      const rows = await readAll(h.historian, tag.key);
      list.push(account(rows, p.produced, fromTick, toTick));
      // one bucket over the whole window: the engine answers whole minutes from its one-minute rollup
      const from = fromTick * INTERVAL;
      const to = toTick * INTERVAL + 1;
      const raw = rows.filter((r) => r.ts >= from && r.ts < to && qualityOf(r.status) === 'Good').length;
      const [bucket] = await h.historian.aggregate({ tagKey: tag.key, from, to, bucketMs: to - from, fns: ['count'] });
      if ((bucket?.count ?? 0) !== raw) rollup.push(`${tag.id}: aggregate count ${bucket?.count}, raw ${raw}`);
    }
    const a = total(list);
    const msg = `${describeAccounting(a)}; ${outages.join('; ')}`;
    assert.deepEqual(a.silentlyMissing, [], msg);
    assert.equal(a.inGap, 0, `nothing accepted is lost, no gap: ${msg}`);
    assert.equal(a.stored, a.produced, msg);
    assert.equal(a.duplicates, 0, `nothing stored twice: ${msg}`);
    assert.deepEqual(rollup.slice(0, 5), [], `aggregates agree with the raw rows: ${msg}`);
    process.stderr.write(`# fault 4: ${msg}\n`);
  });
});
