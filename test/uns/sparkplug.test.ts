import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import mqtt from 'mqtt';
// The independent side: sparkplug-payload's own decoder, in a plain mqtt.js subscriber.
import sparkplugPayload from 'sparkplug-payload';
import { unsSchema } from '../../src/uns/config.js';
import { brokerTarget, startEmbeddedBroker, UnsPublisher } from '../../src/uns/index.js';
import { waitFor } from '../helpers/net.js';
import { tempDir } from '../historian/helpers.js';
import { batchOf, def, openHistorian, recorder, silent } from './helpers.js';

const spb = sparkplugPayload.get('spBv1.0');
if (!spb) throw new Error('no spBv1.0 codec');
const tmp = tempDir('gotthard-spb-');
after(() => tmp.cleanup());

const num = (v: unknown) => (typeof v === 'number' ? v : Number((v as { toString(): string }).toString()));

test('embedded broker: authentication refuses a bad password and anonymous clients', async (t) => {
  const broker = await startEmbeddedBroker(
    {
      mode: 'embedded',
      host: '127.0.0.1',
      port: 0,
      users: [{ username: 'scada', password: 's3cret' }],
      allowAnonymous: false,
    },
    silent,
  );
  t.after(() => broker.stop());
  assert.notEqual(broker.port, 1883);
  const ok = await mqtt.connectAsync(broker.url, { username: 'scada', password: 's3cret', reconnectPeriod: 0 });
  await ok.endAsync();
  await assert.rejects(
    mqtt.connectAsync(broker.url, { username: 'scada', password: 'wrong', reconnectPeriod: 0 }),
    /Bad username or password|Not authorized/i,
  );
  await assert.rejects(
    mqtt.connectAsync(broker.url, { reconnectPeriod: 0 }),
    /Bad username or password|Not authorized/i,
  );
});

test('embedded broker refuses a port in use with a config error naming the key', async (t) => {
  const a = await startEmbeddedBroker(
    { mode: 'embedded', host: '127.0.0.1', port: 0, users: [], allowAnonymous: true },
    silent,
  );
  t.after(() => a.stop());
  await assert.rejects(
    startEmbeddedBroker({ mode: 'embedded', host: '127.0.0.1', port: a.port, users: [], allowAnonymous: true }, silent),
    (e: Error & { code?: string }) => e.code === 'GT_CONFIG_INVALID' && /uns\.broker\.port/.test(e.message),
  );
});

test('Sparkplug B over the embedded broker: births with aliases, DDATA seq wraps, rebirth on NCMD, NDEATH will with bdSeq', async (t) => {
  const dir = join(tmp.dir, 'spb');
  const broker = await startEmbeddedBroker(
    {
      mode: 'embedded',
      host: '127.0.0.1',
      port: 0,
      users: [{ username: 'scada', password: 'pw' }],
      allowAnonymous: false,
    },
    silent,
  );
  const historian = await openHistorian(dir);
  const [temp, speed, running] = await historian.register([
    def('acme/zurich/machining/line1/cnc1/bearing/temperature', { unit: '°C' }),
    def('acme/zurich/machining/line1/cnc1/spindle/speed', { unit: 'rpm' }),
    def('acme/zurich/machining/line1/cnc2/state/running', { dataType: 'Boolean' }),
  ]);
  const sub = await recorder(broker.url, ['spBv1.0/#'], { username: 'scada', password: 'pw' });
  const config = unsSchema.parse({ format: 'sparkplug', outbox: { batchRows: 1 } });
  const pub = new UnsPublisher({
    config,
    nodeId: 'edge1',
    groupId: 'acme-zurich',
    target: brokerTarget(config.broker, broker, 'uns.broker'),
    outboxPath: join(dir, 'outbox.db'),
    tags: historian,
    logger: silent,
  });
  t.after(async () => {
    await pub.close();
    await sub.client.endAsync();
    await broker.stop();
    await historian.close();
  });
  await pub.start();
  const decoded = () =>
    sub.messages
      .filter((m) => !m.topic.includes('/NCMD/'))
      .map((m) => {
        const p = spb.decodePayload(m.payload);
        return {
          topic: m.topic,
          seq: p.seq === undefined || p.seq === null ? undefined : num(p.seq),
          metrics: p.metrics ?? [],
        };
      });
  await waitFor('births', () => sub.messages.length >= 3, 5000, 20);
  const [nbirth, dbirth1, dbirth2] = decoded();
  assert.equal(nbirth?.topic, 'spBv1.0/acme-zurich/NBIRTH/edge1');
  assert.equal(nbirth?.seq, 0);
  const bdSeq = num(nbirth?.metrics.find((m) => m.name === 'bdSeq')?.value);
  assert.ok(nbirth?.metrics.some((m) => m.name === 'Node Control/Rebirth' && m.value === false));
  assert.deepEqual([dbirth1?.topic, dbirth2?.topic].sort(), [
    'spBv1.0/acme-zurich/DBIRTH/edge1/machining:line1:cnc1',
    'spBv1.0/acme-zurich/DBIRTH/edge1/machining:line1:cnc2',
  ]);
  assert.deepEqual([dbirth1?.seq, dbirth2?.seq], [1, 2]);
  const cnc1Birth = [dbirth1, dbirth2].find((d) => d?.topic.endsWith('cnc1'));
  const aliasOf = new Map<number, string>();
  for (const d of [dbirth1, dbirth2])
    for (const m of d?.metrics ?? []) aliasOf.set(num(m.alias), m.properties?.unsPath?.value as string);
  const tempMetric = cnc1Birth?.metrics.find((m) => m.name === 'bearing/temperature');
  assert.equal(tempMetric?.type, 'Double');
  assert.equal(tempMetric?.properties?.engUnit?.value, '°C');
  assert.equal(tempMetric?.properties?.unsPath?.value, 'acme/zurich/machining/line1/cnc1/bearing/temperature');
  assert.equal(aliasOf.size, 3, 'one distinct alias per metric');

  // 300 DDATA messages (one value per round): seq goes 3..255, 0, 1, ... with no gap.
  const t0 = Date.parse('2026-03-01T00:00:00Z');
  for (let i = 0; i < 300; i++) pub.write(batchOf([[i % 2 ? (temp as number) : (speed as number), t0 + i * 1000, i]]));
  pub.write(batchOf([[running as number, t0 + 301_000, 1]]));
  await pub.drained();
  await waitFor('all DDATA', () => decoded().filter((d) => d.topic.includes('/DDATA/')).length >= 301, 10_000, 50);
  const all = decoded();
  const seqs = all.map((d) => d.seq);
  for (let i = 1; i < seqs.length; i++)
    assert.equal(seqs[i], ((seqs[i - 1] as number) + 1) % 256, `seq continues at message ${i}`);
  assert.ok(seqs.includes(255) && seqs.lastIndexOf(0) > 0, 'seq wrapped');
  const ddata = all.filter((d) => d.topic.includes('/DDATA/'));
  const values = ddata
    .filter((d) => d.topic.endsWith('cnc1'))
    .flatMap((d) => d.metrics.map((m) => [aliasOf.get(num(m.alias)), num(m.value), num(m.timestamp)] as const));
  assert.equal(values.length, 300);
  values.forEach(([path, v, ts], i) => {
    assert.equal(
      path,
      i % 2 ? 'acme/zurich/machining/line1/cnc1/bearing/temperature' : 'acme/zurich/machining/line1/cnc1/spindle/speed',
    );
    assert.equal(v, i);
    assert.equal(ts, t0 + i * 1000);
  });
  const runningMsg = ddata.find((d) => d.topic.endsWith('cnc2'));
  assert.equal(runningMsg?.metrics[0]?.value, true);
  assert.equal(runningMsg?.metrics[0]?.name, undefined, 'DDATA uses the alias, not the name');

  // Rebirth on request: NCMD Node Control/Rebirth → NBIRTH (seq 0, same bdSeq) and every DBIRTH again.
  const before = decoded().length;
  await sub.client.publishAsync(
    'spBv1.0/acme-zurich/NCMD/edge1',
    Buffer.from(
      spb.encodePayload({
        timestamp: Date.now(),
        metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }],
      }),
    ),
  );
  await waitFor('rebirth', () => decoded().length >= before + 3, 5000, 20);
  const reborn = decoded().slice(before);
  assert.equal(reborn[0]?.topic, 'spBv1.0/acme-zurich/NBIRTH/edge1');
  assert.equal(reborn[0]?.seq, 0);
  assert.equal(num(reborn[0]?.metrics.find((m) => m.name === 'bdSeq')?.value), bdSeq);
  assert.deepEqual(
    reborn.slice(1, 3).map((d) => d.seq),
    [1, 2],
  );
  // The rebirth carries the last values.
  const rebornTemp = reborn
    .find((d) => d.topic.endsWith('cnc1'))
    ?.metrics.find((m) => m.name === 'bearing/temperature');
  assert.equal(num(rebornTemp?.value), 299);

  // A lost connection: the broker publishes the will, an NDEATH with the same bdSeq; the node comes back with bdSeq + 1.
  const beforeDeath = decoded().length;
  assert.ok(broker.dropClient('gotthard-edge1'));
  await waitFor(
    'NDEATH and new NBIRTH',
    () =>
      decoded()
        .slice(beforeDeath)
        .some((d) => d.topic.includes('NBIRTH')),
    10_000,
    50,
  );
  const afterDrop = decoded().slice(beforeDeath);
  const death = afterDrop.find((d) => d.topic === 'spBv1.0/acme-zurich/NDEATH/edge1');
  assert.equal(num(death?.metrics.find((m) => m.name === 'bdSeq')?.value), bdSeq);
  const newBirth = afterDrop.find((d) => d.topic.includes('NBIRTH'));
  assert.equal(num(newBirth?.metrics.find((m) => m.name === 'bdSeq')?.value), (bdSeq + 1) % 256);
  assert.ok(afterDrop.indexOf(death as never) < afterDrop.indexOf(newBirth as never));

  // A clean stop sends the NDEATH itself.
  const beforeStop = decoded().length;
  await waitFor('reconnected', () => pub.health().state === 'connected', 10_000, 50);
  await pub.close();
  await waitFor(
    'NDEATH on close',
    () =>
      decoded()
        .slice(beforeStop)
        .some((d) => d.topic.includes('NDEATH')),
    5000,
    20,
  );
});
