import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { validateConfig } from '../../src/config/index.js';
import { DEMO_ASSETS, Hub } from '../../src/hub/index.js';
import { SampleBatch } from '../../src/model/sample.js';
import type { TagDefinition } from '../../src/model/tag.js';
import type { HubEvent, Sink } from '../../src/pipeline/types.js';
import { FOREIGN_KEY_BASE, TagOwnership } from '../../src/security/governance/index.js';
import { freePort, waitFor } from '../helpers/net.js';

const log = pino({ level: process.env.GOTTHARD_TEST_LOG ?? 'silent' });
const MOSQUITTO_URL = 'mqtt://127.0.0.1:1883';

function def(id: string, source: string): TagDefinition {
  return {
    id,
    assetPath: id.split('/').slice(0, -1).join('/'),
    name: id,
    dataType: 'Double',
    lineage: { source, endpoint: `x://${source}`, nodeId: id },
  };
}

/** A catalog that numbers ids in order of first sight and remembers the last definition (like the historian). */
function memoryCatalog() {
  const keys = new Map<string, number>();
  const defs = new Map<string, TagDefinition>();
  return {
    defs,
    register: async (ds: readonly TagDefinition[]) =>
      ds.map((d) => {
        defs.set(d.id, d);
        let k = keys.get(d.id);
        if (k === undefined) {
          k = keys.size + 1;
          keys.set(d.id, k);
        }
        return k;
      }),
  };
}

function collect(): Sink & { rows: { key: number; value: number | string | null }[] } {
  const rows: { key: number; value: number | string | null }[] = [];
  return {
    name: 'collect',
    rows,
    write: (b) => {
      for (let i = 0; i < b.length; i++) rows.push({ key: b.tagKey[i] as number, value: b.valueAt(i) });
    },
    flush: async () => {},
    close: async () => {},
  };
}

describe('tag ownership (unit)', () => {
  it('the first declaring source owns the id; another gets a foreign key, its rows are dropped and counted', async () => {
    const catalog = memoryCatalog();
    const events: HubEvent[] = [];
    const sink = collect();
    const own = new TagOwnership({
      catalog,
      existing: async () => [],
      sources: ['opc', 'mq'],
      events: { emit: (e) => events.push(e) },
      log,
    });
    const a = own.forSource('opc', sink);
    const b = own.forSource('mq', sink);
    const [ka] = await a.catalog.register([def('acme/l1/speed', 'opc')]);
    const [kb, kc] = await b.catalog.register([def('acme/l1/speed', 'mq'), def('acme/l1/other', 'mq')]);
    assert.equal(typeof ka, 'number');
    assert.ok((kb as number) >= FOREIGN_KEY_BASE, 'the intruder gets a key of no tag');
    assert.ok((kc as number) < FOREIGN_KEY_BASE, 'its own new id is its');
    assert.equal(catalog.defs.get('acme/l1/speed')?.lineage.source, 'opc', 'lineage not switched');
    assert.deepEqual(
      events.map((e) => [e.kind, e.source, e.details?.tagId, e.details?.owner]),
      [['tag.collision', 'mq', 'acme/l1/speed', 'opc']],
    );
    // Declaring again does not emit again, and returns the same foreign key.
    assert.deepEqual(await b.catalog.register([def('acme/l1/speed', 'mq')]), [kb]);
    assert.equal(events.length, 1);

    const batch = new SampleBatch();
    batch.push(kb as number, 1, 1, 123456, 0);
    batch.push(ka as number, 1, 1, 7, 0); // the real key of the owned tag, used by the wrong source
    batch.push(kc as number, 1, 1, 8, 0);
    batch.pushText(kc as number, 2, 2, 'txt', 0);
    b.sink.write(batch);
    assert.deepEqual(sink.rows, [
      { key: kc, value: 8 },
      { key: kc, value: 'txt' },
    ]);
    const gap = new SampleBatch();
    gap.push(kb as number, 3, 3, Number.NaN, 0x80310000);
    b.sink.write(gap);
    assert.equal(sink.rows.length, 2, 'no gap marker into the owned tag');
    const owned = new SampleBatch();
    owned.push(ka as number, 4, 4, 9, 0);
    a.sink.write(owned);
    assert.deepEqual(sink.rows[2], { key: ka, value: 9 });
    assert.deepEqual(own.stats(), {
      collisions: 1,
      refusedValues: 3,
      bySource: { mq: { collisions: 1, refusedValues: 3 } },
    });
  });

  it('keeps the stored owner across restarts and lets a configured owner win over the first declaration', async () => {
    const stored = { ...def('acme/l1/speed', 'opc'), key: 1 };
    const gone = { ...def('acme/l1/old', 'removed-source'), key: 2 };
    const own = new TagOwnership({
      catalog: memoryCatalog(),
      existing: async () => [stored, gone],
      sources: ['opc', 'mq'],
      rules: [{ tags: 'acme/l2/**', source: 'opc' }],
      events: { emit: () => {} },
      log,
    });
    const mq = own.forSource('mq', collect());
    const [k1, k2, k3] = await mq.catalog.register([
      def('acme/l1/speed', 'mq'),
      def('acme/l1/old', 'mq'),
      def('acme/l2/temp', 'mq'),
    ]);
    assert.ok((k1 as number) >= FOREIGN_KEY_BASE, 'stored lineage of a running source keeps it');
    assert.ok((k2 as number) < FOREIGN_KEY_BASE, 'a tag of a source no longer configured may be taken over');
    assert.ok((k3 as number) >= FOREIGN_KEY_BASE, 'the configured owner wins even before it declared');
    assert.equal(own.ownerOf('acme/l2/temp'), 'opc');
    assert.equal(own.stats().collisions, 2);
  });
});

/**
 * The reported attack, end to end: the demo plant (a real OPC UA server) and an MQTT source on the
 * real Mosquitto broker; a client publishes `{"value":123456}` on the topic whose path equals an
 * OPC UA tag's id. The OPC UA tag keeps its own values and lineage; the collision is evented and
 * counted; the MQTT source's other topics still work.
 */
describe('tag ownership: MQTT value on an OPC UA tag id', { timeout: 150_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-ownership-'));
  const prefix = `gt-own-${randomBytes(4).toString('hex')}`;
  const TARGET = 'acme/zurich/machining/line1/cnc1/spindle/speed';
  const OWN = 'acme/zurich/machining/line1/cnc1/spindle/mqtt_only';
  const clientId = `${prefix}-source`;
  let hub: Hub;
  let pub: MqttClient;

  before(async () => {
    const raw = {
      dataDir: dir,
      assets: DEMO_ASSETS,
      http: { port: 0 },
      demo: { port: await freePort() },
      historian: { flushInterval: 200 },
      sources: [
        {
          kind: 'mqtt',
          name: 'line-mqtt',
          broker: { url: MOSQUITTO_URL },
          topics: [`${prefix}/#`],
          topicPrefix: prefix,
          session: 'clean',
          clientId,
        },
      ],
    };
    hub = new Hub(validateConfig(raw, { env: {} }), { logger: log, demo: true, webRoot: false });
    await hub.start();
    pub = await mqtt.connectAsync(MOSQUITTO_URL);
  });

  after(async () => {
    await pub?.endAsync();
    await hub?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses the spoofed value, keeps lineage, events and counts the collision', async () => {
    const target = await waitFor('the OPC UA tag registered', () => hub.historian.getTag(TARGET), 60_000);
    assert.equal(target.lineage.source, 'demo-plant');
    // The OPC UA tag's own first value is in before the spoof (on a busy machine the first
    // publish of the subscription can come after the MQTT source is up).
    await waitFor(
      'the OPC UA tag has its own value',
      async () => (await hub.historian.latest([target.key]))[0],
      60_000,
    );
    await waitFor('MQTT source connected', () =>
      hub.health().sources.find((s) => s.name === 'line-mqtt' && s.state === 'connected'),
    );
    const since = Date.now();
    await pub.publishAsync(`${prefix}/${TARGET}`, JSON.stringify({ value: 123456 }), { qos: 1 });
    await pub.publishAsync(`${prefix}/${OWN}`, JSON.stringify({ value: 42 }), { qos: 1 });
    // The MQTT source's own tag arrives: the message path works, so the refusal below is not a timing artefact.
    await waitFor('the MQTT-only tag stored', async () => {
      const t = await hub.historian.getTag(OWN);
      if (!t) return undefined;
      const [l] = await hub.historian.latest([t.key]);
      return l?.value === 42 ? l : undefined;
    });
    await pub.publishAsync(`${prefix}/${TARGET}`, JSON.stringify({ value: 123457 }), { qos: 1 });
    await waitFor('two refused values counted', () => (hub.health().tagOwnership?.refusedValues ?? 0) >= 2);
    await hub.historian.flush();

    const after = await hub.historian.getTag(TARGET);
    assert.equal(after?.lineage.source, 'demo-plant', 'lineage not switched');
    assert.equal(after?.key, target.key);
    // The whole record: a spindle that does not move sends only its first value (report by
    // exception), and the plant's source timestamps follow its own clock.
    const page = await hub.historian.raw({
      tagKey: target.key,
      from: 0,
      to: Date.now() + 365 * 86_400_000,
      limit: 100_000,
    });
    const [latest] = await hub.historian.latest([target.key]);
    const demo = hub.health().sources.find((x) => x.name === 'demo-plant');
    assert.ok(
      latest && latest.value !== 123456 && latest.value !== 123457,
      `latest: ${JSON.stringify(latest)}; demo-plant ${JSON.stringify(demo)}; ${JSON.stringify(hub.health().tagOwnership)}; all latest ${(await hub.historian.latest()).length}`,
    );
    assert.ok(page.samples.length > 0, 'the OPC UA tag keeps receiving its own values');
    assert.ok(
      page.samples.every((s) => s.value !== 123456 && s.value !== 123457),
      'no spoofed value in the OPC UA tag',
    );
    const health = hub.health().tagOwnership;
    assert.equal(health?.bySource['line-mqtt']?.collisions, 1);
    assert.equal(health?.bySource['line-mqtt']?.refusedValues, 2);
    const events = await hub.historian.events({ from: since - 1000, limit: 100 });
    const collision = events.find((e) => e.kind === 'tag.collision');
    assert.ok(collision, `a tag.collision event; got ${events.map((e) => e.kind).join(', ')}`);
    assert.equal(collision.source, 'line-mqtt');
    assert.equal(collision.details?.tagId, TARGET);
    assert.equal(collision.details?.owner, 'demo-plant');
  });

  it('the other source writes no gap marker into the owned tag when its broker connection is lost', async () => {
    const target = await hub.historian.getTag(TARGET);
    const own = await hub.historian.getTag(OWN);
    assert.ok(target && own);
    const refusedBefore = hub.health().tagOwnership?.refusedValues ?? 0;
    // The supervisor writes a gap marker at the connection's last contact (+1 ms), which precedes
    // the kick by up to the MQTT keep-alive: read from well before it.
    const since = Date.now() - 60_000;
    // Session takeover (MQTT 3.1.1, 3.1.4-2): a client with the source's client id makes the broker
    // drop the source's connection, so the source writes its BadNoCommunication gap markers.
    const kick = await mqtt.connectAsync(MOSQUITTO_URL, { clientId, reconnectPeriod: 0, clean: true });
    await kick.endAsync();
    await waitFor('the MQTT-only tag marked as a gap', async () => {
      const page = await hub.historian.raw({ tagKey: own.key, from: since - 1, to: Date.now() + 1000, limit: 10 });
      return page.samples.some((s) => s.value === null && s.status === 0x80310000) ? page : undefined;
    });
    await hub.historian.flush();
    const page = await hub.historian.raw({ tagKey: target.key, from: since - 1, to: Date.now() + 1000, limit: 10_000 });
    assert.equal(
      page.samples.filter((s) => s.status === 0x80310000).length,
      0,
      'no gap marker from the MQTT source in the OPC UA tag',
    );
    assert.equal(
      (hub.health().tagOwnership?.refusedValues ?? 0) - refusedBefore,
      1,
      'its gap marker refused and counted',
    );
  });
});
