import { z } from 'zod';
import { duration } from '../../config/types.js';
import { mqttConnectionSchema } from '../../protocols/mqtt/index.js';
import type { ReconnectConfig } from '../../runtime/backoff.js';
import { connectorConfigSchema } from './connectors/index.js';

/**
 * Retries of one connector: the runtime's one reconnect shape (`initialDelay`, `maxDelay`, `jitter`,
 * as in src/runtime/backoff.ts, with delivery's own defaults) plus when an entry gives up.
 */
export const retrySchema = z
  .object({
    initialDelay: duration(
      'First retry after this long; each further retry of the same connector waits twice as long. Default `5s`.',
    ).default(5000),
    maxDelay: duration('Longest wait between retries. Default `10m`.').default(600_000),
    jitter: z
      .number()
      .min(0)
      .max(1)
      .default(0.2)
      .describe(
        'Random spread of each wait, as a fraction (0.2: ±20 %), so hubs that lost the same ERP do not retry in lock-step.',
      ),
    deadAfter: duration(
      'An entry still failing this long after it was queued goes to the dead letters (with `maxAttempts`, whichever first). Default `3d`.',
    ).default(3 * 86_400_000),
    maxAttempts: z.number().int().min(1).default(1000).describe('Attempts before an entry goes to the dead letters.'),
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
  .describe(
    'Jittered exponential backoff per connector (src/runtime/backoff.ts). Permanent refusals (HTTP 400, 401, 403, 404, 422) go to the dead letters at once.',
  );

/** The backoff part is the runtime's reconnect shape, so `Backoff` takes a retry config as it is. */
export type RetryConfig = z.output<typeof retrySchema> & ReconnectConfig;

export const connectorsSchema = z
  .object({
    list: z.array(connectorConfigSchema).default([]).describe('External systems: `sap-pm`, `webhook`, `email`.'),
    outboxPath: z
      .string()
      .optional()
      .describe('SQLite file of the delivery outbox. Default `<dataDir>/outbox/delivery.db`.'),
    maxQueued: z
      .number()
      .int()
      .min(100)
      .default(100_000)
      .describe(
        'Entries waiting per connector. Beyond it new entries go straight to the dead letters (kept, retryable), never dropped.',
      ),
    timeout: duration(
      'Longest wait for one outbound call; a timeout counts as an uncertain delivery. Default `30s`.',
    ).default(30_000),
    keepDelivered: duration(
      'Delivered entries are kept this long, so a repeated idempotency key is recognised. Default `7d`.',
    ).default(7 * 86_400_000),
    retry: retrySchema.prefault({}),
    mqtt: mqttConnectionSchema
      .optional()
      .describe('Broker for `mqtt.publish` actions. Default: the broker of the unified namespace (`uns.broker`).'),
  })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.list.forEach((k, i) => {
      if (seen.has(k.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['list', i, 'name'],
          message: `connector name "${k.name}" is used twice`,
        });
      }
      seen.add(k.name);
    });
  })
  .describe('Durable delivery to ERP/CMMS, webhooks, e-mail, MQTT and HTTP (see docs/connectors.md).');

export type ConnectorsConfig = z.output<typeof connectorsSchema>;
export type ConnectorsConfigInput = z.input<typeof connectorsSchema>;
