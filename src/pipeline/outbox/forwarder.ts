import type { Logger } from 'pino';
import type { Outbox, QueuedRow } from './outbox.js';

/**
 * A live connection to the peer, as the forwarder sees it. `deliver` sends rows in order and
 * resolves with the seqs the peer acknowledged (MQTT PUBACK for QoS 1, socket write for QoS 0, a
 * COMMIT for a database); it rejects when the connection broke. Rows not acknowledged are sent again.
 */
export interface Delivery {
  deliver(rows: readonly QueuedRow[]): Promise<readonly number[]>;
}

export interface ForwarderOptions {
  batchRows: number;
  log: Logger;
  /** Delay before retrying after a delivery error while still connected. */
  retryDelayMs?: number;
}

/**
 * Drains an outbox into a peer, oldest first, one round of `batchRows` at a time: the next round
 * starts only when the peer acknowledged the previous one, so values reach the peer in append order
 * (in order per tag) and at least once. The transport reports connect/disconnect; the forwarder
 * never sleeps in a loop and never reconnects by itself.
 */
export class Forwarder {
  private delivery: Delivery | undefined;
  private running = false;
  private stopped = false;
  private wake: (() => void) | undefined;
  private idleWaiters: (() => void)[] = [];
  lastError: string | undefined;
  lastDeliveredAt: number | undefined;

  constructor(
    private readonly outbox: Outbox,
    private readonly opts: ForwarderOptions,
  ) {}

  get connected(): boolean {
    return this.delivery !== undefined;
  }

  attach(delivery: Delivery): void {
    this.delivery = delivery;
    this.kick();
    if (!this.running) void this.loop();
  }

  detach(): void {
    this.delivery = undefined;
    this.releaseIdle();
    this.wake?.();
  }

  /** New rows were appended. */
  kick(): void {
    this.wake?.();
  }

  /** Resolves when the queue is empty or no peer is attached (nothing more can be sent now). */
  idle(): Promise<void> {
    if (this.outbox.queued === 0 || !this.delivery || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    this.detach();
  }

  private releaseIdle(): void {
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const r of w) r();
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      while (!this.stopped) {
        const d = this.delivery;
        if (!d) break;
        const rows = this.outbox.peek(0, this.opts.batchRows);
        if (rows.length === 0) {
          this.releaseIdle();
          await new Promise<void>((resolve) => {
            this.wake = resolve;
          });
          this.wake = undefined;
          continue;
        }
        try {
          const acked = await d.deliver(rows);
          if (acked.length === 0) throw new Error('the peer acknowledged none of the rows sent');
          this.outbox.ack(acked);
          this.lastDeliveredAt = Date.now();
          this.lastError = undefined;
        } catch (err) {
          this.lastError = err instanceof Error ? err.message : String(err);
          this.opts.log.warn({ err: this.lastError, queued: this.outbox.queued }, 'delivery failed; rows stay queued');
          if (this.delivery === d && !this.stopped) {
            // Still "connected" but the peer refused: wait a little rather than spin.
            await new Promise<void>((resolve) => {
              this.wake = resolve;
              setTimeout(resolve, this.opts.retryDelayMs ?? 1000);
            });
            this.wake = undefined;
          }
        }
      }
    } finally {
      this.running = false;
      this.releaseIdle();
    }
  }
}
