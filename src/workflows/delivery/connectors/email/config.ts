import { z } from 'zod';
import { secret } from '../../../../config/types.js';
import { concurrency, connectorName } from '../common.js';

export const emailSchema = z
  .object({
    kind: z.literal('email'),
    name: connectorName,
    smtp: z
      .object({
        host: z.string().min(1).describe('SMTP server.'),
        port: z.number().int().min(1).max(65535).default(587),
        security: z
          .enum(['starttls', 'tls', 'none'])
          .default('starttls')
          .describe(
            '`starttls` (port 587, upgrade required), `tls` (port 465), `none` (plain, trusted networks only).',
          ),
        username: z.string().optional(),
        password: secret('SMTP password.').optional(),
        rejectUnauthorized: z.boolean().default(true).describe('Check the server certificate.'),
      })
      .strict(),
    from: z.string().min(3).describe('Sender address, e.g. `Gotthard <gotthard@plant.example>`.'),
    to: z
      .array(z.string().min(3))
      .default([])
      .describe('Recipients of work-order changes (rule actions name their own).'),
    workOrders: z.boolean().default(false).describe('Mail work-order changes to `to`.'),
    concurrency,
  })
  .strict()
  .describe('E-mail through an SMTP server.');

export type EmailConnectorConfig = z.output<typeof emailSchema>;
