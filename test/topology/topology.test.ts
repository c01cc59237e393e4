import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { pino } from 'pino';
import { createSqliteHistorian } from '../../src/historian/index.js';
import { openPki } from '../../src/pki/index.js';
import { testAuth } from '../helpers/auth.js';
import { freePort, waitFor } from '../helpers/net.js';
import { dropSchemas, randomSchema, testConnectionString } from '../historian/pg.js';
import { gotthard, PrivateMosquitto, type Proc, stop } from './processes.js';

const EDGES = 3;
const CENTRALS = 2;
const BROKER_DOWN_MS = 30_000;
const log = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Health {
  sources: { name: string; state: string; tags: number; valuesReceived: number }[];
  historian: { accepted: number; persisted: number; backlog: number };
  sinks?: { name: string; state: string; queued: number; delivered: number; dropped: number }[];
}

/** One value as both ends store it: tag id and source timestamp identify it (the idempotence key). */
interface Row {
  value: number | string | null;
  status: number;
}

/**
 * The scale-out topology of docs/deployment.md, as separate processes: one OPC UA demo plant
 * (`gotthard sim`), three edge hubs collecting it under their own site (SQLite historian, UNS JSON
 * publisher with the store-and-forward outbox, QoS 1) into a private Mosquitto, and two central hubs
 * sharing `$share/historians/acme/#` with persistent sessions, writing to one PostgreSQL schema.
 * Mid-run one central hub is SIGKILLed and restarted, then the broker is stopped for 30 s and
 * restarted on its persistence file. Accounting is exact: the set of (tag, source timestamp) with
 * value and StatusCode in the three edge historians equals the set in PostgreSQL, with no duplicate.
 */
describe('scale-out topology: 3 edge hubs → Mosquitto → 2 central hubs → PostgreSQL', { timeout: 600_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-topology-'));
  const auth = testAuth('viewer');
  const schema = randomSchema('gt_topo');
  const run = schema.slice(-6);
  let cs = '';
  let broker: PrivateMosquitto | undefined;
  let sim: Proc | undefined;
  const edges: { proc: Proc | undefined; port: number; config: string; dataDir: string }[] = [];
  const centrals: { proc: Proc | undefined; port: number; config: string }[] = [];

  after(async () => {
    await Promise.all([...edges, ...centrals].map((h) => stop(h.proc, 'SIGKILL')));
    await stop(sim, 'SIGKILL');
    await broker?.stop();
    if (cs) await dropSchemas(cs, [schema]).catch(() => undefined);
    if (!process.env.GOTTHARD_TEST_KEEP) rmSync(dir, { recursive: true, force: true });
  });

  /** Every HTTP call to a hub goes through here (the API needs a token; health is public). */
  async function hubGet<T>(port: number, path: string): Promise<T | undefined> {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1${path}`, { headers: auth.headers });
      return res.ok ? ((await res.json()) as T) : undefined;
    } catch {
      return undefined;
    }
  }
  const health = (port: number) => hubGet<Health>(port, '/health');

  const startHub = (name: string, config: string): Proc => gotthard(name, ['start', '--config', config]);

  async function waitHealthy(what: string, port: number, proc: Proc | undefined, ok: (h: Health) => boolean) {
    let last: Health | undefined;
    return waitFor(
      what,
      async () => {
        if (proc && (proc.child.exitCode !== null || proc.child.signalCode !== null))
          throw new Error(`${proc.name} exited: ${proc.tail()}`);
        last = await health(port);
        return last && ok(last) ? last : undefined;
      },
      180_000,
      250,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; last health ${JSON.stringify(last)}; ${proc?.name} said: ${proc?.tail()}`);
    });
  }

  const centralConfig = (i: number, port: number) => ({
    dataDir: join(dir, `central${i}`),
    http: { host: '127.0.0.1', port },
    assets: { enterprise: { id: 'acme' }, sites: Array.from({ length: EDGES }, (_, e) => ({ id: `site${e + 1}` })) },
    // A long flush interval widens the window in which a central holds received values not yet in
    // PostgreSQL: a hub that acknowledged on receipt loses them when killed there.
    historian: { engine: 'postgres', postgres: { connectionString: cs, schema }, flushInterval: 2000 },
    security: auth.security,
    sources: [
      {
        kind: 'mqtt',
        name: 'uns',
        broker: { url: broker?.url },
        topics: ['acme/#'],
        sharedGroup: 'historians',
        session: 'persistent',
        clientId: `central-${i}-${run}`,
        reconnect: { initialDelay: 500, maxDelay: 500 },
      },
    ],
  });

  it('every value the edges stored is in PostgreSQL exactly once after a central SIGKILL and a 30 s broker stop', async () => {
    const t0 = Date.now();
    const phases: string[] = [];
    const phase = (what: string) => phases.push(`${what} +${((Date.now() - t0) / 1000).toFixed(1)} s`);
    cs = await testConnectionString();
    broker = new PrivateMosquitto(dir, await freePort());
    await broker.start();

    // The plant: one OPC UA server; each edge maps it under its own site (acme/site<i>/…).
    const simPort = await freePort();
    const simPki = join(dir, 'sim-pki');
    sim = gotthard('sim', ['sim', '--port', String(simPort), '--pki', simPki, '--log-level', 'warn']);
    // Central hubs are started first: a shared subscription must exist before the edges publish (the
    // broker drops what no session subscribed to). Central 1 creates the schema, so central 2 starts
    // once it runs; while only central 1 is subscribed, the group's messages all go to it.
    for (let i = 1; i <= CENTRALS; i++) {
      const port = await freePort();
      const config = join(dir, `central${i}.yaml`);
      writeFileSync(config, JSON.stringify(centralConfig(i, port)));
      centrals.push({ proc: undefined, port, config });
    }
    const c1 = centrals[0] as (typeof centrals)[number];
    const c2 = centrals[1] as (typeof centrals)[number];
    c1.proc = startHub('central1', c1.config);
    const certFile = await waitFor(
      'the demo plant',
      () => {
        if (sim?.child.exitCode !== null) throw new Error(`sim exited: ${sim?.tail()}`);
        return /Server certificate: (\S+)/.exec(sim?.tail() ?? '')?.[1];
      },
      150_000,
      100,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; sim said: ${sim?.tail()}`);
    });

    for (let i = 1; i <= EDGES; i++) {
      const dataDir = join(dir, `edge${i}`);
      mkdirSync(dataDir, { recursive: true });
      // What an operator does once: trust the plant's certificate in the edge's PKI.
      const pki = await openPki({
        dir: join(dataDir, 'pki'),
        applicationUri: `urn:gotthard:hub:${hostname()}`,
        logger: log,
      });
      await pki.trustFile(certFile);
      await pki.close();
      const port = await freePort();
      const config = join(dir, `edge${i}.yaml`);
      writeFileSync(
        config,
        JSON.stringify({
          dataDir,
          http: { host: '127.0.0.1', port },
          assets: { enterprise: { id: 'acme' }, sites: [{ id: `site${i}` }] },
          historian: { flushInterval: 500 },
          security: auth.security,
          sources: [
            {
              kind: 'opcua',
              name: 'line',
              endpoint: `opc.tcp://localhost:${simPort}/gotthard/demo`,
              securityMode: 'SignAndEncrypt',
              securityPolicy: 'Basic256Sha256',
              assetPrefix: `acme/site${i}`,
              browse: [{ root: '/Objects/DemoPlant', levels: ['area', 'line', 'machine'], variableTypes: 'all' }],
              subscription: { publishingIntervalMs: 500, samplingIntervalMs: 500, queueSize: 10 },
              reconnect: { initialDelay: 200, maxDelay: 1000 },
            },
          ],
          uns: {
            nodeId: `edge-${i}-${run}`,
            broker: { mode: 'external', url: broker.url },
            qos: 1,
            reconnect: { initialDelay: 200, maxDelay: 1000 },
          },
        }),
      );
      edges.push({ proc: undefined, port, config, dataDir });
    }
    await waitHealthy('central 1 subscribed', c1.port, c1.proc, (h) => h.sources[0]?.state === 'connected');
    phase('central 1 subscribed');
    c2.proc = startHub('central2', c2.config);
    for (const [i, e] of edges.entries()) e.proc = startHub(`edge${i + 1}`, e.config);
    await waitHealthy('central 2 subscribed', c2.port, c2.proc, (h) => h.sources[0]?.state === 'connected');
    for (const [i, e] of edges.entries()) {
      await waitHealthy(
        `edge ${i + 1} collecting and publishing`,
        e.port,
        e.proc,
        (h) => h.sources[0]?.state === 'connected' && (h.sinks?.[0]?.delivered ?? 0) > 0,
      );
    }
    phase('edges publishing');
    const db = new pg.Client({ connectionString: cs });
    await db.connect();
    try {
      const count = async () =>
        Number((await db.query(`SELECT count(*) AS n FROM "${schema}".sample`)).rows[0]?.n ?? 0);
      await waitFor(
        'values of all three sites in PostgreSQL',
        async () => {
          const r = await db.query(
            `SELECT count(DISTINCT split_part(id, '/', 2)) AS n FROM "${schema}".tag t
           WHERE EXISTS (SELECT 1 FROM "${schema}".sample s WHERE s.tag_key = t.key)`,
          );
          return Number(r.rows[0]?.n) === EDGES;
        },
        60_000,
      );
      await sleep(4000);

      // A central hub dies hard (no flush, no DISCONNECT) and comes back with the same client id.
      // Killed while it holds received values its historian has not written yet, when a poll sees
      // that within 10 s (a hub that acknowledged on receipt always does, with its 2 s interval; one
      // that flushes before acknowledging holds them only for milliseconds).
      let backlogAtKill = 0;
      await waitFor(
        'central 1 holding unwritten values',
        async () => {
          backlogAtKill = (await health(c1.port))?.historian.backlog ?? 0;
          return backlogAtKill > 0;
        },
        10_000,
        50,
      ).catch(() => undefined);
      await stop(c1.proc, 'SIGKILL');
      phase('central 1 SIGKILLed');
      const beforeKill = await count();
      await sleep(3000);
      c1.proc = startHub('central1', c1.config);
      await waitHealthy('central 1 back', c1.port, c1.proc, (h) => h.sources[0]?.state === 'connected');
      await sleep(4000);

      // The broker stops for 30 s; edges keep collecting into their outboxes.
      phase('broker stop');
      await broker.stop();
      const downAt = Date.now();
      await sleep(BROKER_DOWN_MS);
      const queuedAtRestart = await Promise.all(
        edges.map(async (e) => (await health(e.port))?.sinks?.[0]?.queued ?? 0),
      );
      await broker.start();
      const brokerDownMs = Date.now() - downAt;
      for (const [i, e] of edges.entries()) {
        await waitHealthy(`edge ${i + 1} reconnected`, e.port, e.proc, (h) => h.sinks?.[0]?.state === 'connected');
      }
      await sleep(5000);

      // End of the run: the plant stops, edges drain their outboxes, centrals their historians.
      phase('plant stop');
      await stop(sim, 'SIGTERM');
      for (const [i, e] of edges.entries()) {
        await waitHealthy(
          `edge ${i + 1} drained`,
          e.port,
          e.proc,
          (h) => h.sources[0]?.state !== 'connected' && h.historian.backlog === 0 && h.sinks?.[0]?.queued === 0,
        );
      }
      await Promise.all(edges.map((e) => stop(e.proc, 'SIGTERM')));
      phase('edges drained and stopped');

      // Ground truth: what each edge stored in its own SQLite historian.
      const generated = new Map<string, Row>();
      let edgeRows = 0;
      for (const e of edges) {
        const h = createSqliteHistorian({ path: join(e.dataDir, 'historian.db'), logger: log });
        await h.open();
        for (const tag of await h.listTags()) {
          let cursor: string | undefined;
          do {
            const page = await h.raw({ tagKey: tag.key, from: 0, to: Date.now() + 3_600_000, limit: 10_000, cursor });
            for (const s of page.samples) {
              edgeRows++;
              generated.set(`${tag.id}@${s.ts}`, { value: s.value, status: s.status >>> 0 });
            }
            cursor = page.next;
          } while (cursor !== undefined);
        }
        await h.close();
      }
      assert.equal(edgeRows, generated.size, 'the edge historians hold each (tag, source timestamp) once');

      const readStored = async () => {
        const r = await db.query(
          `SELECT t.id, (extract(epoch FROM s.ts) * 1000)::float8 AS ts, s.value, s.status, s.text
           FROM "${schema}".sample s JOIN "${schema}".tag t ON t.key = s.tag_key`,
        );
        const m = new Map<string, Row>();
        for (const x of r.rows as {
          id: string;
          ts: number;
          value: number | null;
          status: number;
          text: string | null;
        }[])
          m.set(`${x.id}@${Math.round(x.ts)}`, { value: x.text ?? x.value, status: x.status >>> 0 });
        return { rows: r.rowCount ?? 0, map: m };
      };
      let stored = await readStored();
      await waitFor(
        'every generated value in PostgreSQL',
        async () => {
          stored = await readStored();
          return [...generated.keys()].every((k) => stored.map.has(k));
        },
        120_000,
        1000,
      ).catch(() => undefined);
      phase('PostgreSQL complete');
      const centralHealth = await Promise.all(centrals.map((c) => health(c.port)));
      const dup = await db.query(`SELECT count(*) AS n, count(DISTINCT (tag_key, ts)) AS d FROM "${schema}".sample`);
      const missing = [...generated.keys()].filter((k) => !stored.map.has(k));
      const extra = [...stored.map.keys()].filter((k) => !generated.has(k));
      const differ = [...generated].filter(([k, v]) => {
        const s = stored.map.get(k);
        if (!s) return false;
        const same =
          typeof v.value === 'number' && typeof s.value === 'number' ? v.value === s.value : v.value === s.value;
        return !same || v.status !== s.status;
      });
      const received = centralHealth.reduce((n, h) => n + (h?.sources[0]?.valuesReceived ?? 0), 0);
      const figures = {
        generated: generated.size,
        stored: stored.rows,
        missing: missing.length,
        extra: extra.length,
        differing: differ.length,
        duplicates: Number(dup.rows[0]?.n) - Number(dup.rows[0]?.d),
        storedBeforeKill: beforeKill,
        central1BacklogAtKill: backlogAtKill,
        edgeQueuedWhenBrokerRestarted: queuedAtRestart,
        brokerDownMs,
        receivedByCentralsSinceStart: received,
        tags: new Set([...generated.keys()].map((k) => k.split('@')[0])).size,
      };
      process.stderr.write(`topology accounting: ${JSON.stringify(figures)}\ntopology phases: ${phases.join(', ')}\n`);
      assert.deepEqual(missing.slice(0, 10), [], `values missing in PostgreSQL: ${JSON.stringify(figures)}`);
      assert.deepEqual(extra.slice(0, 10), [], 'values in PostgreSQL no edge stored');
      assert.deepEqual(differ.slice(0, 5), [], 'value or StatusCode changed on the way');
      assert.equal(figures.duplicates, 0);
      assert.equal(stored.rows, generated.size, 'generated = stored');
      assert.ok(
        queuedAtRestart.every((q) => q > 0),
        'the edges buffered while the broker was down',
      );

      // The central dashboard shows the whole company: its asset tree and tag list hold every site.
      const tags = await hubGet<{ tags: { id: string }[] }>(c2.port, '/tags?limit=10000');
      const sites = new Set(tags?.tags.map((t) => t.id.split('/')[1]));
      assert.deepEqual([...sites].sort(), ['site1', 'site2', 'site3']);
      assert.equal(tags?.tags.length, figures.tags, 'the central catalog has every edge tag');
      const tree = await hubGet<{ children?: { id: string; children?: unknown[] }[] }>(c2.port, '/assets');
      const treeSites = (tree?.children ?? []).filter((s) => (s.children?.length ?? 0) > 0).map((s) => s.id);
      assert.deepEqual(treeSites.sort(), ['site1', 'site2', 'site3'], 'asset tree with the areas of every site');
    } finally {
      await db.end();
    }
  });
});
