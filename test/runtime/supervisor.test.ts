import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pino } from 'pino';
import type { SampleBatch } from '../../src/model/sample.js';
import { STATUS_BAD_NO_COMMUNICATION } from '../../src/model/status.js';
import type { HubEvent, Sink } from '../../src/pipeline/types.js';
import {
  type Connector,
  type Link,
  NotConnected,
  Supervisor,
  type SupervisorOptions,
} from '../../src/runtime/index.js';
import { waitFor } from '../helpers/net.js';

const log = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A connector behind the narrow interface: each attempt takes the next scripted outcome
 * ('ok' | 'fail' | 'hang' | a NotConnected); `close` can hang too. Records every call.
 */
class FakeConnector implements Connector {
  attempts: number[] = [];
  closes = 0;
  link: Link | undefined;
  hangClose = false;
  constructor(private readonly script: (NotConnected | 'ok' | 'fail' | 'hang')[] = []) {}
  async connect(link: Link): Promise<void> {
    this.attempts.push(Date.now());
    const next = this.script.shift() ?? 'ok';
    if (next === 'hang') return new Promise(() => undefined);
    if (next === 'fail') throw new Error('ECONNREFUSED');
    if (next instanceof NotConnected) throw next;
    this.link = link;
  }
  close(): Promise<void> {
    this.closes++;
    return this.hangClose ? new Promise(() => undefined) : Promise.resolve();
  }
}

function recorder() {
  const events: HubEvent[] = [];
  const rows: { key: number; ts: number; status: number }[] = [];
  const sink: Sink = {
    name: 'rec',
    write(b: SampleBatch) {
      for (let i = 0; i < b.length; i++) {
        rows.push({ key: b.tagKey[i] as number, ts: b.sourceTs[i] as number, status: b.status[i] as number });
      }
    },
    flush: async () => undefined,
    close: async () => undefined,
  };
  return { events, rows, sink, eventSink: { emit: (e: HubEvent) => events.push(e) } };
}

function supervisor(connector: Connector, o: Partial<SupervisorOptions> = {}): Supervisor {
  return new Supervisor({
    name: 'plc1',
    peer: 'test peer',
    connector,
    reconnect: { initialDelay: 40, maxDelay: 160, jitter: 0 },
    liveness: 0,
    connectTimeout: 1000,
    closeTimeout: 200,
    log,
    ...o,
  });
}

describe('Supervisor', () => {
  test('connects, counts values and contacts, and reports the common health core', async () => {
    const c = new FakeConnector();
    const s = supervisor(c);
    assert.equal(s.health().state, 'disconnected');
    await s.start();
    const h0 = s.health();
    assert.equal(h0.state, 'connected');
    assert.equal(h0.reconnects, 0);
    assert.ok(h0.connectedSince !== undefined && h0.lastContactAt !== undefined);
    c.link?.received(5);
    c.link?.received(2);
    const h = s.health();
    assert.equal(h.valuesReceived, 7);
    assert.ok(h.lastValueAt !== undefined);
    c.link?.error('holding 0+10: timeout');
    assert.equal(s.health().lastError, 'holding 0+10: timeout');
    await s.stop();
    assert.equal(s.health().state, 'stopped');
    assert.equal(c.closes, 1);
  });

  test('a refused connect is retried with exponential backoff and reported once per distinct message', async () => {
    const c = new FakeConnector(['fail', 'fail', 'fail', 'ok']);
    const { events, eventSink } = recorder();
    const s = supervisor(c);
    await s.start({ events: eventSink });
    assert.equal(s.health().state, 'failed');
    assert.match(s.health().lastError ?? '', /cannot connect to test peer: ECONNREFUSED/);
    await waitFor('connected', () => s.health().state === 'connected', 3000, 5);
    assert.equal(c.attempts.length, 4);
    const gaps = c.attempts.slice(1).map((t, i) => t - (c.attempts[i] as number));
    // 40, 80, 160 ms (jitter 0); timers fire late, never early
    assert.ok((gaps[0] as number) >= 39 && (gaps[1] as number) >= 79 && (gaps[2] as number) >= 159, `${gaps}`);
    assert.ok((gaps[2] as number) > (gaps[0] as number), `the delay grows: ${gaps}`);
    assert.equal(events.filter((e) => e.kind === 'connection.failed').length, 1, 'one event, not one per attempt');
    assert.equal(events.filter((e) => e.kind === 'connection.restored').length, 0, 'a first connect restores nothing');
    assert.equal(c.closes, 3, 'every failed attempt is closed');
    assert.equal(s.health().reconnects, 0);
    await s.stop();
  });

  test('NotConnected names its own event and, when slow, retries at the longest delay', async () => {
    const c = new FakeConnector([
      new NotConnected('certificate not trusted', { event: 'certificate.untrusted', details: { t: 1 }, slow: true }),
      'ok',
    ]);
    const { events, eventSink } = recorder();
    const s = supervisor(c);
    await s.start({ events: eventSink });
    const ev = events.find((e) => e.kind === 'certificate.untrusted');
    assert.equal(ev?.message, 'certificate not trusted');
    assert.deepEqual(ev?.details, { t: 1 });
    assert.equal(ev?.source, 'plc1');
    await waitFor('connected', () => s.health().state === 'connected', 3000, 5);
    const gap = (c.attempts[1] as number) - (c.attempts[0] as number);
    assert.ok(gap >= 159, `retried at maxDelay (160 ms), not initialDelay: ${gap}`);
    await s.stop();
  });

  test('a lost connection: gap marker per tag at the last contact + 1 ms, events, reconnect with restored', async () => {
    const c = new FakeConnector();
    const { events, rows, sink, eventSink } = recorder();
    const s = supervisor(c);
    await s.start({ events: eventSink, gaps: { sink, keys: () => [1, 2, 3] } });
    const first = c.link as Link;
    first.received(1);
    const lastContact = s.health().lastContactAt as number;
    await sleep(50);
    first.lost('socket closed');
    assert.equal(s.health().state, 'reconnecting');
    assert.deepEqual(
      rows.map((r) => [r.key, r.ts, r.status]),
      [1, 2, 3].map((k) => [k, lastContact + 1, STATUS_BAD_NO_COMMUNICATION]),
      'marker at the last contact, not at the time the loss was reported',
    );
    const lost = events.find((e) => e.kind === 'connection.lost');
    assert.ok(lost);
    assert.equal(lost.source, 'plc1');
    assert.equal((lost.details as { lastContactAt: number }).lastContactAt, lastContact);
    assert.match(lost.message, /lost \(socket closed\); 3 tag\(s\) marked BadNoCommunication/);
    // a late callback of the torn-down attempt changes nothing
    first.received(100);
    first.lost('again');
    assert.equal(rows.length, 3);
    assert.equal(s.health().valuesReceived, 1);
    await waitFor('reconnected', () => s.health().state === 'connected', 3000, 5);
    assert.equal(s.health().reconnects, 1);
    assert.notEqual(c.link, first);
    const restored = events.find((e) => e.kind === 'connection.restored');
    assert.ok(restored && (restored.details as { gapMs: number }).gapMs >= 40);
    assert.equal(c.closes, 1);
    await s.stop();
  });

  test('liveness: silence for the liveness time is a loss, keep-alives keep the connection up', async () => {
    const c = new FakeConnector();
    const { events, rows, sink, eventSink } = recorder();
    const s = supervisor(c, { liveness: 300 });
    await s.start({ events: eventSink, gaps: { sink, keys: () => [7] } });
    // keep-alives every 100 ms for 900 ms: three liveness periods, still connected
    for (let i = 0; i < 9; i++) {
      await sleep(100);
      c.link?.contact();
    }
    assert.equal(s.health().state, 'connected');
    assert.equal(events.length, 0);
    c.link?.received(1);
    const lastContact = s.health().lastContactAt as number;
    // the peer goes silent without closing anything
    await waitFor('lost by liveness', () => s.health().state !== 'connected', 2000, 5);
    const noticedMs = Date.now() - lastContact;
    assert.ok(noticedMs >= 300 && noticedMs <= 2 * 300, `noticed after ${noticedMs} ms (liveness 300)`);
    assert.deepEqual(rows, [{ key: 7, ts: lastContact + 1, status: STATUS_BAD_NO_COMMUNICATION }]);
    assert.match(events[0]?.message ?? '', /no value and no keep-alive for \d+ ms \(liveness 300 ms\)/);
    assert.equal(c.closes, 1, 'the silent connection is torn down');
    await waitFor('reconnected', () => s.health().state === 'connected', 3000, 5);
    await s.stop();
  });

  test('a connect that hangs is given up after connectTimeout; a close that hangs does not block the retry', async () => {
    const c = new FakeConnector(['hang', 'ok']);
    c.hangClose = true;
    const s = supervisor(c, { connectTimeout: 100, closeTimeout: 50 });
    const t0 = Date.now();
    await s.start();
    assert.ok(Date.now() - t0 < 400, 'start returns after the bounded attempt');
    assert.match(s.health().lastError ?? '', /connect timed out after 100 ms/);
    await waitFor('connected', () => s.health().state === 'connected', 3000, 5);
    const t1 = Date.now();
    await s.stop();
    assert.ok(Date.now() - t1 < 400, 'stop is bounded by the close timeout');
    assert.equal(s.health().state, 'stopped');
  });

  test('stop during the backoff wait: no further attempt', async () => {
    const c = new FakeConnector(['fail', 'ok']);
    const s = supervisor(c, { reconnect: { initialDelay: 100, maxDelay: 100, jitter: 0 } });
    await s.start();
    await s.stop();
    await sleep(200);
    assert.equal(c.attempts.length, 1);
    assert.equal(s.health().state, 'stopped');
  });

  test('an egress sink: events carry details.sink and the note, no source and no gap markers', async () => {
    const c = new FakeConnector();
    const { events, eventSink } = recorder();
    const s = supervisor(c, {
      name: 'uns',
      role: 'sink',
      note: { lost: () => 'values are kept in the outbox', details: () => ({ queued: 12 }) },
    });
    await s.start({ events: eventSink });
    c.link?.lost('broker connection closed');
    const lost = events.find((e) => e.kind === 'connection.lost');
    assert.ok(lost);
    assert.equal(lost.source, undefined);
    assert.equal((lost.details as { sink: string }).sink, 'uns');
    assert.equal((lost.details as { queued: number }).queued, 12);
    assert.match(lost.message, /values are kept in the outbox, reconnecting$/);
    await s.stop();
  });
});
