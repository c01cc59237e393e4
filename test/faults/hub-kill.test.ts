import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { createSqliteHistorian } from '../../src/historian/index.js';
import { qualityOf, STATUS_BAD_NO_COMMUNICATION } from '../../src/model/status.js';
import { testAuth } from '../helpers/auth.js';
import { freePort, waitFor } from '../helpers/net.js';
import { CounterPlant } from './fixtures/counter-plant.js';
import { counterIndex, killHard, log, pretrust, readAll, type StoredRow, sleep } from './harness.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const TAGS = 50;
const INTERVAL = 100;
const FLUSH = 500;
const PUBLISH = 200;

interface Health {
  sources: { state: string; details: { monitoredItems?: number } }[];
  historian: { persisted: number; backlog: number };
}

/** `gotthard start --config FILE` as a child process; `health()` reads /api/v1/health. */
async function startHubProcess(configFile: string, port: number, headers: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'start', '--config', configFile], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}/api/v1/health`;
  const health = async (): Promise<Health | undefined> => {
    try {
      return (await (await fetch(url, { headers })).json()) as Health;
    } catch {
      return undefined;
    }
  };
  const t0 = Date.now();
  await waitFor(
    'the hub process to connect with every counter',
    async () => {
      if (child.exitCode !== null) throw new Error(`hub exited (${child.exitCode}): ${stderr}`);
      const h = await health();
      return h?.sources[0]?.state === 'connected' && (h.sources[0]?.details.monitoredItems ?? 0) >= TAGS;
    },
    90_000,
  );
  return { child, health, startMs: Date.now() - t0 };
}

/**
 * Fault 5: the hub process is SIGKILLed mid-ingest and started again on the same data folder. The
 * historian must open intact, keep everything it had made durable, and the loss is bounded: every
 * produced value is stored, or lies in the window between the last durable value before the kill
 * and the first value after the restart. The restarted hub marks that window itself: a
 * BadNoCommunication row per tag inside it (src/hub/downtime.ts) and a `hub.downtime` warning event
 * saying the previous run did not stop cleanly. Its length is checked against flush interval +
 * publishing interval + downtime.
 */
describe('fault 5: hub SIGKILLed mid-ingest and restarted', { timeout: 240_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-fault5-'));
  let plant: CounterPlant | undefined;
  let hub: ChildProcess | undefined;

  after(async () => {
    if (hub) await killHard(hub);
    await plant?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('historian intact, durable values kept, loss bounded by the flush interval plus downtime', async () => {
    plant = new CounterPlant({
      port: await freePort(),
      pkiDir: join(dir, 'plant-pki'),
      tags: TAGS,
      intervalMs: INTERVAL,
    });
    await plant.start();
    const dataDir = join(dir, 'hub');
    await pretrust(dataDir, plant.certificateFile);
    const port = await freePort();
    const configFile = join(dir, 'gotthard.yaml');
    const auth = testAuth('viewer');
    writeFileSync(
      configFile,
      JSON.stringify({
        dataDir,
        log: { level: 'warn' },
        assets: { enterprise: { id: 'acme' }, sites: [{ id: 'zurich' }] },
        http: { host: '127.0.0.1', port },
        historian: { flushInterval: FLUSH },
        security: auth.security,
        sources: [
          {
            kind: 'opcua',
            name: 'counters',
            endpoint: plant.endpoint,
            securityMode: 'SignAndEncrypt',
            securityPolicy: 'Basic256Sha256',
            assetPrefix: 'acme/zurich',
            browse: [{ root: '/Objects/Counters', levels: ['area', 'line', 'machine'], variableTypes: 'all' }],
            subscription: { publishingIntervalMs: PUBLISH, samplingIntervalMs: 0, queueSize: 1000 },
            reconnect: { initialDelay: 200, maxDelay: 1000 },
          },
        ],
      }),
    );

    const first = await startHubProcess(configFile, port, auth.headers);
    hub = first.child;
    const fromTick = (plant.produced.ticks.at(-1) as number) + 10;
    await sleep(4000);
    // The last figure the hub reported before dying: at least this many values were durable.
    const before = await first.health();
    assert.ok(before && before.historian.persisted > 0, 'the hub stored values before the kill');
    await killHard(first.child);
    const killedAt = Date.now();
    const killTick = plant.produced.ticks.at(-1) as number;
    await sleep(2000);

    const restartedAt = Date.now();
    const second = await startHubProcess(configFile, port, auth.headers);
    hub = second.child;
    const reconnectedAt = Date.now();
    await sleep(3000);
    const toTick = (plant.produced.ticks.at(-1) as number) - 10;
    // A clean stop this time, so the file can be opened by the test alone.
    const exited = new Promise((r) => second.child.once('exit', r));
    second.child.kill('SIGTERM');
    await exited;
    hub = undefined;
    const stoppedTick = plant.produced.ticks.at(-1) as number;

    const path = join(dataDir, 'historian.db');
    const ro = new Database(path, { readonly: true });
    const integrity = ro.pragma('integrity_check', { simple: true });
    ro.close();
    assert.equal(integrity, 'ok', 'SQLite integrity_check after the kill and restart');

    const historian = createSqliteHistorian({ path, logger: log });
    await historian.open();
    try {
      const tags = (await historian.listTags()).filter((t) => counterIndex(t.lineage.nodeId) !== undefined);
      assert.equal(tags.length, TAGS, 'every counter tag is registered once, across both runs');
      let produced = 0;
      let stored = 0;
      let inCrashWindow = 0;
      let duplicates = 0;
      let durableBeforeKill = 0;
      let longestLostMs = 0;
      let longestWindowMs = 0;
      let marked = 0;
      const missing: string[] = [];
      const unmarked: string[] = [];
      for (const t of tags) {
        const rows: StoredRow[] = await readAll(historian, t.key);
        const good = rows.filter((r) => qualityOf(r.status) === 'Good' && typeof r.value === 'number');
        const values = good.map((r) => r.value as number);
        const seen = new Set<number>();
        for (const v of values) {
          if (seen.has(v)) duplicates++;
          seen.add(v);
        }
        durableBeforeKill += values.filter((v) => v <= killTick).length;
        // The crash window: last value made durable by the first run, first value of the second.
        const lastDurable = Math.max(...values.filter((v) => v <= killTick));
        const firstAfter = Math.min(...values.filter((v) => v > lastDurable));
        assert.ok(Number.isFinite(lastDurable) && Number.isFinite(firstAfter), `tag ${t.key}: values on both sides`);
        // …marked as a gap by the restarted hub: a Bad row between the two.
        const from = good.find((r) => r.value === lastDurable)!.ts;
        const to = good.find((r) => r.value === firstAfter)!.ts;
        if (rows.some((r) => r.ts > from && r.ts < to && r.status >>> 0 === STATUS_BAD_NO_COMMUNICATION)) marked++;
        else if (unmarked.length < 10) unmarked.push(`tag ${t.key} (${lastDurable}…${firstAfter})`);
        longestLostMs = Math.max(longestLostMs, (killTick - lastDurable) * INTERVAL);
        longestWindowMs = Math.max(longestWindowMs, (firstAfter - lastDurable) * INTERVAL);
        for (const k of plant.produced.ticks) {
          if (k < fromTick || k > toTick) continue;
          produced++;
          if (seen.has(k)) stored++;
          else if (k > lastDurable && k < firstAfter) inCrashWindow++;
          else if (missing.length < 10) missing.push(`tag ${t.key} tick ${k}`);
        }
      }
      const downtimeMs = reconnectedAt - killedAt;
      const msg =
        `produced ${produced}, stored ${stored}, in the crash window ${inCrashWindow}, silently missing ` +
        `${missing.length ? missing.join(', ') : 0}, duplicates ${duplicates}; durable before the kill: ` +
        `${durableBeforeKill} (hub reported ≥ ${before.historian.persisted}); lost before the kill ≤ ` +
        `${longestLostMs} ms (flush ${FLUSH} + publish ${PUBLISH} ms); crash window ≤ ${longestWindowMs} ms; ` +
        `downtime ${downtimeMs} ms (dead ${restartedAt - killedAt} ms, restart to connected ${second.startMs} ms)`;
      assert.deepEqual(missing, [], msg);
      assert.deepEqual(unmarked, [], `crash windows without a gap marker (${marked} marked): ${msg}`);
      const downtime = (await historian.events({ limit: 1000 })).filter((e) => e.kind === 'hub.downtime');
      assert.equal(downtime.length, 1, `one hub.downtime event: ${JSON.stringify(downtime)}`);
      assert.equal(downtime[0]?.severity, 'warning');
      assert.equal(downtime[0]?.details?.clean, false, 'a SIGKILLed run did not stop cleanly');
      assert.ok(Number(downtime[0]?.details?.markedTags) >= TAGS, `marked: ${downtime[0]?.details?.markedTags}`);
      assert.equal(duplicates, 0, msg);
      assert.equal(stored + inCrashWindow, produced, msg);
      assert.ok(stored > 0 && stoppedTick > killTick, msg);
      assert.ok(durableBeforeKill >= before.historian.persisted, `values durable before the kill survive: ${msg}`);
      // Values accepted but not yet flushed die with the process: at most one flush interval, plus
      // what was still in the server's publish queue (one publishing interval), plus a tick of slack.
      assert.ok(longestLostMs <= FLUSH + PUBLISH + 2 * INTERVAL, `loss before the kill bounded: ${msg}`);
      assert.ok(longestWindowMs <= FLUSH + PUBLISH + downtimeMs + 2 * INTERVAL, `crash window bounded: ${msg}`);
      process.stderr.write(`# fault 5: ${msg}\n`);
    } finally {
      await historian.close();
    }
  });
});
