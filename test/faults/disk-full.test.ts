import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Hub } from '../../src/hub/index.js';
import { freePort, waitFor } from '../helpers/net.js';
import { CounterPlant } from './fixtures/counter-plant.js';
import {
  accountHistorian,
  counterHubConfig,
  describe as describeAccounting,
  pretrust,
  sleep,
  startHub,
  waitConnected,
} from './harness.js';

const TAGS = 1000;

function canMount(): boolean {
  return process.getuid?.() === 0 && process.platform === 'linux';
}

/**
 * Fault 6: the historian's folder is a 2 MB tmpfs that fills up while values arrive. The hub must
 * say so clearly (health and log), keep what it accepted in memory, and write it all once the
 * tmpfs is grown again (space returns), with no value lost.
 */
describe('fault 6: data directory on a full disk', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-fault6-'));
  const mnt = join(dir, 'small');
  let mounted = false;
  let plant: CounterPlant | undefined;
  let hub: Hub | undefined;

  after(async () => {
    await hub?.stop();
    await plant?.stop();
    if (mounted) execFileSync('umount', ['-l', mnt]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports the full disk, keeps the backlog and resumes by itself when space returns', async (t) => {
    if (!canMount()) {
      t.skip('needs root on Linux to mount a small tmpfs');
      return;
    }
    mkdirSync(mnt);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mnt]);
    mounted = true;
    plant = new CounterPlant({ port: await freePort(), pkiDir: join(dir, 'plant-pki'), tags: TAGS, intervalMs: 100 });
    await plant.start();
    const dataDir = join(dir, 'hub');
    await pretrust(dataDir, plant.certificateFile);
    hub = await startHub(
      counterHubConfig(
        dataDir,
        { endpoint: plant.endpoint },
        { flushInterval: 200, historianPath: join(mnt, 'historian.db') },
      ),
    );
    const h = hub;
    await waitConnected(h, TAGS);
    const fromTick = (plant.produced.ticks.at(-1) as number) + 5;

    const full = await waitFor(
      'the disk to fill and the historian to say so',
      () => {
        const s = h.historian.stats();
        return s.lastError !== undefined && s.backlog > 0 ? s : undefined;
      },
      120_000,
    );
    assert.match(full.lastError ?? '', /disk|full|SQLITE_FULL/i);
    // the backlog grows while the disk is full: the values are kept, not dropped
    await sleep(2000);
    const later = h.historian.stats();
    assert.ok(later.backlog > full.backlog, `backlog grows (${full.backlog} → ${later.backlog})`);

    execFileSync('mount', ['-o', 'remount,size=256m', mnt]);
    const fullTick = plant.produced.ticks.at(-1) as number;
    await waitFor(
      'the backlog to drain',
      () => {
        const s = h.historian.stats();
        // values keep arriving: less than one second of them outstanding means the backlog is written
        return s.lastError === undefined && s.backlog < TAGS * 10;
      },
      60_000,
    );
    await sleep(1000);
    await h.historian.flush();
    const a = await accountHistorian(h.historian, plant.produced, fromTick, fullTick + 5, 50);
    const msg = describeAccounting(a);
    assert.deepEqual(a.silentlyMissing, [], msg);
    assert.equal(a.inGap, 0, `nothing accepted is lost, no gap: ${msg}`);
    assert.equal(a.stored, a.produced, msg);
    const events = await h.historian.events({ limit: 1000 });
    assert.ok(
      events.some((e) => e.kind === 'historian.write-failed'),
      'the failure is recorded as an event once space returns',
    );
    process.stderr.write(`# fault 6: ${msg}; backlog peaked above ${later.backlog}\n`);
  });
});
