import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { STATUS_BAD_NO_COMMUNICATION } from '../../src/model/status.js';
import { unsSchema } from '../../src/uns/config.js';
import { connectionTarget, type UnsJsonPayload, UnsPublisher } from '../../src/uns/index.js';
import { waitFor } from '../helpers/net.js';
import { tempDir } from '../historian/helpers.js';
import { batchOf, def, MOSQUITTO_URL, MosquittoProcess, openHistorian, recorder, silent } from './helpers.js';

const tmp = tempDir('gotthard-uns-');
after(() => tmp.cleanup());

test('JSON round trip through Mosquitto: topic = UNS path, payload fields, retained last value, QoS 1', async (t) => {
  const dir = join(tmp.dir, 'json');
  const historian = await openHistorian(dir);
  const run = `t${Date.now()}`;
  const prefix = `gotthard-test/${run}`;
  const [temp, running, mode] = await historian.register([
    def('acme/zurich/machining/line1/cnc1/bearing/temperature', { unit: '°C' }),
    def('acme/zurich/machining/line1/cnc1/state/running', { dataType: 'Boolean' }),
    def('acme/zurich/machining/line1/cnc1/state/mode', { dataType: 'String' }),
  ]);
  const sub = await recorder(MOSQUITTO_URL, [`${prefix}/#`]);
  const config = unsSchema.parse({ broker: { mode: 'external', url: MOSQUITTO_URL }, topicPrefix: prefix });
  const pub = new UnsPublisher({
    config,
    nodeId: `json-${run}`,
    groupId: 'acme-zurich',
    target: connectionTarget({ url: MOSQUITTO_URL, rejectUnauthorized: true }, 'uns.broker'),
    outboxPath: join(dir, 'outbox.db'),
    tags: historian,
    logger: silent,
  });
  t.after(async () => {
    await pub.close();
    await sub.client.endAsync();
    await historian.close();
  });
  await pub.start();
  const t0 = Date.parse('2026-03-01T10:00:00.000Z');
  pub.write(
    batchOf([
      [temp as number, t0, 41.5],
      [running as number, t0, 1],
      [mode as number, t0, 'AUTO'],
      [temp as number, t0 + 1000, Number.NaN, STATUS_BAD_NO_COMMUNICATION],
      [temp as number, t0 + 2000, 42.25, 0x40000000],
    ]),
  );
  // Accepted and not yet in the outbox (appended every 100 ms) is queued too: `queued: 0` means sent.
  assert.equal(pub.health().queued, 5, 'values accepted are queued at once');
  await waitFor('5 messages', () => sub.messages.length >= 5, 10_000, 50);
  const byTopic = (suffix: string) =>
    sub.messages
      .filter((m) => m.topic === `${prefix}/acme/zurich/machining/line1/cnc1/${suffix}`)
      .map((m) => JSON.parse(m.payload.toString()) as UnsJsonPayload);
  const temps = byTopic('bearing/temperature');
  assert.deepEqual(temps[0], {
    value: 41.5,
    unit: '°C',
    ts: '2026-03-01T10:00:00.000Z',
    serverTs: '2026-03-01T10:00:00.001Z',
    quality: 'Good',
    statusCode: 0,
    status: 'Good',
  });
  assert.equal(temps[1]?.value, null);
  assert.equal(temps[1]?.quality, 'Bad');
  assert.equal(temps[1]?.status, 'BadNoCommunication');
  assert.equal(temps[2]?.quality, 'Uncertain');
  assert.deepEqual(
    temps.map((p) => p.ts),
    ['2026-03-01T10:00:00.000Z', '2026-03-01T10:00:01.000Z', '2026-03-01T10:00:02.000Z'],
  );
  assert.equal(byTopic('state/running')[0]?.value, true);
  assert.equal(byTopic('state/mode')[0]?.value, 'AUTO');
  await pub.drained();
  assert.equal(pub.health().queued, 0);
  assert.equal(pub.health().delivered, 5);
  assert.equal(pub.health().state, 'connected');

  // A new subscriber gets the retained last value of each tag.
  const late = await recorder(MOSQUITTO_URL, [`${prefix}/#`]);
  t.after(() => late.client.endAsync());
  await waitFor('retained values', () => late.messages.length >= 3, 5000, 50);
  const retainedTemp = late.messages.find((m) => m.topic.endsWith('bearing/temperature'));
  assert.equal(retainedTemp?.retain, true);
  assert.equal((JSON.parse(retainedTemp?.payload.toString() ?? '{}') as UnsJsonPayload).value, 42.25);
  // Clear the retained messages so the shared broker stays clean.
  for (const topic of new Set(late.messages.map((m) => m.topic))) {
    await late.client.publishAsync(topic, '', { retain: true, qos: 1 });
  }
});

test('a broker outage loses nothing: values queue on disk and arrive in order per tag once it returns', async (t) => {
  const dir = join(tmp.dir, 'outage');
  const broker = new MosquittoProcess(join(dir, 'broker'));
  await broker.start();
  const historian = await openHistorian(dir);
  const ids = ['a', 'b', 'c'].map((m) => `acme/zurich/machining/line1/${m}/spindle/speed`);
  const keys = await historian.register(ids.map((id) => def(id)));
  const events: string[] = [];
  const config = unsSchema.parse({
    broker: { mode: 'external', url: broker.url },
    // The first retry comes 2 s after the loss: time for the test's subscriber to be back first.
    reconnect: { initialDelay: 2000, maxDelay: 2000, jitter: 0 },
    outbox: { batchRows: 50 },
  });
  const pub = new UnsPublisher({
    config,
    nodeId: 'outage',
    groupId: 'acme-zurich',
    target: connectionTarget({ url: broker.url, rejectUnauthorized: true }, 'uns.broker'),
    outboxPath: join(dir, 'outbox.db'),
    tags: historian,
    events: { emit: (e) => events.push(e.kind) },
    logger: silent,
  });
  const sub = await recorder(broker.url, ['acme/#'], { reconnectPeriod: 100 });
  t.after(async () => {
    await pub.close();
    sub.client.end(true);
    await broker.stop();
    await historian.close();
  });
  await pub.start();
  let n = 0;
  const t0 = Date.parse('2026-03-01T00:00:00Z');
  const produce = (count: number) => {
    for (let i = 0; i < count; i++, n++) {
      pub.write(batchOf(keys.map((k) => [k, t0 + n * 1000, n] as [number, number, number])));
    }
  };
  produce(100);
  await waitFor('first values delivered', () => pub.health().delivered >= 300, 10_000, 50);

  await broker.stop();
  await waitFor('outage noticed', () => pub.health().state === 'disconnected', 5000, 50);
  produce(400); // produced while the broker is away
  await pub.flush();
  assert.ok(pub.health().queued >= 1200, `queued ${pub.health().queued}`);

  await broker.start(broker.port);
  // mqtt.js reconnects the subscriber and subscribes again before the publisher's first retry.
  await waitFor('subscriber back', () => sub.client.connected, 5000, 20);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(pub.health().state, 'disconnected');
  const before = sub.messages.length;
  await waitFor('backlog delivered', () => pub.health().queued === 0 && pub.health().state === 'connected', 20_000, 50);
  produce(10);
  await pub.drained();
  const seen = () => new Set(sub.messages.slice(before).map((m) => `${m.topic} ${m.payload}`)).size;
  await waitFor('all replayed values seen', () => seen() >= 1230, 10_000, 50);

  for (const id of ids) {
    const values = sub.messages
      .slice(before)
      .filter((m) => m.topic === id)
      .map((m) => (JSON.parse(m.payload.toString()) as UnsJsonPayload).value as number);
    const unique = values.filter((v, i) => i === 0 || v !== values[i - 1]);
    assert.deepEqual(
      unique,
      Array.from({ length: 410 }, (_, i) => 100 + i),
      `in order, none lost for ${id}`,
    );
  }
  assert.ok(events.includes('connection.lost'));
  assert.ok(events.includes('connection.restored'));
});
