import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import mqtt from 'mqtt';
import { connectionTarget, mqttConnectionSchema } from '../../../src/uns/index.js';
import { Delivery } from '../../../src/workflows/delivery/index.js';
import { waitFor } from '../../helpers/net.js';
import { connectors, log } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'gotthard-actions-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('rule actions: MQTT publish and HTTP call', () => {
  it('publishes to a real broker (Mosquitto) with QoS 1 and retain', async () => {
    const topic = `gotthard-test/${randomBytes(6).toString('hex')}/alarm`;
    const sub = await mqtt.connectAsync('mqtt://127.0.0.1:1883', { clientId: `sub-${randomBytes(4).toString('hex')}` });
    const got: string[] = [];
    sub.on('message', (t, p) => t === topic && got.push(p.toString()));
    await sub.subscribeAsync(topic, { qos: 1 });
    const d = new Delivery({
      config: connectors({}),
      outboxPath: join(dir, 'mqtt.db'),
      logger: log,
      mqtt: connectionTarget(mqttConnectionSchema.parse({ url: 'mqtt://127.0.0.1:1883' }), 'connectors.mqtt'),
      mqttClientId: `gotthard-actions-${randomBytes(4).toString('hex')}`,
    });
    d.start();
    d.enqueue({ kind: 'mqtt.publish', topic, payload: '{"alarm":"bearing"}', qos: 1, retain: true }, 'rule:mq:1', []);
    await waitFor('the message at the subscriber', () => got.length === 1, 10_000, 50);
    assert.deepEqual(got, ['{"alarm":"bearing"}']);
    await waitFor('the entry delivered', () => d.entries('delivered').length === 1, 5000, 50);
    await d.stop();
    await sub.publishAsync(topic, '', { retain: true, qos: 1 }); // clear the retained message
    await sub.endAsync();
  });

  it('sends an http.call with its method, headers, body and an Idempotency-Key, retrying a 503', async () => {
    const seen: { method: string; key: string; auth: string; body: string }[] = [];
    let fail = 1;
    const srv = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        if (fail-- > 0) return void res.writeHead(503).end();
        seen.push({
          method: req.method ?? '',
          key: String(req.headers['idempotency-key']),
          auth: String(req.headers['x-api-key']),
          body,
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    const d = new Delivery({
      config: connectors({ retry: { initialDelay: 50, maxDelay: 100 } }),
      outboxPath: join(dir, 'http.db'),
      logger: log,
    });
    d.start();
    d.enqueue(
      {
        kind: 'http.call',
        method: 'PUT',
        url: `http://127.0.0.1:${port}/andon/line1`,
        headers: { 'x-api-key': 'abc' },
        body: '{"light":"red"}',
      },
      'rule:andon:7',
      [],
    );
    await waitFor('the call to succeed', () => seen.length === 1, 10_000, 20);
    assert.deepEqual(seen, [{ method: 'PUT', key: 'rule:andon:7', auth: 'abc', body: '{"light":"red"}' }]);
    await waitFor('delivered', () => d.entries('delivered')[0]?.attempts === 2, 5000, 20);
    await d.stop();
    srv.close();
  });
});
