import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { topicMatches } from '../../src/uns/broker.js';
import { embeddedBrokerSchema } from '../../src/uns/config.js';
import { type EmbeddedBroker, startEmbeddedBroker } from '../../src/uns/index.js';

const log = pino({ level: 'silent' });

describe('MQTT topic filters', () => {
  it('match as MQTT 3.1.1 4.7 says', () => {
    assert.ok(topicMatches('acme/#', 'acme/a/b'));
    assert.ok(topicMatches('acme/#', 'acme'));
    assert.ok(topicMatches('spBv1.0/g/NBIRTH/n/#', 'spBv1.0/g/NBIRTH/n'));
    assert.ok(topicMatches('a/+/c', 'a/b/c'));
    assert.ok(!topicMatches('a/+/c', 'a/b/d'));
    assert.ok(!topicMatches('acme/#', 'acmex/a'));
    assert.ok(!topicMatches('a/b', 'a/b/c'));
  });
});

/**
 * Issue 17: any broker user could publish a retained value on a UNS topic of the embedded broker.
 * Now the hub's namespace is writable only by the hub's internal account, and a user with a
 * `publish` list is held to it.
 */
describe('embedded broker ACLs', () => {
  let broker: EmbeddedBroker;
  const clients: MqttClient[] = [];
  const connect = async (username: string, password: string) => {
    const c = await mqtt.connectAsync(broker.url, { username, password, reconnectPeriod: 0 });
    clients.push(c);
    return c;
  };
  /** Retained value on `topic` as a fresh subscriber sees it, or undefined. */
  const retained = async (topic: string): Promise<string | undefined> => {
    const c = await connect(broker.internalUser.username, broker.internalUser.password);
    let got: string | undefined;
    c.on('message', (t, p) => {
      if (t === topic) got = String(p);
    });
    await c.subscribeAsync(topic, { qos: 1 });
    await new Promise((r) => setTimeout(r, 200));
    await c.endAsync();
    return got;
  };

  before(async () => {
    broker = await startEmbeddedBroker(
      embeddedBrokerSchema.parse({
        mode: 'embedded',
        port: 0,
        users: [
          { username: 'dashboard', password: 'pw-dashboard' },
          { username: 'edge', password: 'pw-edge', publish: ['spBv1.0/#'] },
        ],
      }),
      log,
      { hubTopics: ['acme/#', 'spBv1.0/acme/NDATA/hub/#'] },
    );
  });

  after(async () => {
    for (const c of clients) await c.endAsync(true).catch(() => undefined);
    await broker?.stop();
  });

  it('refuses a user’s retained value on a UNS topic; the hub’s own publish stands', async () => {
    const hub = await connect(broker.internalUser.username, broker.internalUser.password);
    await hub.publishAsync('acme/zurich/line1/cnc1/speed', '{"value":1}', { qos: 1, retain: true });
    const dash = await connect('dashboard', 'pw-dashboard');
    const closed = new Promise<void>((r) => dash.once('close', () => r()));
    dash.publish('acme/zurich/line1/cnc1/speed', '{"value":123456}', { qos: 1, retain: true });
    await closed;
    assert.equal(await retained('acme/zurich/line1/cnc1/speed'), '{"value":1}');
    assert.equal(broker.refusedPublishes(), 1);
  });

  it('lets a user publish outside the namespace, and holds a user to its publish list', async () => {
    const dash = await connect('dashboard', 'pw-dashboard');
    await dash.publishAsync('plant/notes', 'hello', { qos: 1, retain: true });
    assert.equal(await retained('plant/notes'), 'hello');
    const edge = await connect('edge', 'pw-edge');
    await edge.publishAsync('spBv1.0/acme/NDATA/line4', 'x', { qos: 1, retain: true });
    assert.equal(await retained('spBv1.0/acme/NDATA/line4'), 'x');
    const closed = new Promise<void>((r) => edge.once('close', () => r()));
    edge.publish('plant/other', 'y', { qos: 1, retain: true });
    await closed;
    assert.equal(await retained('plant/other'), undefined);
    assert.equal(broker.refusedPublishes(), 2);
  });
});
