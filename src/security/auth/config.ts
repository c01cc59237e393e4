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
          .describe(
            'Failed sign-ins of one user name from one client address before each further attempt of that pair waits 1 s, 2 s, 4 s … (no account is ever locked).',
          ),
        lockFor: duration(
          'Longest delay between attempts, and how long failures are remembered after the last one.',
        ).default(15 * 60_000),
        perAddress: z
          .number()
          .int()
          .min(1)
          .default(20)
          .describe(
            'Failed sign-ins from one client address (any names) before its attempts are delayed the same way.',
          ),
      })
      .strict()
      .default({ maxFailures: 5, lockFor: 15 * 60_000, perAddress: 20 })
      .describe('Login throttling: progressive delays per (user name, client address) and per address.'),
    trustedProxies: z
      .array(
        z.string().regex(/^[0-9a-fA-F:.]+(\/\d{1,3})?$/, 'an IP address or CIDR, e.g. `10.0.0.5` or `10.0.0.0/24`'),
      )
      .default([])
      .describe(
        'Reverse proxies (IP or CIDR) in front of the hub: their `X-Forwarded-For` gives the client address used for login throttling and the audit log. Empty: the TCP peer is the client.',
      ),
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
