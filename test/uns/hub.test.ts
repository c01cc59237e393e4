import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Modbus from 'jsmodbus';
import mqtt from 'mqtt';
import { loadConfigText } from '../../src/config/index.js';
import { Hub } from '../../src/hub/index.js';
import { encodeRegisters } from '../../src/sources/modbus/index.js';
import type { UnsJsonPayload } from '../../src/uns/index.js';
import { testAuth } from '../helpers/auth.js';
import { freePort, waitFor } from '../helpers/net.js';
import { tempDir } from '../historian/helpers.js';
import { silent } from './helpers.js';

const tmp = tempDir('gotthard-uns-hub-');
after(() => tmp.cleanup());

test('hub end to end: Modbus source → pipeline → historian and UNS over the embedded broker; backlog in /health', async (t) => {
  // A Modbus TCP server as the legacy PLC.
  const holding = Buffer.alloc(20);
  encodeRegisters(1805, 'uint16', 'big', 'big').copy(holding, 0);
  const sockets = new Set<Socket>();
  const plc = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  new Modbus.server.TCP(plc, { holding });
  const plcPort = await freePort();
  await new Promise<void>((r) => plc.listen(plcPort, '127.0.0.1', r));
  const brokerPort = await freePort();
  const yaml = `
dataDir: ${join(tmp.dir, 'hub')}
http: { port: 0 }
assets:
  enterprise: { id: acme }
  sites: [{ id: zurich }]
sources:
  - kind: modbus
    name: press1-plc
    host: 127.0.0.1
    port: ${plcPort}
    assetPrefix: acme/zurich/pressing/line2/press1
    pollInterval: 200ms
    registers:
      - { tag: hydraulics/pressure, address: 0, type: uint16, factor: 0.1, unit: bar }
uns:
  nodeId: edge-test
  broker:
    mode: embedded
    port: ${brokerPort}
    users: [{ username: dashboard, password: "\${UNS_PASSWORD}" }]
security:
  tokens: [{ name: monitor, role: viewer, secret: "\${MONITOR_TOKEN}" }]
`;
  const auth = testAuth('viewer');
  const config = loadConfigText(yaml, {
    env: { UNS_PASSWORD: 'pw', MONITOR_TOKEN: auth.token },
    fileName: 'gotthard.yaml',
  });
  const hub = new Hub(config, { logger: silent, webRoot: false });
  t.after(async () => {
    await hub.stop();
    for (const s of sockets) s.destroy();
    await new Promise((r) => plc.close(r));
  });
  await hub.start();
  const sub = await mqtt.connectAsync(`mqtt://127.0.0.1:${brokerPort}`, { username: 'dashboard', password: 'pw' });
  t.after(() => sub.endAsync());
  const got: UnsJsonPayload[] = [];
  sub.on('message', (topic, payload) => {
    if (topic === 'acme/zurich/pressing/line2/press1/hydraulics/pressure') got.push(JSON.parse(payload.toString()));
  });
  await sub.subscribeAsync('acme/#', { qos: 1 });
  await waitFor('a UNS value', () => got.length > 0, 10_000, 50);
  assert.equal(got[0]?.unit, 'bar');
  assert.ok(Math.abs((got[0]?.value as number) - 180.5) < 1e-9);
  assert.equal(got[0]?.quality, 'Good');

  const res = await fetch(`${hub.address}/api/v1/health`, { headers: auth.headers });
  const health = (await res.json()) as {
    sinks: { name: string; kind: string; state: string; queued: number; delivered: number; overflow: string }[];
  };
  assert.equal(health.sinks[0]?.name, 'uns');
  assert.equal(health.sinks[0]?.kind, 'mqtt-json');
  assert.equal(health.sinks[0]?.state, 'connected');
  assert.equal(health.sinks[0]?.overflow, 'dropOldest');
  assert.ok((health.sinks[0]?.delivered ?? 0) > 0);
  assert.equal(typeof health.sinks[0]?.queued, 'number');
});

test('uns config errors name the key', () => {
  assert.throws(
    () => loadConfigText('uns:\n  broker: { mode: external, url: "http://broker" }\n', { env: {}, fileName: 'g.yaml' }),
    /uns\.broker\.url: expected an MQTT URL/,
  );
  assert.throws(() => loadConfigText('uns:\n  qos: 2\n', { env: {}, fileName: 'g.yaml' }), /uns\.qos/);
  assert.throws(
    () => loadConfigText('uns:\n  outbox: { overflow: block }\n', { env: {}, fileName: 'g.yaml' }),
    /uns\.outbox\.overflow.*dropOldest/,
  );
});

test('a retention class named by an MQTT or Modbus source must be defined', () => {
  const yaml = `
sources:
  - kind: modbus
    name: p
    host: plc
    assetPrefix: acme/zurich/pressing/line2/press1
    retentionClass: short
    registers: [{ tag: a/b, address: 0 }]
`;
  assert.throws(
    () => loadConfigText(yaml, { env: {}, fileName: 'g.yaml' }),
    /sources\[0\]\.retentionClass: retention class "short" is not defined/,
  );
});
