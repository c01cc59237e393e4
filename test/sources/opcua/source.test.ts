import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { StatusCodes } from 'node-opcua';
import pino from 'pino';
import { type HubPki, openPki } from '../../../src/pki/index.js';
import { createOpcuaSource, opcuaSourceSchema } from '../../../src/sources/opcua/index.js';
import { Recorder } from './fakes.js';
import { freePort, TEST_PLANT_NS, TestPlant } from './fixtures/test-plant.js';

const log = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
const P = 'acme/zurich/machining/line1';

function config(endpoint: string, extra: Record<string, unknown> = {}) {
  return opcuaSourceSchema.parse({
    kind: 'opcua',
    name: 'test-plant',
    endpoint,
    assetPrefix: 'acme/zurich',
    browse: [{ root: '/Objects/TestPlant', levels: ['area', 'line', 'machine'] }],
    subscription: { publishingIntervalMs: 100, samplingIntervalMs: 50 },
    reconnect: { initialDelay: 200, maxDelay: 1000 },
    ...extra,
  });
}

describe('OPC UA source against a real server', () => {
  let dir: string;
  let plant: TestPlant;
  let pki: HubPki;
  let port: number;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'gotthard-opcua-'));
    port = await freePort();
    plant = new TestPlant({ port, pkiDir: path.join(dir, 'server-pki') });
    await plant.start();
    pki = await openPki({
      dir: path.join(dir, 'hub-pki'),
      applicationUri: 'urn:gotthard:test-hub',
      logger: log,
      disableFileWatchers: true,
    });
  });
  after(async () => {
    await plant.stop().catch(() => undefined);
    await pki.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('refuses an untrusted server certificate, puts it in rejected/, connects once trusted', async () => {
    const rec = new Recorder();
    const source = createOpcuaSource(config(plant.endpoint, { reconnect: { initialDelay: 200, maxDelay: 500 } }), {
      pki,
      logger: log,
    });
    await source.start({ catalog: rec.catalog, sink: rec.sink, events: rec.eventSink, log });
    try {
      const ev = await rec.waitFor('untrusted event', () => rec.events.find((e) => e.kind === 'certificate.untrusted'));
      const h = source.health();
      assert.equal(h.state, 'failed');
      const thumb = h.details.serverCertificateThumbprint as string;
      assert.match(thumb, /^[0-9a-f]{40}$/);
      assert.match(ev.message, new RegExp(`the server certificate \\(subject .*, thumbprint ${thumb}\\)`));
      assert.ok(ev.message.includes(`placed in ${pki.rejectedDir}`), ev.message);
      assert.ok(ev.message.includes(`run \`gotthard pki trust ${thumb}\``), ev.message);
      assert.equal(h.lastError, ev.message);
      const listed = await pki.list();
      assert.ok(listed.some((c) => c.status === 'rejected' && c.thumbprint === thumb));
      // no retry spam: one event, retries at maxDelay
      await new Promise((r) => setTimeout(r, 700));
      assert.equal(rec.events.filter((e) => e.kind === 'certificate.untrusted').length, 1);

      await pki.trust(thumb);
      await rec.waitFor('connected', () => source.health().state === 'connected');
      await rec.waitFor('values', () => rec.rows.length > 0);
    } finally {
      await source.stop();
    }
  });

  test('SignAndEncrypt: browse rules map to tags, values flow with timestamps and StatusCodes', async () => {
    await pki.trustFile(plant.certificateFile); // independent of test order
    const rec = new Recorder();
    const source = createOpcuaSource(config(plant.endpoint), { pki, logger: log });
    await source.start({ catalog: rec.catalog, sink: rec.sink, events: rec.eventSink, log });
    try {
      await rec.waitFor('connected', () => source.health().state === 'connected');
      const h = source.health();
      assert.equal(h.details.securityMode, 'SignAndEncrypt');
      assert.equal(h.details.securityPolicy, 'Basic256Sha256');
      assert.equal(h.tags, 10);

      const temp = rec.defs.find((d) => d.id === `${P}/cnc1/bearing/temperature`);
      assert.ok(temp, rec.defs.map((d) => d.id).join(', '));
      assert.equal(temp.assetPath, `${P}/cnc1`);
      assert.equal(temp.name, 'Temperature');
      assert.equal(temp.dataType, 'Double');
      assert.equal(temp.unit, '°C');
      assert.deepEqual(temp.euRange, { low: 0, high: 150 });
      assert.deepEqual(temp.lineage, {
        source: 'test-plant',
        endpoint: plant.endpoint,
        nodeId: `nsu=${TEST_PLANT_NS};s=CNC1.Bearing.Temperature`,
        browsePath: '/Objects/TestPlant/Machining/Line1/CNC1/Bearing/Temperature',
      });
      const count = rec.defs.find((d) => d.id === `${P}/cnc2/part_count`);
      assert.equal(count?.dataType, 'UInt');
      assert.equal(rec.defs.find((d) => d.id === `${P}/cnc1/state`)?.dataType, 'String');

      const ts = new Date(Date.now() - 5000);
      plant.set('CNC1.Spindle.Speed', 4321, StatusCodes.Good, ts);
      plant.set('CNC2.Bearing.Temperature', 99.5, StatusCodes.UncertainLastUsableValue);
      plant.set('CNC1.State', 'Setup');
      plant.set('CNC1.Running', false);
      const speed = await rec.waitFor('speed', () =>
        rec.rowsOf(`${P}/cnc1/spindle/speed`).find((r) => r.value === 4321),
      );
      assert.equal(speed.sourceTs, ts.getTime());
      assert.ok(speed.serverTs >= ts.getTime());
      assert.equal(speed.status, 0);
      const unc = await rec.waitFor('uncertain', () =>
        rec.rowsOf(`${P}/cnc2/bearing/temperature`).find((r) => r.value === 99.5),
      );
      assert.equal(unc.status, StatusCodes.UncertainLastUsableValue.value);
      await rec.waitFor('text', () => rec.rowsOf(`${P}/cnc1/state`).find((r) => r.value === 'Setup'));
      await rec.waitFor('bool', () => rec.rowsOf(`${P}/cnc1/running`).find((r) => r.value === 0));
      assert.ok(source.health().valuesReceived >= 4);
    } finally {
      await source.stop();
    }
  });

  test('absolute deadband: small changes are not reported, big ones are', async () => {
    await pki.trustFile(plant.certificateFile); // independent of test order
    const rec = new Recorder();
    const cfg = config(plant.endpoint, {
      browse: [],
      nodes: [
        {
          nodeId: `nsu=${TEST_PLANT_NS};s=CNC2.Spindle.Speed`,
          tag: 'machining/line1/cnc2/spindle/speed',
          subscription: { deadband: { type: 'absolute', value: 10 } },
        },
      ],
    });
    plant.set('CNC2.Spindle.Speed', 1000);
    const source = createOpcuaSource(cfg, { pki, logger: log });
    await source.start({ catalog: rec.catalog, sink: rec.sink, events: rec.eventSink, log });
    try {
      await rec.waitFor('initial', () => rec.rows.find((r) => r.value === 1000));
      for (const v of [1001, 1003, 1005]) {
        plant.set('CNC2.Spindle.Speed', v);
        await new Promise((r) => setTimeout(r, 120));
      }
      plant.set('CNC2.Spindle.Speed', 1050);
      await rec.waitFor('big change', () => rec.rows.find((r) => r.value === 1050));
      assert.deepEqual(
        rec.rows.map((r) => r.value),
        [1000, 1050],
      );
    } finally {
      await source.stop();
    }
  });

  test('a bad NodeId is reported per tag and the others flow', async () => {
    await pki.trustFile(plant.certificateFile); // independent of test order
    const rec = new Recorder();
    const cfg = config(plant.endpoint, {
      browse: [],
      nodes: [
        { nodeId: `nsu=${TEST_PLANT_NS};s=CNC1.Spindle.Speed`, tag: 'machining/line1/cnc1/spindle/speed' },
        { nodeId: `nsu=${TEST_PLANT_NS};s=Does.Not.Exist`, tag: 'machining/line1/cnc1/ghost' },
        { nodeId: 'nsu=urn:unknown:ns;s=X', tag: 'machining/line1/cnc1/other_ns' },
        { nodeId: `nsu=${TEST_PLANT_NS};s=CNC1.Running`, tag: 'machining/line1/cnc1/running' },
      ],
    });
    const source = createOpcuaSource(cfg, { pki, logger: log });
    await source.start({ catalog: rec.catalog, sink: rec.sink, events: rec.eventSink, log });
    try {
      await rec.waitFor('connected', () => source.health().state === 'connected');
      const h = source.health();
      assert.equal(h.tags, 2);
      assert.equal(h.rejectedTags, 2);
      const rejected = rec.events.filter((e) => e.kind === 'tag.rejected');
      assert.deepEqual(rejected.map((e) => e.details?.tag).sort(), [
        'acme/zurich/machining/line1/cnc1/ghost',
        'acme/zurich/machining/line1/cnc1/other_ns',
      ]);
      plant.set('CNC1.Spindle.Speed', 777);
      await rec.waitFor('good tag flows', () => rec.rowsOf(`${P}/cnc1/spindle/speed`).find((r) => r.value === 777));
    } finally {
      await source.stop();
    }
  });

  test('reconnects after the server restarts on the same port; gap recorded', async () => {
    await pki.trustFile(plant.certificateFile); // independent of test order
    const rec = new Recorder();
    const source = createOpcuaSource(config(plant.endpoint), { pki, logger: log });
    await source.start({ catalog: rec.catalog, sink: rec.sink, events: rec.eventSink, log });
    try {
      await rec.waitFor('connected', () => source.health().state === 'connected');
      await plant.stop();
      await rec.waitFor('lost', () => rec.events.find((e) => e.kind === 'connection.lost'));
      const markers = rec.rows.filter((r) => r.status === 0x80310000);
      assert.equal(markers.length, 10);
      assert.ok(markers.every((m) => m.value === null));

      plant = new TestPlant({ port, pkiDir: path.join(dir, 'server-pki') });
      const t0 = Date.now();
      await plant.start();
      const restored = await rec.waitFor(
        'restored',
        () => rec.events.find((e) => e.kind === 'connection.restored'),
        15_000,
      );
      assert.equal(typeof restored.details?.gapMs, 'number');
      plant.set('CNC1.Spindle.Speed', 2468);
      await rec.waitFor('values again', () => rec.rowsOf(`${P}/cnc1/spindle/speed`).find((r) => r.value === 2468));
      const took = Date.now() - t0;
      log.info({ took }, 'values flowing again after restart');
      assert.ok(took < 12_000, `took ${took} ms`);
      assert.equal(source.health().state, 'connected');
      assert.equal(source.health().reconnects, 1);
    } finally {
      await source.stop();
    }
  });

  test('rejected/ holds nothing once trusted', () => {
    const rejected = path.join(dir, 'hub-pki', 'rejected');
    assert.ok(!existsSync(rejected) || readdirSync(rejected).length === 0);
  });
});
