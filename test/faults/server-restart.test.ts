import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Hub } from '../../src/hub/index.js';
import { freePort, waitFor } from '../helpers/net.js';
import {
  accountHistorian,
  counterHubConfig,
  describe as describeAccounting,
  killHard,
  pretrust,
  sleep,
  spawnTs,
  startHub,
  waitConnected,
} from './harness.js';

const PLANT = fileURLToPath(new URL('./fixtures/counter-plant.ts', import.meta.url));
const TAGS = 50;
const INTERVAL = 100;

/**
 * Fault 1: the OPC UA server process is SIGKILLed and started again on the same port with the same
 * certificate. Every value it produced must be stored or lie in a gap window marked BadNoCommunication.
 */
describe('fault 1: OPC UA server process killed and restarted', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-fault1-'));
  const produced = { ticks: [] as number[], sourceTs: [] as number[] };
  let child: ChildProcess | undefined;
  let hub: Hub | undefined;

  after(async () => {
    await hub?.stop();
    if (child) await killHard(child);
    rmSync(dir, { recursive: true, force: true });
  });

  const startPlant = async (port: number) => {
    const { child: c, match } = await spawnTs(
      PLANT,
      [String(port), join(dir, 'plant-pki'), String(TAGS), String(INTERVAL)],
      /^ready (.+)$/,
      {
        onLine: (line) => {
          const m = /^tick (\d+)$/.exec(line);
          if (m) {
            produced.ticks.push(Number(m[1]));
            produced.sourceTs.push(Number(m[1]) * INTERVAL);
          }
        },
      },
    );
    child = c;
    return match[1] as string;
  };

  it('accounts for every value across the restart', async () => {
    const port = await freePort();
    const cert = await startPlant(port);
    const dataDir = join(dir, 'hub');
    await pretrust(dataDir, cert);
    hub = await startHub(counterHubConfig(dataDir, { endpoint: `opc.tcp://localhost:${port}` }));
    await waitConnected(hub, TAGS);
    const fromTick = (produced.ticks.at(-1) as number) + 5;
    await sleep(2000);

    await killHard(child as ChildProcess);
    const killedAt = Date.now();
    await waitFor('the hub to notice', () => hub?.health().sources[0]?.state !== 'connected', 30_000);
    await sleep(3000);
    await startPlant(port);
    const restartTick = produced.ticks.at(-1) as number;
    const h = hub;
    await waitFor(
      'values after the restart',
      () => h.health().sources[0]?.state === 'connected' && h.health().sources[0]?.reconnects === 1,
      60_000,
    );
    await sleep(2000);
    const toTick = restartTick + 10;
    await h.historian.flush();
    const a = await accountHistorian(h.historian, produced, fromTick, toTick);
    const msg = describeAccounting(a);
    assert.deepEqual(a.silentlyMissing, [], msg);
    assert.ok(a.stored > 0 && a.stored + a.inGap === a.produced, msg);
    assert.ok(a.badMarkers >= TAGS, `every tag has a BadNoCommunication marker: ${msg}`);
    assert.ok(a.longestGapMs < Date.now() - killedAt + 1000, `gap window bounded by the outage: ${msg}`);
    const events = await h.historian.events({ limit: 100 });
    assert.ok(events.some((e) => e.kind === 'connection.lost'));
    assert.ok(events.some((e) => e.kind === 'connection.restored'));
    process.stderr.write(`# fault 1: ${msg}\n`);
  });
});
