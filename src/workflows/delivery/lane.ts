import type { Logger } from 'pino';
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
  private running: Promise<void> | undefined;
  private rerun = false;
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
    if (this.running) return false;
    const next = this.d.outbox.nextDueAt(this.connector.name);
    return next === undefined || next > now;
  }

  /** New work or a timer: run a pass soon (coalesced). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = this.pass().finally(() => {
      this.running = undefined;
      if (this.rerun && !this.stopped) {
        this.rerun = false;
        this.kick();
        return;
      }
      this.schedule();
      this.d.settled();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTimer?.();
    await this.running?.catch(() => undefined);
  }

  private schedule(): void {
    if (this.stopped) return;
    const next = this.d.outbox.nextDueAt(this.connector.name);
    if (next === undefined) return;
    if (this.timerAt !== undefined && this.timerAt <= next) return;
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

  /** Drains what is due, `concurrency` at a time; stops at the first retryable failure. */
  private async pass(): Promise<void> {
    await new Promise((r) => setImmediate(r));
    const c = this.connector;
    while (!this.stopped) {
      const due = this.d.outbox.due(c.name, this.d.clock.now(), BATCH);
      if (due.length === 0) return;
      for (let i = 0; i < due.length; i += this.concurrency) {
        if (this.stopped) return;
        const results = await Promise.all(due.slice(i, i + this.concurrency).map((e) => this.attempt(e)));
        const failed = results.filter((r): r is Extract<Attempt, { done: false }> => !r.done);
        if (failed.length === 0) continue;
        if (this.stopped) return;
        // The connector is failing: one backoff step for the lane, and what else is due waits for
        // it too instead of hammering a system that is down.
        const now = this.d.clock.now();
        const retryAt = now + this.backoff.next();
        this.failing = true;
        for (const f of failed) {
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
        this.d.outbox.postpone(c.name, now, retryAt);
        return;
      }
    }
  }

  /** One attempt at one entry: the governance stage, then the connector's call. */
  private async attempt(e: OutboxEntry): Promise<Attempt> {
    const c = this.connector;
    const { outbox, clock, retry } = this.d;
    const started = clock.now();
    outbox.beginAttempt(e.id, started);
    const entry = { ...e, attempts: e.attempts + 1 };
    const signal = AbortSignal.any([AbortSignal.timeout(this.d.timeout), this.d.stopSignal]);
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
          : `${message} (gave up after ${entry.attempts} attempts over ${Math.round((now - e.createdAt) / 60_000)} min)`;
        outbox.markDead(e.id, now, why);
        this.d.logger.warn(
          { connector: c.name, id: e.id, key: e.idempotencyKey, err: why },
          'delivery moved to the dead letters',
        );
        // A refusal of one entry says nothing about the connector's health.
        return { done: true };
      }
      return { done: false, entry, error: d, message };
    }
  }
}
