import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Hub } from '../../src/hub/index.js';
import { qualityOf } from '../../src/model/status.js';
import { freePort, waitFor } from '../helpers/net.js';
import {
  accountHistorian,
  counterHubConfig,
  counterIndex,
  describe as describeAccounting,
  killHard,
  pretrust,
  readAll,
  sleep,
  spawnTs,
  startHub,
  TcpProxy,
  waitConnected,
} from './harness.js';

const PLANT = fileURLToPath(new URL('./fixtures/counter-plant.ts', import.meta.url));
const TAGS = 20;
const INTERVAL = 100;
/** The default `liveness` of a source (the config sets none, so the default is what is tested). */
const LIVENESS = 5000;

interface Outage {
  /** When the peer went silent (wall clock of the test). */
  silentAt: number;
  noticedMs: number;
  /** Timestamp of the BadNoCommunication marker of one tag, and of the last Good value stored before it. */
  markerTs: number;
  lastGoodTs: number;
  lastContactAt: number;
}

/** What the hub recorded for the first outage after `silentAt`. */
async function outage(hub: Hub, silentAt: number, noticedAt: number): Promise<Outage> {
  await hub.historian.flush();
  const events = await hub.historian.events({ from: silentAt, limit: 100 });
  const lost = events.find((e) => e.kind === 'connection.lost');
  assert.ok(lost, `a connection.lost event: ${JSON.stringify(events.map((e) => e.kind))}`);
  const tag = (await hub.historian.listTags()).find((t) => counterIndex(t.lineage.nodeId) === 0);
  assert.ok(tag, 'counter tag C0');
  const rows = await readAll(hub.historian, tag.key);
  const i = rows.findIndex((r) => qualityOf(r.status) === 'Bad' && r.ts >= silentAt - 2000);
  assert.ok(i > 0, 'a Bad marker after a Good value');
  const good = rows.slice(0, i).filter((r) => qualityOf(r.status) === 'Good');
  return {
    silentAt,
    noticedMs: noticedAt - silentAt,
    markerTs: (rows[i] as { ts: number }).ts,
    lastGoodTs: (good.at(-1) as { ts: number }).ts,
    lastContactAt: (lost.details as { lastContactAt: number }).lastContactAt,
  };
}

function checkOutage(o: Outage, what: string): void {
  const msg = `${what}: ${JSON.stringify({ ...o, markerMinusSilent: o.markerTs - o.silentAt, markerMinusLastGood: o.markerTs - o.lastGoodTs })}`;
  assert.ok(o.noticedMs <= 2 * LIVENESS, `reported lost within 2 × liveness: ${msg}`);
  // The marker sits at the last contact (+1 ms), not where the loss was noticed (≈ liveness later).
  assert.equal(o.markerTs, o.lastContactAt + 1, `marker at the last contact: ${msg}`);
  assert.ok(o.markerTs <= o.silentAt + 500, `marker not after the peer went silent: ${msg}`);
  // Values come every 100 ms in 200 ms publishes: the last one stored is at most a few publishes
  // (plus the receive delay) before the marker.
  assert.ok(o.markerTs > o.lastGoodTs && o.markerTs - o.lastGoodTs < 1500, `marker right after the last value: ${msg}`);
  process.stderr.write(`# ${msg}\n`);
}

/**
 * Fault 9: the peer stops answering without closing anything. (a) The OPC UA server process is
 * frozen with SIGSTOP: its sockets stay open, the kernel even ACKs what the hub sends. (b) The link
 * silently drops every byte (a proxy that stops forwarding and closes nothing). The liveness
 * contract: reported lost within 2 × liveness (default 5 s), gap marker at the last value or
 * keep-alive received, reconnected once the peer answers again, every value stored or in the gap.
 */
describe('fault 9: a frozen server or a silent link is noticed by liveness', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-fault9-'));
  const produced = { ticks: [] as number[], sourceTs: [] as number[] };
  let child: ChildProcess | undefined;
  let proxy: TcpProxy | undefined;
  let hub: Hub | undefined;

  after(async () => {
    await hub?.stop();
    await proxy?.stop();
    if (child) await killHard(child);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports a SIGSTOPped server lost within 2 × liveness, marks the gap at the last contact, and a silent link too', async () => {
    const port = await freePort();
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
    proxy = new TcpProxy(port);
    const proxyPort = await proxy.start();
    const dataDir = join(dir, 'hub');
    await pretrust(dataDir, match[1] as string);
    const config = counterHubConfig(dataDir, { endpoint: `opc.tcp://localhost:${proxyPort}` });
    assert.equal(config.sources[0]?.kind === 'opcua' && config.sources[0].liveness, LIVENESS, 'default liveness');
    hub = await startHub(config);
    const h = hub;
    await waitConnected(h, TAGS);
    const fromTick = (produced.ticks.at(-1) as number) + 5;
    await sleep(2000);

    // (a) frozen server
    const frozenAt = Date.now();
    assert.ok(child.kill('SIGSTOP'));
    await waitFor('the hub to notice the frozen server', () => h.health().sources[0]?.state !== 'connected', 30_000);
    const a = await outage(h, frozenAt, Date.now());
    checkOutage(a, 'SIGSTOP');
    await sleep(1000);
    assert.ok(child.kill('SIGCONT'));
    await waitFor(
      'the connection to come back after SIGCONT',
      () => h.health().sources[0]?.state === 'connected' && h.health().sources[0]?.reconnects === 1,
      60_000,
    );
    await sleep(1500);

    // (b) silent link
    const cutAt = Date.now();
    proxy.blackhole();
    await waitFor('the hub to notice the silent link', () => h.health().sources[0]?.state !== 'connected', 30_000);
    const b = await outage(h, cutAt, Date.now());
    checkOutage(b, 'black hole');
    proxy.heal();
    await waitFor(
      'the connection to come back after the heal',
      () => h.health().sources[0]?.state === 'connected' && h.health().sources[0]?.reconnects === 2,
      60_000,
    );
    const healedTick = produced.ticks.at(-1) as number;
    await waitFor(
      'values after the heal',
      async () => {
        const latest = await h.historian.latest();
        return latest.length >= TAGS && latest.every((l) => typeof l.value === 'number' && l.value > healedTick + 5);
      },
      30_000,
    );
    await h.historian.flush();
    const acc = await accountHistorian(h.historian, produced, fromTick, healedTick + 5);
    const msg = describeAccounting(acc);
    assert.deepEqual(acc.silentlyMissing, [], msg);
    assert.equal(acc.stored + acc.inGap, acc.produced, msg);
    assert.ok(acc.badMarkers >= 2 * TAGS, `every tag has a marker per outage: ${msg}`);
    const events = await h.historian.events({ from: frozenAt - 1000, limit: 100 });
    assert.equal(events.filter((e) => e.kind === 'connection.lost').length, 2, JSON.stringify(events));
    assert.equal(events.filter((e) => e.kind === 'connection.restored').length, 2, JSON.stringify(events));
    process.stderr.write(
      `# fault 9: frozen server noticed after ${a.noticedMs} ms, silent link after ${b.noticedMs} ms (liveness ${LIVENESS} ms); ${msg}\n`,
    );
  });
});
