import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildApi } from '../../src/api/index.js';
import { LiveHub, type LiveSocket } from '../../src/api/live.js';
import type { HubView } from '../../src/api/types.js';
import { createSqliteHistorian, type Historian } from '../../src/historian/index.js';
import { buildAssetTree } from '../../src/model/assets.js';
import { SampleBatch } from '../../src/model/sample.js';
import type { TagDefinition } from '../../src/model/tag.js';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { openTestAuth } from '../helpers/auth.js';
import { waitFor } from '../helpers/net.js';

const log = pino({ level: 'silent' });
const lineage = (n: string) => ({ source: 'plc', endpoint: 'opc.tcp://plc:4840', nodeId: `ns=1;s=${n}` });
const tagDef = (machine: string, name: string): TagDefinition => ({
  id: `acme/zurich/machining/line1/${machine}/${name}`,
  assetPath: `acme/zurich/machining/line1/${machine}`,
  name,
  dataType: 'Double',
  unit: '°C',
  lineage: lineage(`${machine}.${name}`),
});
const TAGS = [tagDef('cnc1', 'temperature'), tagDef('cnc1', 'speed'), tagDef('cnc2', 'temperature')];

interface Msg {
  type: string;
  values?: { tag: string; value: number; ts: number; status: string }[];
  tags?: string[];
  count?: number;
  unknownTags?: string[];
  message?: string;
}

/** Collects the JSON messages of a ws client. */
function collect(ws: { on(ev: 'message', fn: (d: unknown) => void): unknown }): Msg[] {
  const got: Msg[] = [];
  ws.on('message', (d) => got.push(JSON.parse(String(d)) as Msg));
  return got;
}

describe('live API (WebSocket /api/v1/live)', () => {
  let historian: Historian;
  let pipeline: Pipeline;
  let app: FastifyInstance;
  let keys: number[];
  let testAuth: Awaited<ReturnType<typeof openTestAuth>>;

  before(async () => {
    historian = createSqliteHistorian({
      path: join(mkdtempSync(join(tmpdir(), 'gt-live-')), 'h.db'),
      flushIntervalMs: 50,
      logger: log,
    });
    await historian.open();
    keys = await historian.register(TAGS);
    pipeline = new Pipeline(log);
    pipeline.addSink(historian);
    const hub: HubView = {
      historian,
      pipeline,
      health: () => ({
        status: 'ok',
        version: 'test',
        startedAt: Date.now(),
        sources: [],
        historian: historian.stats(),
        ingest: { valuesPerSecond: 0, totalValues: 0 },
      }),
      assetTree: async () => buildAssetTree({ enterprise: { id: 'acme' }, sites: [] }, await historian.listTags()),
    };
    testAuth = await openTestAuth();
    app = await buildApi(hub, { logger: log, version: 'test', webRoot: false, auth: testAuth.auth });
    await app.ready();
  });

  after(async () => {
    await app?.close();
    await historian?.close();
    testAuth?.close();
  });

  const write = (rows: [number, number][], ts = Date.now()) => {
    const b = new SampleBatch(rows.length);
    for (const [k, v] of rows) b.push(k, ts, ts, v, 0);
    pipeline.write(b);
  };

  it('subscribes by tag id, sends a snapshot and then only the subscribed tags', async () => {
    write([[keys[0] as number, 20]]);
    await historian.flush();
    const ws = await app.injectWS('/api/v1/live', { headers: testAuth.headers });
    const got = collect(ws);
    ws.send(JSON.stringify({ type: 'subscribe', tags: [TAGS[0]?.id, 'acme/nope'] }));
    const sub = await waitFor('subscribed', () => got.find((m) => m.type === 'subscribed'));
    assert.deepEqual(sub.tags, [TAGS[0]?.id]);
    assert.deepEqual(sub.unknownTags, ['acme/nope'], 'unknown ids are named back');
    const snap = await waitFor('snapshot', () => got.find((m) => m.type === 'snapshot'));
    assert.equal(snap.values?.[0]?.value, 20);

    write([
      [keys[0] as number, 21],
      [keys[1] as number, 99],
      [keys[2] as number, 98],
    ]);
    const vals = await waitFor('values', () => got.find((m) => m.type === 'values'));
    assert.deepEqual(
      vals.values?.map((v) => [v.tag, v.value, v.status]),
      [[TAGS[0]?.id, 21, 'Good']],
    );
    ws.terminate();
  });

  it('subscribes by asset path, also to tags of that asset registered later; unsubscribe stops the flow', async () => {
    const ws = await app.injectWS('/api/v1/live', { headers: testAuth.headers });
    const got = collect(ws);
    ws.send(JSON.stringify({ type: 'subscribe', assets: ['acme/zurich/machining/line1/cnc1'] }));
    const sub = await waitFor('subscribed', () => got.find((m) => m.type === 'subscribed'));
    assert.deepEqual(sub.tags?.sort(), [TAGS[0]?.id, TAGS[1]?.id].sort());

    const [late] = await historian.register([tagDef('cnc1', 'pressure')]);
    write([[late as number, 5]]);
    // The first batch of an unknown key triggers a catalog reload; the next ones are delivered.
    await waitFor(
      'the late tag to stream',
      () => {
        write([[late as number, 6]]);
        return got.some((m) => m.type === 'values' && m.values?.some((v) => v.tag.endsWith('/pressure')));
      },
      10_000,
      300,
    );

    ws.send(JSON.stringify({ type: 'unsubscribe' }));
    await waitFor('unsubscribed', () => got.find((m) => m.type === 'unsubscribed'));
    await new Promise((r) => setTimeout(r, 400));
    const before = got.length;
    write([[keys[0] as number, 30]]);
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(got.slice(before).filter((m) => m.type === 'values').length, 0, 'nothing after unsubscribe');
    ws.terminate();
  });

  it('keeps a tag that is still wanted through an asset when its explicit subscription ends', async () => {
    const ws = await app.injectWS('/api/v1/live', { headers: testAuth.headers });
    const got = collect(ws);
    ws.send(JSON.stringify({ type: 'subscribe', assets: ['acme/zurich/machining/line1/cnc2'] }));
    ws.send(JSON.stringify({ type: 'subscribe', tags: [TAGS[2]?.id] }));
    await waitFor('two answers', () => got.filter((m) => m.type === 'subscribed').length === 2);
    ws.send(JSON.stringify({ type: 'unsubscribe', tags: [TAGS[2]?.id] }));
    const un = await waitFor('unsubscribed', () => got.find((m) => m.type === 'unsubscribed'));
    assert.deepEqual(un.tags, [], 'nothing removed: the asset subscription still covers the tag');
    write([[keys[2] as number, 77]]);
    await waitFor('the value', () =>
      got.some((m) => m.type === 'values' && m.values?.some((v) => v.tag === TAGS[2]?.id && v.value === 77)),
    );
    ws.terminate();
  });

  it('answers bad messages with an error naming the field', async () => {
    const ws = await app.injectWS('/api/v1/live', { headers: testAuth.headers });
    const got = collect(ws);
    ws.send('{"type":"subscribe","tags":"acme"}');
    const err = await waitFor('error', () => got.find((m) => m.type === 'error'));
    assert.match(err.message ?? '', /^tags: /);
    ws.send('not json');
    await waitFor('second error', () => got.filter((m) => m.type === 'error').length === 2);
    ws.terminate();
  });

  it('a slow client never blocks the hub: its queue is bounded and it is told what it missed', async () => {
    // A socket that reports 10 MB unsent: the hub must skip it, not wait for it.
    const sent: Msg[] = [];
    const slow = {
      bufferedAmount: 10 << 20,
      send: (d: string) => sent.push(JSON.parse(d) as Msg),
      close: () => {},
    } satisfies LiveSocket;
    const fast: Msg[] = [];
    const quick = {
      bufferedAmount: 0,
      send: (d: string) => fast.push(JSON.parse(d) as Msg),
      close: () => {},
    } satisfies LiveSocket;

    const live = new LiveHub(
      {
        listTags: () => historian.listTags(),
        latest: (k) => historian.latest(k),
        listen: (fn) => pipeline.listen(fn),
      },
      { log, flushIntervalMs: 60_000, maxQueue: 100, maxBufferedBytes: 1 << 20 },
    );
    try {
      const s = live.connect(slow);
      const q = live.connect(quick);
      await s.receive(JSON.stringify({ type: 'subscribe', tags: [TAGS[2]?.id] }));
      await q.receive(JSON.stringify({ type: 'subscribe', tags: [TAGS[2]?.id] }));
      const t0 = Date.now();
      const started = performance.now();
      for (let i = 0; i < 1000; i++) {
        write([[keys[2] as number, i]], t0 + i);
        if (i % 50 === 49) live.flushAll();
      }
      const ms = performance.now() - started;
      assert.equal(s.queued, 100, 'the slow client holds at most maxQueue values');
      assert.ok(ms < 5000, `1000 writes took ${ms} ms`);
      assert.equal(sent.filter((m) => m.type === 'values').length, 0, 'nothing was pushed into the clogged socket');
      // The fast client got everything.
      const fastValues = fast.filter((m) => m.type === 'values').flatMap((m) => m.values ?? []);
      assert.equal(fastValues.length, 1000);
      assert.equal(fast.filter((m) => m.type === 'missed').length, 0);

      // The slow client catches up: first it is told what it missed, then it gets the newest 100.
      slow.bufferedAmount = 0;
      live.flushAll();
      const missed = sent.find((m) => m.type === 'missed');
      assert.ok(missed, `a missed notice: ${JSON.stringify(sent.map((m) => m.type))}`);
      assert.equal(missed.count, 900);
      const got = sent.filter((m) => m.type === 'values').flatMap((m) => m.values ?? []);
      assert.deepEqual(
        got.map((v) => v.value),
        Array.from({ length: 100 }, (_, i) => 900 + i),
        'the newest values, in order',
      );
      assert.ok(
        sent.findIndex((m) => m.type === 'missed') < sent.findIndex((m) => m.type === 'values'),
        'told before the values',
      );
    } finally {
      live.close();
    }
  });
});
