import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import type { Hub } from '../../src/hub/index.js';
import { freePort, waitFor } from '../helpers/net.js';
import { MosquittoProcess } from '../uns/helpers.js';
import { CounterPlant } from './fixtures/counter-plant.js';
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

const TAGS = 50;
const INTERVAL = 100;
const OUTAGE_MS = Number(process.env.GOTTHARD_FAULT3_OUTAGE_MS ?? 60_000);
const BATCH_ROWS = 500;

const sinkOf = (h: Hub) => h.health().sinks?.[0];

/**
 * Fault 3: the MQTT broker the hub publishes the UNS to is stopped for 60 s while values keep
 * arriving, then started again. A private Mosquitto (own port, own persistence folder, never the
 * shared one on 1883) and a subscriber with a persistent session (clean: false, QoS 1), so the
 * broker keeps the subscriber's queue across its own restart: whatever the broker acknowledged
 * reaches the subscriber. Every value the hub stored must reach the subscriber exactly once; a
 * redelivery is only allowed for the one batch in flight when the broker went away (QoS 1 is
 * at-least-once: a PUBLISH whose PUBACK was lost is sent again).
 */
describe('fault 3: MQTT broker stopped for 60 s while publishing', { timeout: OUTAGE_MS + 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-fault3-'));
  let plant: CounterPlant | undefined;
  let broker: MosquittoProcess | undefined;
  let sub: MqttClient | undefined;
  let hub: Hub | undefined;

  after(async () => {
    await hub?.stop();
    sub?.end(true);
    await broker?.stop();
    await plant?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers every stored value exactly once after the broker returns', async () => {
    plant = new CounterPlant({
      port: await freePort(),
      pkiDir: join(dir, 'plant-pki'),
      tags: TAGS,
      intervalMs: INTERVAL,
    });
    const p = plant;
    await p.start();
    const b = new MosquittoProcess(join(dir, 'broker'));
    broker = b;
    await b.start();

    // tag id → value → deliveries (live messages only: a retained copy sent on subscribe is no delivery)
    const delivered = new Map<string, Map<number, number>>();
    let messages = 0;
    sub = await mqtt.connectAsync(b.url, { clientId: 'fault3-subscriber', clean: false, reconnectPeriod: 200 });
    sub.on('message', (topic, payload, packet) => {
      if (packet.retain) return;
      const v = (JSON.parse(payload.toString()) as { value: unknown }).value;
      if (typeof v !== 'number') return;
      messages++;
      const m = delivered.get(topic) ?? new Map<number, number>();
      delivered.set(topic, m);
      m.set(v, (m.get(v) ?? 0) + 1);
    });
    await sub.subscribeAsync('acme/#', { qos: 1 });

    const dataDir = join(dir, 'hub');
    await pretrust(dataDir, p.certificateFile);
    const config = counterHubConfig(
      dataDir,
      { endpoint: p.endpoint },
      {
        uns: {
          nodeId: 'fault3',
          broker: { mode: 'external', url: b.url },
          reconnect: { initialDelay: 500, maxDelay: 5000 },
          outbox: { batchRows: BATCH_ROWS },
        },
      },
    );
    hub = await startHub(config);
    const h = hub;
    await waitConnected(h, TAGS);
    await waitFor('UNS values at the subscriber', () => messages > TAGS * 10, 30_000);
    const fromTick = (p.produced.ticks.at(-1) as number) + 5;
    await sleep(2000);

    await b.stop();
    const stoppedAt = Date.now();
    const stopTick = p.produced.ticks.at(-1) as number;
    await waitFor('the hub to notice the broker is gone', () => sinkOf(h)?.state === 'disconnected', 30_000);
    const queuedEarly = sinkOf(h)?.queued ?? 0;
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt)));
    const queuedLate = sinkOf(h)?.queued ?? 0;
    assert.ok(queuedLate > queuedEarly, `the outbox grows during the outage (${queuedEarly} → ${queuedLate})`);

    await b.start(b.port);
    const backTick = p.produced.ticks.at(-1) as number;
    const toTick = backTick + 20;
    await waitFor('the hub to reconnect', () => sinkOf(h)?.state === 'connected', 60_000);
    await waitFor('the source to pass the last accounted tick', () => (p.produced.ticks.at(-1) ?? 0) > toTick + 5);
    await h.historian.flush();
    const tags = (await h.historian.listTags()).filter((t) => counterIndex(t.lineage.nodeId) !== undefined);
    assert.equal(tags.length, TAGS);
    await waitFor(
      'every tag delivered up to the last accounted tick',
      () => tags.every((t) => [...(delivered.get(t.id)?.keys() ?? [])].some((v) => v >= toTick)),
      60_000,
    );
    await sleep(1000);
    const sink = sinkOf(h);

    // 1. the historian holds every produced value (the OPC UA side had no fault)
    const stored: ReturnType<typeof account>[] = [];
    // 2. every produced value reached the subscriber; duplicates only around the stop
    const mqttAcc: ReturnType<typeof account>[] = [];
    const dupTicks: number[] = [];
    for (const t of tags) {
      const rows = await readAll(h.historian, t.key);
      stored.push(account(rows, p.produced, fromTick, toTick));
      const got = delivered.get(t.id) ?? new Map<number, number>();
      const asRows = [...got.entries()].flatMap(([v, n]) =>
        Array.from({ length: n }, () => ({ ts: v * INTERVAL, value: v, status: 0 })),
      );
      asRows.sort((a, b) => a.ts - b.ts);
      const a = account(asRows, p.produced, fromTick, toTick);
      mqttAcc.push(a);
      for (const [v, n] of got) if (n > 1 && v >= fromTick && v <= toTick) dupTicks.push(v);
    }
    const s = total(stored);
    const m = total(mqttAcc);
    const msg = `historian: ${describeAccounting(s)}; MQTT: ${describeAccounting(m)}; outbox peaked above ${queuedLate}, now ${sink?.queued}, delivered ${sink?.delivered}, dropped ${sink?.dropped}`;
    assert.deepEqual(s.silentlyMissing, [], msg);
    assert.equal(s.stored, s.produced, msg);
    assert.deepEqual(m.silentlyMissing, [], msg);
    assert.equal(m.stored, m.produced, `every value reached the subscriber: ${msg}`);
    assert.equal(sink?.dropped, 0, msg);
    // At-least-once: only values in flight when the broker stopped may come twice.
    assert.ok(m.duplicates <= BATCH_ROWS, `at most one in-flight batch redelivered: ${msg}`);
    for (const k of dupTicks) {
      assert.ok(
        Math.abs(k - stopTick) <= (2 * BATCH_ROWS) / TAGS + 20,
        `duplicate of tick ${k} far from the stop at tick ${stopTick}: ${msg}`,
      );
    }
    const events = await h.historian.events({ limit: 1000 });
    assert.ok(
      events.some((e) => e.kind === 'connection.lost' && /UNS broker/.test(e.message)),
      'connection.lost event',
    );
    assert.ok(
      events.some((e) => e.kind === 'connection.restored' && /UNS broker/.test(e.message)),
      'connection.restored event',
    );
    process.stderr.write(`# fault 3: ${msg}; outage ${OUTAGE_MS} ms\n`);
  });
});
