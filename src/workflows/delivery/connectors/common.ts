import { z } from 'zod';
import { duration, secret } from '../../../config/types.js';

/** Config fields every configured connector kind shares (declared once, spread into each kind's schema). */
export const connectorName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'use lower-case letters, digits, "_" and "-"')
  .describe('Connector name: used in rule actions, in work-order `externalIds`, in the inbound URL and in health.');

/**
 * How an external system proves an inbound status update is genuine: an HMAC-SHA256 signature over
 * the body (preferred) and/or a bearer token. At least one is required when inbound is enabled.
 */
export const inboundSchema = z
  .object({
    secret: secret(
      'Shared secret of the `X-Gotthard-Signature` HMAC-SHA256 header on inbound status updates (see docs/connectors.md).',
    ).optional(),
    token: secret('Bearer token accepted instead of a signature (`Authorization: Bearer <token>`).').optional(),
    maxSkew: duration(
      'Oldest signature timestamp accepted; older (or replayed) requests are refused. Default `5m`.',
    ).default(300_000),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.secret === undefined && v.token === undefined) {
      ctx.addIssue({ code: 'custom', message: 'inbound needs a `secret` (HMAC signature) or a `token` (bearer)' });
    }
  })
  .describe('Accept status updates from this system at `POST /api/v1/connectors/<name>/status`.');

export type InboundConfig = z.output<typeof inboundSchema>;

/**
 * Calls of one connector in flight at once. Entries of one group (all changes of one work order, one
 * rule action) still go one after the other; more than 1 lets independent work orders pass one that
 * hangs. Each connector has its own queue, so a hung connector never delays another.
 */
export const concurrency = z
  .number()
  .int()
  .min(1)
  .max(32)
  .default(1)
  .describe(
    'Calls in flight at once for this connector (independent work orders in parallel; changes of one work order stay in order). Default 1.',
  );
