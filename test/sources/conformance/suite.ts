import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Historian } from '../../../src/historian/index.js';
import { STATUS_BAD_NO_COMMUNICATION } from '../../../src/model/status.js';
import type { HubEvent, Source } from '../../../src/pipeline/types.js';
import { TcpProxy } from '../../faults/harness.js';
import { waitFor } from '../../helpers/net.js';
import { tempDir } from '../../historian/helpers.js';
import { openHistorian, silent } from '../../uns/helpers.js';
import { eventLog, recordingSink } from '../helpers.js';

/** The liveness every source in the suite runs with (short, so the suite is quick). */
export const LIVENESS = 1000;
/** The backoff every source in the suite runs with. */
export const RECONNECT = { initialDelay: 100, maxDelay: 400, jitter: 0.2 };

/**
 * One source kind under test: a real peer (server or broker) that keeps producing values, and a
 * source of that kind pointed at `127.0.0.1:<port>` (a TCP proxy in front of the peer, which the
 * suite uses to drop and to silence the link). The source config sets `liveness: LIVENESS` and
 * `reconnect: RECONNECT`.
 */
export interface ConformancePeer {
  kind: string;
  /** Starts the peer; returns its TCP port. Values must flow continuously from then on. */
  start(dir: string): Promise<number>;
  /** A source connected through `port`, with the suite's liveness and reconnect settings. */
  source(port: number): Source | Promise<Source>;
  stop(): Promise<void>;
}

const CORE_KEYS = [
  'name',
  'kind',
  'endpoint',
  'state',
  'tags',
  'rejectedTags',
  'valuesReceived',
  'lastValueAt',
  'lastContactAt',
  'connectedSince',
  'reconnects',
  'lastError',
  'details',
];

/**
 * The source conformance suite (the sources' counterpart of test/historian/suite.ts): the same
 * behaviour for every kind, driven through the runtime's supervisor. Runs the cases in order on one
 * source: delivery and health shape; a dropped link (RST) gives a gap marker per tag at the last
 * contact, `connection.lost`, retries with backoff and `connection.restored`; a silent link (no
 * byte passes, nothing closes) is reported lost within 2 × liveness with its marker at the last contact.
 */
export function sourceConformance(peer: ConformancePeer): void {
  describe(`source conformance: ${peer.kind}`, { timeout: 120_000 }, () => {
    const tmp = tempDir(`gotthard-conf-${peer.kind}-`);
    let proxy: TcpProxy;
    let historian: Historian;
    let src: Source;
    const { sink, rows } = recordingSink();
    const log = eventLog();
    const events = (kind: string, since = 0): HubEvent[] => log.events.filter((e) => e.kind === kind && e.ts >= since);
    const goodRows = () => rows.filter((r) => r.status === 0);
    /** Just after the previous outage's markers: markers of this case are newer. */
    let caseStart = 0;
    const markers = (since: number) =>
      rows.filter((r) => r.status === STATUS_BAD_NO_COMMUNICATION && r.sourceTs >= since);

    before(async () => {
      const port = await peer.start(tmp.dir);
      proxy = new TcpProxy(port);
      const proxyPort = await proxy.start();
      historian = await openHistorian(tmp.dir);
      src = await peer.source(proxyPort);
      await src.start({ catalog: historian, sink, events: log.sink, log: silent });
    });
    after(async () => {
      await src?.stop();
      await proxy?.stop();
      await peer.stop();
      await historian?.close();
      tmp.cleanup();
    });

    test('connects and delivers values; health is the common core plus details', async () => {
      await waitFor('connected', () => src.health().state === 'connected', 30_000, 20);
      await waitFor('values', () => goodRows().length >= 3, 10_000, 20);
      const h = src.health();
      assert.equal(h.kind, peer.kind);
      assert.equal(h.state, 'connected');
      assert.ok(h.tags >= 1, `tags: ${h.tags}`);
      assert.ok(h.valuesReceived >= 3);
      assert.equal(h.reconnects, 0);
      for (const k of ['lastValueAt', 'lastContactAt', 'connectedSince'] as const) {
        assert.equal(typeof h[k], 'number', k);
      }
      assert.equal(typeof h.details, 'object');
      const extra = Object.keys(h).filter((k) => !CORE_KEYS.includes(k));
      assert.deepEqual(extra, [], 'nothing protocol-specific outside `details`');
    });

    test('a dropped link: gap marker per tag at the last contact, connection.lost, backoff, connection.restored', async () => {
      const tags = src.health().tags;
      const dropAt = Date.now();
      proxy.reset(); // RST on the connection, and on every new one until heal
      await waitFor('gap markers', () => markers(dropAt - 1000).length >= tags, 10_000, 20);
      const lost = events('connection.lost', dropAt)[0];
      assert.ok(lost, 'connection.lost');
      const lastContact = (lost.details as { lastContactAt: number }).lastContactAt;
      const m = markers(dropAt - 1000);
      assert.equal(m.length, tags, 'one marker per tag');
      assert.ok(
        m.every((r) => r.sourceTs === lastContact + 1),
        'every marker at the last contact + 1 ms',
      );
      assert.ok(lastContact <= dropAt + 50, `last contact ${lastContact - dropAt} ms after the drop`);
      const before = goodRows().filter((r) => r.serverTs <= lastContact);
      assert.ok(before.length > 0 && Math.max(...before.map((r) => r.sourceTs)) <= lastContact);
      assert.notEqual(src.health().state, 'connected');
      // refused while the link is down: the supervisor keeps trying with backoff, not with a hot loop
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(events('connection.restored', dropAt).length, 0);
      const healAt = Date.now();
      proxy.heal();
      await waitFor('restored', () => src.health().state === 'connected', 10_000, 20);
      // the longest backoff is 400 ms + 20 %: back well within a second or two of the heal
      assert.ok(Date.now() - healAt < 5000, `reconnected ${Date.now() - healAt} ms after the heal`);
      assert.equal(src.health().reconnects, 1);
      const restored = events('connection.restored', dropAt);
      assert.equal(restored.length, 1);
      const n = goodRows().length;
      await waitFor('values again', () => goodRows().length > n + 2, 10_000, 20);
      caseStart = lastContact + 2;
    });

    test('a silent link (no byte passes, nothing closes) is reported lost within 2 × liveness, marker at the last contact', async () => {
      await waitFor('values flowing', () => (src.health().lastValueAt ?? 0) > Date.now() - 500, 10_000, 20);
      const silentAt = Date.now();
      proxy.blackhole();
      await waitFor('lost', () => src.health().state !== 'connected', 3 * LIVENESS, 10);
      const noticedMs = Date.now() - silentAt;
      assert.ok(noticedMs <= 2 * LIVENESS, `noticed after ${noticedMs} ms (liveness ${LIVENESS} ms)`);
      const lost = events('connection.lost', silentAt)[0];
      assert.ok(lost, 'connection.lost');
      const lastContact = (lost.details as { lastContactAt: number }).lastContactAt;
      assert.ok(lastContact <= silentAt + 50, `last contact ${lastContact - silentAt} ms after the link went silent`);
      const m = markers(caseStart);
      assert.equal(m.length, src.health().tags);
      assert.ok(m.every((r) => r.sourceTs === lastContact + 1));
      proxy.reset();
      proxy.heal();
      await waitFor('restored', () => src.health().state === 'connected', 10_000, 20);
      assert.equal(src.health().reconnects, 2);
      process.stderr.write(`# ${peer.kind}: silent link noticed after ${noticedMs} ms (liveness ${LIVENESS} ms)\n`);
    });
  });
}
