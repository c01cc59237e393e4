import { z } from 'zod';

export const OVERFLOW_POLICIES = ['dropOldest', 'dropNewest'] as const;
export type OverflowPolicy = (typeof OVERFLOW_POLICIES)[number];

/**
 * Config schema of a store-and-forward queue, declared once as data. Every outbound path (the UNS
 * publisher, later the central historian) embeds it as its `outbox:` key.
 */
export const outboxSchema = z
  .object({
    path: z.string().optional().describe('SQLite file of the queue. Default: `<dataDir>/outbox/<sink name>.db`.'),
    maxRows: z
      .number()
      .int()
      .min(1000)
      .default(1_000_000)
      .describe(
        'Size bound: values held while the peer is unreachable (about 100 bytes each on disk). 1,000,000 holds 100 minutes of 10,000 values/min.',
      ),
    overflow: z
      .enum(OVERFLOW_POLICIES)
      .default('dropOldest')
      .describe(
        'What happens when `maxRows` is reached: `dropOldest` discards the oldest queued values to take the new ones (the peer gets the most recent history), `dropNewest` refuses new values until the backlog drains (the peer gets a gap-free beginning). Either way a counter in health (`sinks[].dropped`) and a warning event `outbox.overflow` make it visible.',
      ),
    batchRows: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(500)
      .describe('Values sent per round trip; the next round starts once the peer acknowledged all of them.'),
  })
  .strict()
  .describe('Store-and-forward: a disk-backed queue in front of the peer, so an outage loses nothing.');

export type OutboxConfig = z.output<typeof outboxSchema>;
export const OUTBOX_DEFAULTS: OutboxConfig = outboxSchema.parse({});
