import { z } from 'zod';
import { secret } from '../../../../config/types.js';
import { concurrency, connectorName, inboundSchema } from '../common.js';

export const webhookSchema = z
  .object({
    kind: z.literal('webhook'),
    name: connectorName,
    url: z.url().describe('Receiver URL (POST, JSON).'),
    secret: secret('Key of the `X-Gotthard-Signature` HMAC-SHA256 header the receiver verifies.'),
    headers: z.record(z.string(), z.string()).default({}).describe('Extra request headers, e.g. an API key.'),
    workOrders: z.boolean().default(true).describe('Send work-order changes here.'),
    inbound: inboundSchema.optional(),
    concurrency,
  })
  .strict()
  .describe('Generic webhook: signed JSON (schema in docs/connectors.md), an `Idempotency-Key` header per change.');

export type WebhookConnectorConfig = z.output<typeof webhookSchema>;
