import type { Logger } from 'pino';
import { formatDuration } from '../../config/types.js';
import { Backoff } from '../../runtime/backoff.js';
import type { DataGovernance } from '../../security/types.js';
import type { Clock } from './clock.js';
import type { RetryConfig } from './config.js';
import { type Connector, DeliveryError } from './connectors/types.js';
import { governanceStage, sinkOfEntry } from './governance.js';
import type { DeliveryOutbox, OutboxEntry } from './outbox.js';

/** What a lane shares with the delivery runtime that owns it. */
export interface LaneDeps {
  outbox: DeliveryOutbox;
  clock: Clock;
  random: () => number;
  retry: RetryConfig;
  /** `connectors.timeout` of one call. */
  timeout: number;
  governance: () => DataGovernance | undefined;
  /** Aborted when the hub stops: calls in flight are cut and count as uncertain. */
  stopSignal: AbortSignal;
  rememberExternalId(connector: string, workOrderId: string, externalId: string): void;
  /** Called after each pass (idle waiters, pruning). */
  settled(): void;
  logger: Logger;
}

/** Due entries read per query; a pass reads again until nothing is due. */
const BATCH = 50;

type Attempt = { done: true } | { done: false; entry: OutboxEntry; error: DeliveryError; message: string };

/**
 * One connector's queue in the delivery runtime: its own runner, timer, backoff and calls in flight,
 * so a connector whose peer accepts the connection and never answers holds back only its own
 * entries (for `connectors.timeout` per call, then its backoff), never another connector's.
 * Up to `concurrency` calls run at once, each of a different group (the outbox hands out only the
 * oldest pending entry of a group), so changes of one work order still arrive in order.
 */
export class ConnectorLane {
  private readonly backoff: Backoff;
  /** Calls in flight (their entries are still pending in the outbox). */
  private readonly inFlight = new Map<number, Promise<void>>();
  /** Due entries read ahead of the workers; cleared on new work so the order stays the outbox's. */
  private queue: OutboxEntry[] = [];
  /** Retryable failures of the calls in flight; no new call starts until the lane has backed off. */
  private failed: Extract<Attempt, { done: false }>[] = [];
  private pumpSoon = false;
  private cancelTimer: (() => void) | undefined;
  private timerAt: number | undefined;
  private stopped = false;
  readonly concurrency: number;
  failing = false;
  lastDeliveredAt: number | undefined;
  lastError: string | undefined;

  constructor(
    readonly connector: Connector,
    private readonly d: LaneDeps,
  ) {
    this.backoff = new Backoff(d.retry, d.random);
    this.concurrency = Math.max(1, connector.concurrency ?? 1);
  }

  /** Nothing in flight and nothing due now (entries waiting for their backoff may remain). */
  idle(now: number): boolean {
    if (this.inFlight.size > 0 || this.pumpSoon) return false;
    const next = this.d.outbox.nextDueAt(this.connector.name);
    return next === undefined || next > now;
  }

  /** New work or a timer: start calls soon (enqueues of one tick coalesce). */
  kick(): void {
    if (this.stopped || this.pumpSoon) return;
    this.pumpSoon = true;
    this.queue = [];
    setImmediate(() => {
      this.pumpSoon = false;
      this.pump();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTimer?.();
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /**
   * Starts calls until `concurrency` are in flight or nothing is due. Each call that ends starts
   * the next, so a hung call holds one slot, never the others.
   */
  private pump(): void {
    while (!this.stopped && this.failed.length === 0 && this.inFlight.size < this.concurrency) {
      const e = this.take();
      if (!e) break;
      const run = this.attempt(e).then((r) => this.ended(e, r));
      this.inFlight.set(e.id, run);
    }
    if (this.inFlight.size === 0) this.quiet();
  }

  private take(): OutboxEntry | undefined {
    if (this.queue.length === 0) {
      // The outbox hands out the oldest pending entry of each group only, and calls in flight are
      // still pending: a later change of their work order is not handed out before they end.
      this.queue = this.d.outbox
        .due(this.connector.name, this.d.clock.now(), BATCH + this.inFlight.size)
        .filter((e) => !this.inFlight.has(e.id));
    }
    return this.queue.shift();
  }

  private ended(e: OutboxEntry, r: Attempt): void {
    this.inFlight.delete(e.id);
    if (!r.done) this.failed.push(r);
    if (this.stopped) return;
    if (this.failed.length > 0) {
      if (this.inFlight.size === 0) this.backOff();
      return;
    }
    this.pump();
  }

  /**
   * The connector is failing: one backoff step for the lane (src/runtime/backoff.ts), and what else
   * is due waits for it too instead of hammering a system that is down.
   */
  private backOff(): void {
    const c = this.connector;
    const now = this.d.clock.now();
    const retryAt = now + this.backoff.next();
    this.failing = true;
    for (const f of this.failed) {
      this.d.outbox.markRetry(f.entry.id, retryAt, now, f.message);
      this.d.logger.warn(
        {
          connector: c.name,
          id: f.entry.id,
          attempts: f.entry.attempts,
          retryInMs: retryAt - now,
          uncertain: f.error.uncertain,
          err: f.message,
        },
        'delivery failed; will retry',
      );
    }
    this.failed = [];
    this.queue = [];
    this.d.outbox.postpone(c.name, now, retryAt);
    this.quiet();
  }

  /** Nothing in flight: arm the timer for the next due entry and tell the runtime. */
  private quiet(): void {
    if (this.stopped) return;
    const next = this.d.outbox.nextDueAt(this.connector.name);
    if (next !== undefined && !(this.timerAt !== undefined && this.timerAt <= next)) {
      this.cancelTimer?.();
      this.timerAt = next;
      this.cancelTimer = this.d.clock.setTimer(
        () => {
          this.timerAt = undefined;
          this.cancelTimer = undefined;
          this.kick();
        },
        Math.max(0, next - this.d.clock.now()),
      );
    }
    this.d.settled();
  }

  /** One attempt at one entry: the governance stage, then the connector's call. */
  private async attempt(e: OutboxEntry): Promise<Attempt> {
    const c = this.connector;
    const { outbox, clock, retry } = this.d;
    const started = clock.now();
    outbox.beginAttempt(e.id, started);
    const entry = { ...e, attempts: e.attempts + 1 };
    // The call's deadline and the hub's stop, as one signal held by this frame. Not
    // AbortSignal.any([AbortSignal.timeout(…), …]): on Node 20 the composite holds its sources weakly,
    // a collected timeout signal never fires, and a hung call then held its lane for ever (the lanes
    // test saw the third hung request never aborted).
    const call = new AbortController();
    const abortCall = () => call.abort(this.d.stopSignal.reason);
    const deadline = setTimeout(
      () => call.abort(new DOMException(`no answer within ${this.d.timeout} ms`, 'TimeoutError')),
      this.d.timeout,
    );
    if (this.d.stopSignal.aborted) abortCall();
    else this.d.stopSignal.addEventListener('abort', abortCall, { once: true });
    const signal = call.signal;
    try {
      const verdict = governanceStage(entry, sinkOfEntry(c, entry), this.d.governance());
      if (!verdict.ok) throw new DeliveryError(verdict.reason, true);
      const outcome = await c.deliver({
        entry: verdict.entry,
        signal,
        now: started,
        externalIdOf: (wo, kind) => outbox.externalId(kind ? `${c.name}.${kind}` : c.name, wo),
        rememberExternalId: (wo, id, kind) => this.d.rememberExternalId(kind ? `${c.name}.${kind}` : c.name, wo, id),
      });
      const now = clock.now();
      outbox.markDelivered(e.id, c.name, now, outcome.externalId);
      this.lastDeliveredAt = now;
      this.failing = false;
      this.lastError = undefined;
      this.backoff.reset();
      this.d.logger.debug(
        { connector: c.name, id: e.id, key: e.idempotencyKey, attempts: entry.attempts },
        'delivered',
      );
      return { done: true };
    } catch (err) {
      const now = clock.now();
      const d =
        err instanceof DeliveryError
          ? err
          : new DeliveryError(`${c.kind} ${c.name}: ${(err as Error).message ?? String(err)}`, false, true, {
              cause: err,
            });
      const message = this.d.stopSignal.aborted ? `${d.message} (hub stopping; checked again on restart)` : d.message;
      this.lastError = message;
      if (this.stopped) return { done: false, entry, error: d, message };
      const tooOld = now - e.createdAt >= retry.deadAfter;
      if (d.permanent || tooOld || entry.attempts >= retry.maxAttempts) {
        const why = d.permanent
          ? message
          : `${message} (gave up after ${entry.attempts} attempts over ${formatDuration(Math.round((now - e.createdAt) / 1000) * 1000)})`;
        outbox.markDead(e.id, now, why);
        this.d.logger.warn(
          { connector: c.name, id: e.id, key: e.idempotencyKey, err: why },
          'delivery moved to the dead letters',
        );
        // A refusal of one entry says nothing about the connector's health.
        return { done: true };
      }
      return { done: false, entry, error: d, message };
    } finally {
      clearTimeout(deadline);
      this.d.stopSignal.removeEventListener('abort', abortCall);
    }
  }
}
