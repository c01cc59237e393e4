import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { validateConfig } from '../../src/config/index.js';
import { DEMO_ASSETS, Hub } from '../../src/hub/index.js';
import { ConfigGovernance, governanceSchema } from '../../src/security/governance/index.js';
import { testAuth, withTestAuth } from '../helpers/auth.js';
import { freePort, waitFor } from '../helpers/net.js';

const log = pino({ level: process.env.GOTTHARD_TEST_LOG ?? 'silent' });

const GOVERNANCE = {
  default: { classification: 'internal', owner: 'OT team' },
  rules: [
    // Energy data is commercially sensitive: it stays in the hub.
    { tags: 'acme/**/energy/*', classification: 'confidential', owner: 'Energy management' },
    { tags: 'acme/zurich/utilities/**', retentionClass: 'utilities' },
    { tags: 'acme/zurich/machining/line1/cnc1/bearing/*', classification: 'public' },
  ],
  // One exception: the site's main meter power feeds the energy dashboard on the broker.
  allow: [
    { tags: 'acme/zurich/utilities/energy/main_meter/energy/power', sinks: ['mqtt:uns'], reason: 'energy dashboard' },
  ],
};
const ALLOWED = 'acme/zurich/utilities/energy/main_meter/energy/power';

describe('governance rules', () => {
  const g = new ConfigGovernance(governanceSchema.parse(GOVERNANCE));
  it('classifies by the last matching rule and answers mayLeave per sink', () => {
    assert.equal(g.classificationOf('acme/zurich/machining/line1/cnc1/energy/power'), 'confidential');
    assert.equal(g.classificationOf('acme/zurich/machining/line1/cnc1/spindle/speed'), 'internal');
    assert.equal(g.classificationOf('acme/zurich/machining/line1/cnc1/bearing/wear'), 'public');
    assert.equal(g.describe('acme/zurich/machining/line1/cnc1/energy/power').owner, 'Energy management');
    assert.equal(g.mayLeave('acme/zurich/machining/line1/cnc1/energy/power', 'mqtt:uns'), false);
    assert.equal(g.mayLeave('acme/zurich/machining/line1/cnc1/energy/power', 'webhook:cmms'), false);
    assert.equal(g.mayLeave(ALLOWED, 'mqtt:uns'), true);
    assert.equal(g.mayLeave(ALLOWED, 'erp:sap'), false, 'the exception names one sink only');
    assert.equal(g.mayLeave('acme/zurich/machining/line1/cnc1/spindle/speed', 'erp:sap'), true);
  });
  it('refuses a bad classification with its path', () => {
    const r = governanceSchema.safeParse({ rules: [{ tags: 'acme/**', classification: 'secret' }] });
    assert.equal(r.success, false);
    assert.deepEqual(r.error?.issues[0]?.path, ['rules', 0, 'classification']);
  });
});

/**
 * The hub with the demo plant (a real OPC UA server), the embedded aedes broker on a free port and
 * a subscriber on '#': confidential tags never reach the broker; the catalog shows lineage,
 * governance and quality for every demo tag.
 */
describe('governance on the UNS and the data catalog', { timeout: 150_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-governance-'));
  const viewer = testAuth('viewer', [], 'viewer');
  const scoped = testAuth('viewer', ['acme/zurich/packaging'], 'packaging-viewer');
  let hub: Hub;
  let sub: MqttClient;
  const topics = new Map<string, number>();

  before(async () => {
    const brokerPort = await freePort();
    let raw: Record<string, unknown> = {
      dataDir: dir,
      assets: DEMO_ASSETS,
      http: { port: 0 },
      demo: { port: await freePort() },
      historian: {
        flushInterval: 200,
        retention: [
          { class: 'default', maxAge: '365d' },
          { class: 'utilities', maxAge: '30d' },
        ],
      },
      uns: { broker: { mode: 'embedded', port: brokerPort, allowAnonymous: true } },
      governance: GOVERNANCE,
    };
    raw = withTestAuth(withTestAuth(raw, viewer), scoped);
    hub = new Hub(validateConfig(raw, { env: {} }), { logger: log, demo: true, webRoot: false });
    await hub.start();
    sub = await mqtt.connectAsync(`mqtt://127.0.0.1:${brokerPort}`);
    sub.on('message', (topic) => topics.set(topic, (topics.get(topic) ?? 0) + 1));
    await sub.subscribeAsync('#', { qos: 1 });
  });

  after(async () => {
    await sub?.endAsync();
    await hub?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('never publishes a confidential tag to the broker; the allowed exception and other tags do arrive', async () => {
    const tags = await waitFor(
      'demo tags registered',
      async () => {
        const t = await hub.historian.listTags();
        return t.length > 100 ? t : undefined;
      },
      60_000,
    );
    const confidential = tags.filter((t) => hub.governance?.classificationOf(t.id) === 'confidential');
    assert.ok(confidential.length >= 10, `confidential demo tags: ${confidential.length}`);
    // Every non-confidential tag has a first value (the initial notification); wait for all on the broker.
    const open = tags.filter((t) => hub.governance?.mayLeave(t.id, 'mqtt:uns'));
    await waitFor('every tag that may leave on the broker', () => open.every((t) => topics.has(t.id)), 60_000).catch(
      (err: Error) => {
        throw new Error(
          `${err.message}; missing: ${open
            .filter((t) => !topics.has(t.id))
            .map((t) => t.id)
            .slice(0, 5)
            .join(', ')}`,
        );
      },
    );
    assert.ok(topics.has(ALLOWED), 'the allow rule lets the main meter power through');
    const leaked = [...topics.keys()].filter((topic) => confidential.some((t) => t.id === topic && t.id !== ALLOWED));
    assert.deepEqual(leaked, [], 'no confidential tag on the broker');
    assert.ok(![...topics.keys()].some((t) => /\/energy\/energy_total$/.test(t)), 'no energy counter under any topic');
    // ...and they are stored in the historian all the same.
    const power = await hub.historian.getTag('acme/zurich/machining/line1/cnc1/energy/power');
    assert.ok(power);
    const [v] = await hub.historian.latest([power.key]);
    assert.equal(typeof v?.value, 'number');
  });

  it('applies the retention class of a governance rule to the tags it matches', async () => {
    const t = await hub.historian.getTag('acme/zurich/utilities/compressed_air/compressor1/air/pressure');
    assert.equal(t?.retentionClass, 'utilities');
  });

  it('the catalog shows lineage, governance, sinks and quality for every demo tag (scope-filtered)', async () => {
    const res = await fetch(`${hub.address}/api/v1/catalog?window=1h&staleAfter=10m`, { headers: viewer.headers });
    assert.equal(res.status, 200, await res.clone().text());
    const body = (await res.json()) as {
      sinks: string[];
      tags: {
        id: string;
        lineage: { endpoint: string; nodeId: string; browsePath?: string };
        classification: string;
        owner?: string;
        retentionClass: string;
        sinks: { sink: string; flows: boolean; reason?: string }[];
        quality: {
          samples: number;
          badShare: number;
          stale: boolean;
          gaps: number;
          flatline: boolean;
          outOfRange: number;
        };
      }[];
    };
    const all = await hub.historian.listTags();
    assert.deepEqual(body.sinks, ['historian', 'mqtt:uns']);
    assert.deepEqual(
      body.tags.map((t) => t.id),
      all.map((t) => t.id).sort(),
      'every tag is in the catalog',
    );
    const endpoint = hub.demo?.endpointUrl as string;
    for (const t of body.tags) {
      if (t.id.includes('/health/')) continue; // derived by the health model, not from the plant
      assert.equal(t.lineage.endpoint, endpoint, t.id);
      assert.match(t.lineage.nodeId, /^nsu=urn:gotthard:demo-plant;s=/, t.id);
      assert.ok(t.quality.samples >= 1, `${t.id} has samples in the window`);
      assert.equal(t.quality.badShare, 0, t.id);
      assert.equal(t.sinks[0]?.sink, 'historian');
    }
    const power = body.tags.find((t) => t.id === 'acme/zurich/machining/line1/cnc1/energy/power');
    assert.equal(power?.classification, 'confidential');
    assert.equal(power?.owner, 'Energy management');
    assert.deepEqual(
      power?.sinks.map((s) => [s.sink, s.flows]),
      [
        ['historian', true],
        ['mqtt:uns', false],
      ],
    );
    assert.match(power?.sinks[1]?.reason ?? '', /confidential/);
    const allowed = body.tags.find((t) => t.id === ALLOWED);
    assert.equal(allowed?.sinks[1]?.flows, true);
    assert.equal(body.tags.find((t) => t.id.endsWith('compressor1/air/pressure'))?.retentionClass, 'utilities');

    const scopedRes = await fetch(`${hub.address}/api/v1/catalog`, { headers: scoped.headers });
    const scopedBody = (await scopedRes.json()) as { tags: { id: string }[] };
    assert.ok(scopedBody.tags.length > 0);
    assert.ok(
      scopedBody.tags.every((t) => t.id.startsWith('acme/zurich/packaging/')),
      'scope-filtered',
    );

    const bad = await fetch(`${hub.address}/api/v1/catalog?window=forever`, { headers: viewer.headers });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: { message: string } }).error.message, /window "forever"/);
  });
});
