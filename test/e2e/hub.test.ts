import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { validateConfig } from '../../src/config/index.js';
import { DEMO_ASSETS, demoSourceConfig, Hub } from '../../src/hub/index.js';
import { toSegment } from '../../src/model/tag.js';
import { type DemoPlant, startDemoPlant } from '../../src/sim/index.js';
import { authedInject, openTestAuth } from '../helpers/auth.js';
import { freePort, waitFor } from '../helpers/net.js';

const log = pino({ level: process.env.GOTTHARD_TEST_LOG ?? 'silent' });

/**
 * End to end: the demo plant (a real node-opcua server) in this process, the hub connecting to it
 * over SignAndEncrypt with its own PKI, the SQLite historian on disk, the API through inject().
 */
describe('hub with the demo plant', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-e2e-'));
  const plantPki = join(dir, 'plant-pki');
  let plantPort: number;
  let plant: DemoPlant;
  let hub: Hub;

  before(async () => {
    plantPort = await freePort();
    plant = await startDemoPlant({ port: plantPort, pkiDir: plantPki, seed: 7, updateIntervalMs: 500, logger: log });
    const base = validateConfig({ dataDir: join(dir, 'hub'), assets: DEMO_ASSETS, http: { port: 0 } }, { env: {} });
    const source = demoSourceConfig(base, plant.endpointUrl) as Record<string, unknown>;
    const config = validateConfig(
      {
        dataDir: join(dir, 'hub'),
        assets: DEMO_ASSETS,
        http: { port: 0 },
        historian: { flushInterval: 200 },
        sources: [{ ...source, reconnect: { initialDelay: 300, maxDelay: 1500 } }],
      },
      { env: {} },
    );
    hub = new Hub(config, { logger: log });
    await hub.start();
  });

  after(async () => {
    await hub?.stop();
    await plant?.stop();
  });

  it('refuses the untrusted demo plant certificate, says how to trust it, and connects once trusted', async () => {
    const health = await waitFor('the untrusted server to be refused', () => {
      const s = hub.health().sources[0];
      return s?.state === 'failed' && s.lastError ? s : undefined;
    });
    assert.match(health.lastError ?? '', /not trusted/);
    assert.match(health.lastError ?? '', /rejected/);
    assert.match(health.lastError ?? '', /gotthard pki trust [0-9a-f]{40}/);
    const rejected = (await hub.pki.list()).filter((c) => c.status === 'rejected');
    assert.equal(rejected.length, 1, 'the server certificate was placed in rejected/');
    await hub.pki.trust(rejected[0]?.thumbprint as string);
    const s = await waitFor(
      'a SignAndEncrypt connection',
      () => {
        const h = hub.health().sources[0];
        return h?.state === 'connected' && h.tags > 0 ? h : undefined;
      },
      30_000,
    );
    assert.equal(s.details.securityMode, 'SignAndEncrypt');
    assert.equal(s.details.securityPolicy, 'Basic256Sha256');
    assert.match(String(s.details.serverCertificateThumbprint ?? ''), /^[0-9a-f]{40}$/);
  });

  it('maps every demo tag by browse rule onto the ISA-95 tree with units and lineage', async () => {
    const tags = await hub.historian.listTags();
    const temp = tags.find((t) => t.id === 'acme/zurich/machining/line1/cnc1/bearing/temperature');
    assert.ok(
      temp,
      `bearing temperature tag among ${tags.length}: ${tags
        .slice(0, 5)
        .map((t) => t.id)
        .join(', ')}`,
    );
    assert.equal(temp.assetPath, 'acme/zurich/machining/line1/cnc1');
    assert.equal(temp.unit, '°C');
    assert.ok(temp.euRange && temp.euRange.high > temp.euRange.low);
    assert.equal(temp.lineage.endpoint, plant.endpointUrl);
    assert.match(temp.lineage.nodeId, /^nsu=urn:gotthard:demo-plant;/);
    const machines = new Set(tags.map((t) => t.assetPath));
    for (const m of plant.machines) {
      const path = `acme/zurich/${toSegment(m.area)}/${toSegment(m.line)}/${toSegment(m.name)}`;
      assert.ok(
        [...machines].some((p) => p === path),
        `assets include ${path}`,
      );
    }
    const tree = await hub.assetTree();
    assert.equal(tree.children[0]?.id, 'zurich');
  });

  it('stores values with source timestamps and StatusCodes, reachable through the API', async () => {
    const temp = await hub.historian.getTag('acme/zurich/machining/line1/cnc1/bearing/temperature');
    assert.ok(temp);
    const page = await waitFor('stored history', async () => {
      const p = await hub.historian.raw({
        tagKey: temp.key,
        from: Date.now() - 60_000,
        to: Date.now() + 1000,
        limit: 100,
      });
      return p.samples.length >= 2 ? p : undefined;
    });
    for (const s of page.samples) {
      assert.equal(typeof s.value, 'number');
      assert.ok(s.ts > Date.now() - 120_000 && s.ts <= Date.now() + 5000, 'a real source timestamp');
      assert.equal(s.status, 0);
    }
    const t = await openTestAuth();
    const api = await (await import('../../src/api/index.js')).buildApi(hub, {
      logger: log,
      version: 'test',
      auth: t.auth,
    });
    const r = await authedInject(api, t.headers)(`/api/v1/history/raw?tag=${temp.id}&from=now-5m`);
    await api.close();
    t.close();
    assert.equal(r.statusCode, 200);
    assert.ok(r.json().samples.length >= 2);
    assert.equal(r.json().samples[0].status, 'Good');
  });

  it('reconnects after the plant restarts, and records the gap', async () => {
    const before = Date.now();
    await plant.stop();
    await waitFor('the loss to be noticed', () => hub.health().sources[0]?.state !== 'connected', 20_000);
    plant = await startDemoPlant({ port: plantPort, pkiDir: plantPki, seed: 8, updateIntervalMs: 500, logger: log });
    const restartedAt = Date.now();
    await waitFor('reconnection', () => hub.health().sources[0]?.state === 'connected', 10_000, 100);
    const reconnectMs = Date.now() - restartedAt;
    assert.ok(reconnectMs <= 10_000, `reconnected in ${reconnectMs} ms`);
    const temp = await hub.historian.getTag('acme/zurich/machining/line1/cnc1/bearing/temperature');
    assert.ok(temp);
    // Values flow again...
    await waitFor(
      'values after the restart',
      async () => {
        const p = await hub.historian.raw({ tagKey: temp.key, from: restartedAt, to: Date.now() + 1000, limit: 10 });
        return p.samples.some((s) => s.status === 0);
      },
      15_000,
    );
    // ...and the gap is recorded: events and a Bad marker on the tag.
    const events = await hub.historian.events({ from: before - 1000, limit: 100 });
    const kinds = events.map((e) => e.kind);
    assert.ok(kinds.includes('connection.lost'), `events: ${kinds.join(', ')}`);
    assert.ok(kinds.includes('connection.restored'), `events: ${kinds.join(', ')}`);
    const raw = await hub.historian.raw({ tagKey: temp.key, from: before - 5000, to: Date.now() + 1000, limit: 1000 });
    const marker = raw.samples.find((s) => s.status >>> 30 === 2 && s.value === null);
    assert.ok(marker, 'a Bad-quality gap marker was stored');
    assert.ok(marker.ts >= before - 5000);
  });
});
