import type { Logger } from 'pino';
import { duration } from '../config/types.js';
import { SampleBatch } from '../model/sample.js';
import { STATUS_BAD_NO_COMMUNICATION } from '../model/status.js';
import type { ConnectionState, EventSink, HubEvent, Sink } from '../pipeline/types.js';
import { Backoff, type ReconnectConfig } from './backoff.js';

/**
 * What a connector throws from `connect` to ask the runtime for a retry (benthos' ErrNotConnected).
 * Any other error is retried the same way; this class only adds what the event should say:
 * `event` replaces the default `connection.failed` kind (e.g. `certificate.untrusted`), and `slow`
 * retries at the longest delay (an operator has to act first; hammering the peer helps nobody).
 */
export class NotConnected extends Error {
  constructor(
    message: string,
    readonly opts: { event?: string; details?: Record<string, unknown>; slow?: boolean } = {},
  ) {
    super(message);
    this.name = 'NotConnected';
  }
}

/**
 * The liveness contract of a connection: no value and no keep-alive for this long means "lost".
 * Declared once here; every connection config embeds it.
 */
export const livenessSchema = duration(
  'No value and no keep-alive from the peer for this long means the connection is lost: the tags get a BadNoCommunication gap marker at the last contact and the runtime reconnects. A frozen peer or a link that silently drops packets is reported within 2 × this. `0` turns the check off.',
).default(5000);

export const closeTimeoutMs = 3000;

/**
 * What a connector gives the supervisor. One `Link` per connection attempt: calls on the link of an
 * attempt that the supervisor has given up are ignored, so a late callback of a torn-down client can
 * never mark a fresh connection.
 */
export interface Link {
  /** A sign of life that carries no value: a keep-alive, a PINGRESP, a poll answered with an exception. */
  contact(): void;
  /** `count` values arrived (also a contact). */
  received(count: number): void;
  /** The connector saw the connection break (socket closed, channel aborted). */
  lost(reason: string): void;
  /** A per-item error worth showing in health (`lastError`); the connection stays up. */
  error(message: string): void;
}

/**
 * The connector contract: open, close, and deliver through the link. A connector keeps no retry
 * timer, no backoff and no connection state of its own; the supervisor owns all of that.
 */
export interface Connector {
  /**
   * Opens the connection and starts delivery (subscribe, or start polling). Resolves once values can
   * flow; throws (preferably `NotConnected`) to ask for a retry. Bounded by the supervisor's
   * `connectTimeout`; on a timeout `close` is called.
   */
  connect(link: Link): Promise<void>;
  /** Releases everything `connect` made. Called after every failed or lost attempt; bounded by the supervisor. */
  close(): Promise<void>;
}

/** The connection part of every health report (the common core). */
export interface ConnectionHealth {
  state: ConnectionState;
  valuesReceived: number;
  lastValueAt?: number;
  /** Last value or keep-alive received. */
  lastContactAt?: number;
  connectedSince?: number;
  reconnects: number;
  lastError?: string;
}

export interface SupervisorOptions {
  /** The connection name (events' `source`). */
  name: string;
  /** The peer for messages, e.g. `OPC UA server opc.tcp://plc1:4840`. Never holds a secret. */
  peer: string;
  connector: Connector;
  reconnect: ReconnectConfig;
  /** Milliseconds; 0 = no liveness check. */
  liveness: number;
  /** Longest connection attempt, ms. */
  connectTimeout: number;
  closeTimeout?: number;
  /**
   * `source` (default): events carry `source: name`. `sink`: an egress connection; events carry
   * `details.sink: name` instead, since `HubEvent.source` names sources only.
   */
  role?: 'source' | 'sink';
  /** Adds to the `connection.lost` / `connection.restored` messages and details (e.g. a sink's queued values). */
  note?: { lost?: () => string; restored?: () => string; details?: () => Record<string, unknown> };
  log: Logger;
  random?: () => number;
}

export interface SupervisorContext {
  events?: EventSink;
  /** Where gap markers go; none for an egress sink. */
  gaps?: { sink: Sink; keys: () => readonly number[] };
}

/**
 * Owns one connection: connect attempts bounded in time, jittered exponential backoff between
 * them, the liveness check, gap markers at the last contact, `connection.*` events and the health
 * counters. Usable by any source or egress sink.
 */
export class Supervisor {
  private state: ConnectionState = 'disconnected';
  private ctx: SupervisorContext = {};
  private readonly backoff: Backoff;
  private gen = 0;
  private stopped = false;
  private everConnected = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private livenessTimer: NodeJS.Timeout | undefined;
  private lastFailure: string | undefined;
  /** Start of the current gap (the last contact before the loss). */
  private lostAt: number | undefined;
  private closing: Promise<void> = Promise.resolve();
  private h: Omit<ConnectionHealth, 'state'> = { valuesReceived: 0, reconnects: 0 };

  constructor(private readonly o: SupervisorOptions) {
    this.backoff = new Backoff(o.reconnect, o.random);
  }

  get connected(): boolean {
    return this.state === 'connected';
  }

  health(): ConnectionHealth {
    const h = this.h;
    return {
      state: this.state,
      valuesReceived: h.valuesReceived,
      reconnects: h.reconnects,
      ...(h.lastValueAt !== undefined ? { lastValueAt: h.lastValueAt } : {}),
      ...(h.lastContactAt !== undefined ? { lastContactAt: h.lastContactAt } : {}),
      ...(h.connectedSince !== undefined ? { connectedSince: h.connectedSince } : {}),
      ...(h.lastError !== undefined ? { lastError: h.lastError } : {}),
    };
  }

  /** A per-item error worth showing in health (`lastError`), from outside any one attempt. */
  error(message: string): void {
    this.h.lastError = message;
  }

  /** Makes the first connection attempt and returns; later attempts run in the background. */
  async start(ctx: SupervisorContext = {}): Promise<void> {
    this.ctx = ctx;
    this.stopped = false;
    await this.attempt();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.gen++;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.stopLiveness();
    await this.closing;
    await this.close();
    this.state = 'stopped';
    this.h.connectedSince = undefined;
  }

  // ---- attempts -------------------------------------------------------------------------------

  private async attempt(): Promise<void> {
    if (this.stopped) return;
    const gen = ++this.gen;
    if (!this.everConnected && this.state !== 'failed') this.state = 'connecting';
    const link = this.link(gen);
    try {
      await withTimeout(this.o.connector.connect(link), this.o.connectTimeout, 'connect');
    } catch (err) {
      if (gen !== this.gen || this.stopped) return;
      await this.close();
      if (gen !== this.gen || this.stopped) return;
      this.failed(err as Error);
      return;
    }
    if (gen !== this.gen || this.stopped) {
      await this.close();
      return;
    }
    this.connected_();
  }

  private connected_(): void {
    const now = Date.now();
    const restored = this.everConnected;
    this.everConnected = true;
    this.state = 'connected';
    this.backoff.reset();
    this.lastFailure = undefined;
    this.h.connectedSince = now;
    this.h.lastContactAt = now;
    this.h.lastError = undefined;
    this.startLiveness();
    if (!restored) return;
    this.h.reconnects++;
    const gapMs = this.lostAt !== undefined ? now - this.lostAt : 0;
    this.lostAt = undefined;
    const note = this.o.note?.restored?.();
    const message = `connection to ${this.o.peer} restored after ${gapMs} ms${note ? `; ${note}` : ''}`;
    this.o.log.info({ gapMs }, message);
    this.emit({ ts: now, kind: 'connection.restored', severity: 'info', message, details: { gapMs } });
  }

  private failed(err: Error): void {
    const opts = err instanceof NotConnected ? err.opts : {};
    const message = err instanceof NotConnected ? err.message : `cannot connect to ${this.o.peer}: ${err.message}`;
    this.h.lastError = message;
    this.state = this.everConnected ? 'reconnecting' : 'failed';
    const delay = opts.slow ? this.o.reconnect.maxDelay : this.backoff.next();
    if (message !== this.lastFailure) {
      this.lastFailure = message;
      this.emit({
        ts: Date.now(),
        kind: opts.event ?? 'connection.failed',
        severity: 'error',
        message,
        ...(opts.details ? { details: opts.details } : {}),
      });
      this.o.log.error({ retryInMs: delay }, message);
    } else {
      this.o.log.debug({ retryInMs: delay, err: message }, 'connect attempt failed');
    }
    this.retry(delay);
  }

  private retry(delay: number): void {
    if (this.stopped) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.attempt();
    }, delay);
    this.retryTimer.unref();
  }

  /** Closes the connector, never waiting longer than the close timeout (a frozen peer can hang a close). */
  private async close(): Promise<void> {
    const ms = this.o.closeTimeout ?? closeTimeoutMs;
    await withTimeout(this.o.connector.close(), ms, 'close').catch((err: Error) =>
      this.o.log.warn({ err: err.message }, `connection to ${this.o.peer} did not close cleanly`),
    );
  }

  // ---- loss -----------------------------------------------------------------------------------

  private link(gen: number): Link {
    const live = () => gen === this.gen && !this.stopped;
    return {
      contact: () => {
        if (live()) this.h.lastContactAt = Date.now();
      },
      received: (count) => {
        if (!live()) return;
        const now = Date.now();
        this.h.valuesReceived += count;
        this.h.lastValueAt = now;
        this.h.lastContactAt = now;
      },
      lost: (reason) => {
        if (!live()) return;
        if (this.state === 'connected') this.lost(reason);
        else this.h.lastError = reason;
      },
      error: (message) => {
        if (live()) this.h.lastError = message;
      },
    };
  }

  private lost(reason: string): void {
    this.gen++;
    this.stopLiveness();
    const now = Date.now();
    const lastContact = this.h.lastContactAt ?? now;
    this.lostAt = lastContact;
    this.state = 'reconnecting';
    this.h.connectedSince = undefined;
    this.h.lastError = reason;
    // The gap starts at the last contact, not when the loss was noticed: nothing after it is known.
    // +1 ms: the historian keeps the first row per (tag, timestamp), so a marker at the very
    // millisecond of the last value would lose to it (or replace nothing).
    const markAt = lastContact + 1;
    const keys = this.ctx.gaps?.keys() ?? [];
    if (keys.length > 0 && this.ctx.gaps) {
      const batch = new SampleBatch(keys.length);
      for (const k of keys) batch.push(k, markAt, markAt, Number.NaN, STATUS_BAD_NO_COMMUNICATION);
      this.ctx.gaps.sink.write(batch);
    }
    const note = this.o.note?.lost?.();
    const marked = this.ctx.gaps
      ? `${keys.length} tag(s) marked BadNoCommunication from ${new Date(markAt).toISOString()}, `
      : '';
    const message = `connection to ${this.o.peer} lost (${reason}); ${marked}${note ? `${note}, ` : ''}reconnecting`;
    this.o.log.warn({ lastContactAt: lastContact, noticedAfterMs: now - lastContact }, message);
    this.emit({
      ts: now,
      kind: 'connection.lost',
      severity: 'warning',
      message,
      details: {
        reason,
        lastContactAt: lastContact,
        ...(this.ctx.gaps ? { markedAt: markAt, tags: keys.length } : {}),
      },
    });
    this.closing = this.close().then(() => this.retry(this.backoff.next()));
  }

  private emit(e: Omit<HubEvent, 'source'>): void {
    const extra = this.o.note?.details?.() ?? {};
    if (this.o.role === 'sink') {
      this.ctx.events?.emit({ ...e, details: { sink: this.o.name, ...e.details, ...extra } });
      return;
    }
    const details = e.details || Object.keys(extra).length > 0 ? { ...e.details, ...extra } : undefined;
    this.ctx.events?.emit({ ...e, source: this.o.name, ...(details ? { details } : {}) });
  }

  private startLiveness(): void {
    this.stopLiveness();
    const liveness = this.o.liveness;
    if (liveness <= 0) return;
    // checked 4× per liveness period (at most every second), so a loss is seen within 1.25 × liveness
    const every = Math.max(10, Math.min(1000, Math.floor(liveness / 4)));
    this.livenessTimer = setInterval(() => {
      const last = this.h.lastContactAt;
      if (this.state === 'connected' && last !== undefined && Date.now() - last > liveness) {
        this.lost(`no value and no keep-alive for ${Date.now() - last} ms (liveness ${liveness} ms)`);
      }
    }, every);
    this.livenessTimer.unref();
  }

  private stopLiveness(): void {
    if (this.livenessTimer) clearInterval(this.livenessTimer);
    this.livenessTimer = undefined;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise<T>((_, reject) => {
      t = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]);
}
