import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
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
  TcpProxy,
  waitConnected,
} from './harness.js';

const TAGS = 50;

/**
 * Fault 2: the network between hub and server is cut: first black-holed (sockets stay open, no
 * byte passes, as when a cable is pulled behind a switch), then reset (RST on every connection and
 * on new ones), then healed. Every value must be stored or inside a marked gap window.
 */
describe('fault 2: network cut between hub and server', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-fault2-'));
  let plant: CounterPlant | undefined;
  let proxy: TcpProxy | undefined;
  let hub: Hub | undefined;

  after(async () => {
    await hub?.stop();
    await proxy?.stop();
    await plant?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('marks the gap and accounts for every value after black-hole, reset and heal', async () => {
    plant = new CounterPlant({ port: await freePort(), pkiDir: join(dir, 'plant-pki'), tags: TAGS, intervalMs: 100 });
    await plant.start();
    proxy = new TcpProxy(plant.options.port);
    const proxyPort = await proxy.start();
    const dataDir = join(dir, 'hub');
    await pretrust(dataDir, plant.certificateFile);
    hub = await startHub(
      counterHubConfig(dataDir, { endpoint: `opc.tcp://localhost:${proxyPort}`, requestTimeoutMs: 3000 }),
    );
    const h = hub;
    await waitConnected(h, TAGS);
    const fromTick = (plant.produced.ticks.at(-1) as number) + 5;
    await sleep(1500);

    const cutAt = Date.now();
    proxy.blackhole();
    await waitFor('the hub to notice the black hole', () => h.health().sources[0]?.state !== 'connected', 60_000);
    const noticedMs = Date.now() - cutAt;
    proxy.reset();
    await sleep(2000);
    proxy.heal();
    const healedTick = plant.produced.ticks.at(-1) as number;
    await waitFor('the connection to come back', () => h.health().sources[0]?.state === 'connected', 60_000);
    await waitFor(
      'values after the heal',
      async () => {
        const latest = await h.historian.latest();
        return latest.length >= TAGS && latest.every((l) => typeof l.value === 'number' && l.value > healedTick + 10);
      },
      30_000,
    );
    // values accepted within the last flush interval are not in raw history yet
    await h.historian.flush();
    const a = await accountHistorian(h.historian, plant.produced, fromTick, healedTick + 10);
    const msg = `${describeAccounting(a)}; black hole noticed after ${noticedMs} ms`;
    assert.deepEqual(a.silentlyMissing, [], msg);
    assert.equal(a.stored + a.inGap, a.produced, msg);
    assert.ok(a.badMarkers >= TAGS, `every tag has a BadNoCommunication marker: ${msg}`);
    assert.ok(a.longestGapMs < Date.now() - cutAt, `the gap window is bounded by the outage: ${msg}`);
    process.stderr.write(`# fault 2: ${msg}\n`);
  });
});
