import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import mqtt from 'mqtt';
import type { SampleBatch } from '../../../src/model/sample.js';
import { STATUS_BAD_NO_COMMUNICATION } from '../../../src/model/status.js';
import type { Sink } from '../../../src/pipeline/types.js';
import { SOURCE_KINDS } from '../../../src/sources/index.js';
import { mqttSourceSchema, parseJsonValue } from '../../../src/sources/mqtt/index.js';
import {
  brokerTarget,
  connectionTarget,
  startEmbeddedBroker,
  UnsPublisher,
  unsSchema,
} from '../../../src/uns/index.js';
import { waitFor } from '../../helpers/net.js';
import { tempDir } from '../../historian/helpers.js';
import { batchOf, def, MOSQUITTO_URL, openHistorian, silent } from '../../uns/helpers.js';
import { eventLog, recordingSink } from '../helpers.js';

const tmp = tempDir('gotthard-mqtt-src-');
after(() => tmp.cleanup());

function source(input: Record<string, unknown>) {
  const config = mqttSourceSchema.parse({
    kind: 'mqtt',
    name: 'devices',
    broker: { url: MOSQUITTO_URL },
    session: 'clean',
    ...input,
  });
  return SOURCE_KINDS.mqtt.create(config, { logger: silent } as never);
}

test('config: defaults and errors name the key', () => {
  const c = mqttSourceSchema.parse({ kind: 'mqtt', name: 'x', broker: { url: 'mqtts://b:8883' } });
  assert.equal(c.format, 'json');
  assert.equal(c.qos, 1);
  assert.equal(c.session, 'persistent');
  const bad = mqttSourceSchema.safeParse({ kind: 'mqtt', name: 'x', broker: { url: 'http://b' } });
  assert.deepEqual(bad.error?.issues[0]?.path, ['broker', 'url']);
  const share = mqttSourceSchema.safeParse({
    kind: 'mqtt',
    name: 'x',
    broker: { url: 'mqtt://b' },
    topics: ['$share/g/a/#'],
  });
  assert.match(share.error?.issues[0]?.message ?? '', /sharedGroup/);
  const cert = mqttSourceSchema.safeParse({ kind: 'mqtt', name: 'x', broker: { url: 'mqtts://b', certFile: 'c.pem' } });
  assert.deepEqual(cert.error?.issues[0]?.path, ['broker', 'keyFile']);
});

test('JSON payloads are validated one by one', () => {
  const now = 1_000;
  assert.deepEqual(parseJsonValue(Buffer.from('21.5'), now), {
    value: 21.5,
    kind: 'number',
    sourceTs: now,
    serverTs: now,
    status: 0,
  });
  const p = parseJsonValue(
    Buffer.from('{"value":true,"ts":"2026-03-01T00:00:00Z","unit":"-","quality":"Uncertain"}'),
    now,
  );
  assert.equal(p.value, 1);
  assert.equal(p.kind, 'boolean');
  assert.equal(p.sourceTs, Date.parse('2026-03-01T00:00:00Z'));
  assert.equal(p.status, 0x40000000);
  assert.equal(parseJsonValue(Buffer.from('RUNNING'), now).value, 'RUNNING');
  assert.throws(() => parseJsonValue(Buffer.from('{"value": 1, "ts": "yesterday"}'), now), /ts/);
  assert.throws(() => parseJsonValue(Buffer.from('{"val": 1}'), now), /value/);
  assert.throws(() => parseJsonValue(Buffer.from('{"value": 1'), now), /not JSON/);
  assert.throws(() => parseJsonValue(Buffer.from('{"value": 1, "statusCode": -4}'), now), /statusCode/);
});

test('JSON devices over Mosquitto: tag id from the topic, unit from the payload, a malformed message is reported and the others go on', async (t) => {
  const historian = await openHistorian(join(tmp.dir, 'json'));
  const prefix = `plant-${Date.now()}`;
  const { sink, rows } = recordingSink();
  const log = eventLog();
  const src = source({ topics: [`${prefix}/#`], topicPrefix: prefix });
  const dev = await mqtt.connectAsync(MOSQUITTO_URL);
  t.after(async () => {
    await src.stop();
    await dev.endAsync();
    await historian.close();
  });
  await src.start({ catalog: historian, sink, events: log.sink, log: silent });
  await waitFor('subscribed', () => src.health().state === 'connected', 5000, 20);
  const tp = `${prefix}/acme/zurich/pressing/line2/press1/hydraulics/pressure`;
  await dev.publishAsync(tp, JSON.stringify({ value: 180.5, ts: '2026-03-01T10:00:00.000Z', unit: 'bar' }), { qos: 1 });
  await dev.publishAsync(tp, '{"value": "oops', { qos: 1 });
  await dev.publishAsync(`${prefix}/acme/zurich/pressing/line2/press1/Motor/Running`, 'true', { qos: 1 });
  await dev.publishAsync(`${prefix}/onlyone`, '1', { qos: 1 });
  await dev.publishAsync(tp, JSON.stringify({ value: 181, ts: '2026-03-01T10:00:01.000Z', statusCode: 0x80050000 }), {
    qos: 1,
  });
  await waitFor('3 values', () => rows.length >= 3, 5000, 20);
  const tag = await historian.getTag('acme/zurich/pressing/line2/press1/hydraulics/pressure');
  assert.equal(tag?.unit, 'bar');
  assert.equal(tag?.assetPath, 'acme/zurich/pressing/line2/press1');
  assert.equal(tag?.lineage.nodeId, tp);
  const running = await historian.getTag('acme/zurich/pressing/line2/press1/motor/running');
  assert.equal(running?.dataType, 'Boolean');
  const pressure = rows.filter((r) => r.key === tag?.key);
  assert.deepEqual(
    pressure.map((r) => [r.value, r.sourceTs, r.status]),
    [
      [180.5, Date.parse('2026-03-01T10:00:00.000Z'), 0],
      [181, Date.parse('2026-03-01T10:00:01.000Z'), 0x80050000],
    ],
  );
  assert.equal(rows.find((r) => r.key === running?.key)?.value, 1);
  assert.equal(src.health().rejectedTags, 2, 'two messages rejected');
  const ev = log.events.find((e) => e.kind === 'message.rejected');
  assert.ok(ev, 'message.rejected event');
  assert.match(ev.message, /hydraulics\/pressure: payload is not JSON/);
});

test('edge → central over Mosquitto: UNS JSON publisher into the MQTT source, gap markers when the broker connection is lost', async (t) => {
  const dir = join(tmp.dir, 'roundtrip');
  const edge = await openHistorian(join(dir, 'edge'));
  const central = await openHistorian(join(dir, 'central'));
  const prefix = `rt-${Date.now()}`;
  const ids = ['cnc1', 'cnc2'].map((m) => `acme/zurich/machining/line1/${m}/spindle/speed`);
  const keys = await edge.register(ids.map((id) => def(id, { unit: 'rpm' })));
  const pub = new UnsPublisher({
    config: unsSchema.parse({ broker: { mode: 'external', url: MOSQUITTO_URL }, topicPrefix: prefix, retain: false }),
    nodeId: `rt-${Date.now()}`,
    groupId: 'g',
    target: connectionTarget({ url: MOSQUITTO_URL, rejectUnauthorized: true }, 'uns.broker'),
    outboxPath: join(dir, 'outbox.db'),
    tags: edge,
    logger: silent,
  });
  const { sink, rows } = recordingSink();
  const src = source({ topics: [`${prefix}/#`], topicPrefix: prefix, reconnect: { initialDelay: 200, maxDelay: 200 } });
  t.after(async () => {
    await pub.close();
    await src.stop();
    await edge.close();
    await central.close();
  });
  await src.start({ catalog: central, sink, events: eventLog().sink, log: silent });
  await waitFor('subscribed', () => src.health().state === 'connected', 5000, 20);
  await pub.start();
  const t0 = Date.parse('2026-03-01T00:00:00Z');
  for (let i = 0; i < 50; i++) pub.write(batchOf(keys.map((k) => [k, t0 + i * 100, i] as [number, number, number])));
  await pub.drained();
  await waitFor('100 values at the central side', () => rows.length >= 100, 10_000, 20);
  const tags = await central.listTags();
  assert.deepEqual(tags.map((x) => x.id).sort(), ids);
  assert.ok(tags.every((x) => x.unit === 'rpm'));
  for (const tag of tags) {
    assert.deepEqual(
      rows.filter((r) => r.key === tag.key).map((r) => [r.sourceTs, r.value]),
      Array.from({ length: 50 }, (_, i) => [t0 + i * 100, i]),
    );
  }
  // Kick the source off the broker by taking its client id: Mosquitto disconnects the older one.
  const clientId = `gotthard-devices-kick-${Date.now()}`;
  await src.stop();
  const src2 = source({
    topics: [`${prefix}/#`],
    topicPrefix: prefix,
    clientId,
    reconnect: { initialDelay: 2000, maxDelay: 2000 },
  });
  const rec2 = recordingSink();
  await src2.start({ catalog: central, sink: rec2.sink, events: eventLog().sink, log: silent });
  t.after(() => src2.stop());
  await waitFor('src2 subscribed', () => src2.health().state === 'connected', 5000, 20);
  pub.write(batchOf(keys.map((k) => [k, t0 + 10_000, 99] as [number, number, number])));
  await waitFor('values before the kick', () => rec2.rows.length >= 2, 5000, 20);
  const thief = await mqtt.connectAsync(MOSQUITTO_URL, { clientId, reconnectPeriod: 0 });
  await waitFor(
    'gap markers',
    () => rec2.rows.filter((r) => r.status === STATUS_BAD_NO_COMMUNICATION).length === 2,
    5000,
    20,
  );
  await thief.endAsync();
});

test('Sparkplug B: edge publisher → embedded broker → MQTT source; tag ids and units from the birth, rebirth requested for unknown aliases', async (t) => {
  const dir = join(tmp.dir, 'spb');
  const broker = await startEmbeddedBroker(
    {
      mode: 'embedded',
      host: '127.0.0.1',
      port: 0,
      users: [{ username: 'central', password: 'pw' }],
      allowAnonymous: false,
    },
    silent,
  );
  const edge = await openHistorian(join(dir, 'edge'));
  const central = await openHistorian(join(dir, 'central'));
  const [temp, running] = await edge.register([
    def('acme/zurich/machining/line1/cnc1/bearing/temperature', { unit: '°C' }),
    def('acme/zurich/machining/line1/cnc1/state/running', { dataType: 'Boolean' }),
  ]);
  const config = unsSchema.parse({ format: 'sparkplug' });
  const pub = new UnsPublisher({
    config,
    nodeId: 'edge1',
    groupId: 'acme-zurich',
    target: brokerTarget(config.broker, broker, 'uns.broker'),
    outboxPath: join(dir, 'outbox.db'),
    tags: edge,
    logger: silent,
  });
  const { sink, rows } = recordingSink();
  const log = eventLog();
  const src = source({ format: 'sparkplug', broker: { url: broker.url, username: 'central', password: 'pw' } });
  t.after(async () => {
    await src.stop();
    await pub.close();
    await broker.stop();
    await edge.close();
    await central.close();
  });
  // The edge node is born before the central hub subscribes: the central hub sees DDATA with aliases
  // it does not know, reports them and asks for a rebirth.
  await pub.start();
  await waitFor('edge connected', () => pub.health().state === 'connected', 5000, 20);
  await src.start({ catalog: central, sink, events: log.sink, log: silent });
  await waitFor('central connected', () => src.health().state === 'connected', 5000, 20);
  const t0 = Date.parse('2026-03-01T00:00:00Z');
  pub.write(
    batchOf([
      [temp as number, t0, 50.5],
      [running as number, t0, 1],
    ]),
  );
  await waitFor('values after the rebirth', () => rows.some((r) => r.sourceTs === t0 && r.value === 50.5), 10_000, 50);
  assert.ok(src.health().rejectedTags >= 1, 'the DDATA before the birth was reported');
  const tempTag = await central.getTag('acme/zurich/machining/line1/cnc1/bearing/temperature');
  assert.equal(tempTag?.unit, '°C');
  assert.equal(tempTag?.dataType, 'Double');
  const runTag = await central.getTag('acme/zurich/machining/line1/cnc1/state/running');
  assert.equal(runTag?.dataType, 'Boolean');
  // From now on, DDATA by alias arrives directly.
  const n = rows.length;
  for (let i = 1; i <= 20; i++) pub.write(batchOf([[temp as number, t0 + i * 1000, 50 + i]]));
  await waitFor(
    '20 more',
    () => rows.filter((r) => r.key === tempTag?.key && r.sourceTs > t0).length >= 20,
    10_000,
    20,
  );
  assert.deepEqual(
    rows
      .slice(n)
      .filter((r) => r.key === tempTag?.key && r.sourceTs > t0)
      .map((r) => r.value),
    Array.from({ length: 20 }, (_, i) => 51 + i),
  );
  // A malformed payload on a Sparkplug topic is reported and nothing else stops.
  const dev = await mqtt.connectAsync(broker.url, { username: 'central', password: 'pw' });
  await dev.publishAsync('spBv1.0/acme-zurich/DDATA/edge1/machining:line1:cnc1', Buffer.from([0xff, 0xff, 0xff]), {
    qos: 1,
  });
  await dev.endAsync();
  pub.write(batchOf([[temp as number, t0 + 99_000, 99]]));
  await waitFor('value after the malformed one', () => rows.some((r) => r.sourceTs === t0 + 99_000), 5000, 20);
  // The edge node goes away cleanly: NDEATH → gap markers for its tags.
  await pub.close();
  await waitFor(
    'gap markers on NDEATH',
    () => rows.filter((r) => r.status === STATUS_BAD_NO_COMMUNICATION).length >= 2,
    5000,
    20,
  );
});

test('shared subscription: two central hubs in one group split the messages, each exactly once', async (t) => {
  const prefix = `share-${Date.now()}`;
  const historian = await openHistorian(join(tmp.dir, 'share'));
  const a = recordingSink();
  const b = recordingSink();
  const srcA = source({
    name: 'central-a',
    topics: [`${prefix}/#`],
    topicPrefix: prefix,
    sharedGroup: `g${Date.now()}`,
    clientId: `a-${prefix}`,
  });
  const group = (srcA as unknown as { config: { sharedGroup: string } }).config.sharedGroup;
  const srcB = source({
    name: 'central-b',
    topics: [`${prefix}/#`],
    topicPrefix: prefix,
    sharedGroup: group,
    clientId: `b-${prefix}`,
  });
  const dev = await mqtt.connectAsync(MOSQUITTO_URL);
  t.after(async () => {
    await srcA.stop();
    await srcB.stop();
    await dev.endAsync();
    await historian.close();
  });
  await srcA.start({ catalog: historian, sink: a.sink, events: eventLog().sink, log: silent });
  await srcB.start({ catalog: historian, sink: b.sink, events: eventLog().sink, log: silent });
  await waitFor(
    'both subscribed',
    () => srcA.health().state === 'connected' && srcB.health().state === 'connected',
    5000,
    20,
  );
  const N = 200;
  for (let i = 0; i < N; i++) {
    await dev.publishAsync(`${prefix}/acme/zurich/a/l/m${i % 4}/x/y`, JSON.stringify({ value: i, ts: 1_000_000 + i }), {
      qos: 1,
    });
  }
  await waitFor('all messages', () => a.rows.length + b.rows.length >= N, 10_000, 20);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(a.rows.length + b.rows.length, N, 'each message exactly once');
  assert.ok(a.rows.length > 0 && b.rows.length > 0, `both hubs got a share (${a.rows.length} / ${b.rows.length})`);
  const values = [...a.rows, ...b.rows].map((r) => r.value as number).sort((x, y) => x - y);
  assert.deepEqual(
    values,
    Array.from({ length: N }, (_, i) => i),
  );
});

test('QoS 1: a message is acknowledged only once the sink made it durable; unacked messages come back', async (t) => {
  const prefix = `ack-${Date.now()}`;
  const historian = await openHistorian(join(tmp.dir, 'ack'));
  const dev = await mqtt.connectAsync(MOSQUITTO_URL);
  t.after(async () => {
    await dev.endAsync();
    await historian.close();
  });
  /** Runs a persistent-session source whose sink flush fails or succeeds; returns what the broker redelivers. */
  const round = async (name: string, durable: boolean) => {
    const clientId = `${prefix}-${name}`;
    const rows: number[] = [];
    let flushes = 0;
    const sink = {
      name: 'historian',
      write: (b: SampleBatch) => {
        for (let i = 0; i < b.length; i++) rows.push(b.valueAt(i) as number);
      },
      flush: async () => {
        flushes++;
        if (!durable) throw new Error('database down');
      },
      close: async () => undefined,
    } satisfies Sink;
    const src = source({
      name,
      topics: [`${prefix}/${name}/#`],
      topicPrefix: `${prefix}/${name}`,
      session: 'persistent',
      clientId,
    });
    await src.start({ catalog: historian, sink, events: eventLog().sink, log: silent });
    await waitFor('subscribed', () => src.health().state === 'connected', 5000, 20);
    for (let i = 0; i < 10; i++) {
      await dev.publishAsync(`${prefix}/${name}/acme/zurich/a/l/m/x`, JSON.stringify({ value: i, ts: 1_000_000 + i }), {
        qos: 1,
      });
    }
    await waitFor('every message handed to the sink', () => rows.length >= 10 && flushes > 0, 5000, 20);
    await src.stop();
    // The same session again, as a plain client: the broker resends what was not acknowledged.
    // (The handler is attached before CONNACK: the resent messages follow it at once.)
    const again = mqtt.connect(MOSQUITTO_URL, { clientId, clean: false });
    const redelivered: number[] = [];
    again.on('message', (_topic, payload) =>
      redelivered.push((JSON.parse(payload.toString()) as { value: number }).value),
    );
    await new Promise((r) => setTimeout(r, 700));
    await again.endAsync();
    await (await mqtt.connectAsync(MOSQUITTO_URL, { clientId, clean: true })).endAsync();
    return { rows, redelivered };
  };
  const failing = await round('down', false);
  assert.deepEqual(failing.rows, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(failing.redelivered, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'not durable → not acknowledged');
  const ok = await round('up', true);
  assert.deepEqual(ok.rows, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(ok.redelivered, [], 'durable → acknowledged, nothing comes back');
});
