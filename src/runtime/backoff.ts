import { z } from 'zod';
import { duration } from '../config/types.js';

/**
 * The one reconnect config shape of every connection (sources, sinks, delivery connectors).
 * Durations are `duration()` fields like the rest of the config (`500ms`, `1s`, `2m`, or milliseconds).
 */
export const reconnectSchema = z
  .object({
    initialDelay: duration('First retry delay after a connection is lost or refused, e.g. `1s`.').default(1000),
    maxDelay: duration('Longest retry delay; the delay doubles from `initialDelay` up to here, e.g. `30s`.').default(
      10_000,
    ),
    jitter: z
      .number()
      .min(0)
      .max(1)
      .default(0.2)
      .describe(
        'Random spread of each delay, as a fraction (0.2: ±20 %), so that many connections lost together do not retry in lock-step.',
      ),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.maxDelay < c.initialDelay) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxDelay'],
        message: `maxDelay (${c.maxDelay} ms) is below initialDelay (${c.initialDelay} ms)`,
      });
    }
  })
  .default({ initialDelay: 1000, maxDelay: 10_000, jitter: 0.2 })
  .describe('Reconnection: jittered exponential backoff, owned by the runtime.');

export type ReconnectConfig = z.output<typeof reconnectSchema>;

/**
 * Jittered exponential backoff (the "full attempt count, capped" form): delay n is
 * min(maxDelay, initialDelay · 2^n) spread by ±jitter. The only backoff in the code base: a
 * connector never computes its own retry delay. `random` is injectable so tests are exact.
 */
export class Backoff {
  private n = 0;

  constructor(
    private readonly config: ReconnectConfig,
    private readonly random: () => number = Math.random,
  ) {}

  /** Attempts since the last success. */
  get attempt(): number {
    return this.n;
  }

  /** The delay before the next attempt, in milliseconds; advances the attempt count. */
  next(): number {
    const base = Math.min(this.config.maxDelay, this.config.initialDelay * 2 ** Math.min(this.n, 30));
    this.n++;
    const spread = base * this.config.jitter * (2 * this.random() - 1);
    return Math.max(0, Math.round(base + spread));
  }

  /** The longest delay, for "retrying every …" messages. */
  get ceiling(): number {
    return this.config.maxDelay;
  }

  reset(): void {
    this.n = 0;
  }
}
