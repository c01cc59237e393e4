import { z } from 'zod';
import { duration } from '../../config/types.js';
import { ROLES } from '../types.js';

const scopeSchema = z
  .array(
    z
      .string()
      .min(1)
      .regex(/^[^/]+(\/[^/]+)*$/, 'an asset path like acme/zurich/machining/line1'),
  )
  .default([])
  .describe('Asset paths (UNS prefixes) the principal is limited to; empty = the whole enterprise.');

export const provisionedTokenSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_.@-]+$/, 'letters, digits and _ . @ -')
      .describe('Name shown in the audit log, e.g. `mes-bridge`.'),
    role: z.enum(ROLES).describe('Role of the token.'),
    scope: scopeSchema,
    secret: z
      .string()
      .min(32, 'at least 32 characters; generate one with `openssl rand -base64 32`')
      .describe(
        'The bearer value clients send (`Authorization: Bearer <secret>`); at least 32 characters. Take it from the environment (`${VAR}`) or a file (`${file:/run/secrets/x}`).',
      )
      .meta({ 'x-secret': true }),
  })
  .strict();

export const securitySchema = z
  .object({
    sessions: z
      .object({
        idleTimeout: duration('A session ends after this long without a request.').default(8 * 3_600_000),
        maxAge: duration('A session ends this long after sign-in, however active.').default(7 * 86_400_000),
      })
      .strict()
      .default({ idleTimeout: 8 * 3_600_000, maxAge: 7 * 86_400_000 })
      .describe('Browser sessions (HttpOnly, SameSite=Strict cookie).'),
    lockout: z
      .object({
        maxFailures: z
          .number()
          .int()
          .min(1)
          .default(5)
          .describe('Consecutive failed sign-ins of one user before the account is locked.'),
        lockFor: duration('How long a locked account stays locked.').default(15 * 60_000),
        perAddress: z
          .number()
          .int()
          .min(1)
          .default(20)
          .describe('Failed sign-ins from one client address within `lockFor` before that address is throttled.'),
      })
      .strict()
      .default({ maxFailures: 5, lockFor: 15 * 60_000, perAddress: 20 })
      .describe('Login throttling and account lock-out.'),
    tokens: z
      .array(provisionedTokenSchema)
      .default([])
      .describe(
        'API tokens provisioned from config (for deployments and automation); tokens made in the dashboard live in `<dataDir>/security.db`.',
      ),
  })
  .strict()
  .prefault({})
  .describe('Authentication and authorisation (see docs/security.md).');

export type SecurityConfig = z.infer<typeof securitySchema>;
export type ProvisionedToken = z.infer<typeof provisionedTokenSchema>;
