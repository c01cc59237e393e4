import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Logger } from 'pino';
import { pino } from 'pino';
import type { BrowserContext } from 'playwright-core';
import { AuthService, securitySchema } from '../../src/security/auth/index.js';
import type { Role } from '../../src/security/types.js';

/**
 * Authentication for tests. Every API route but health/live, login and setup needs a principal, so
 * tests that call the API provision an API token through config (`security.tokens`, the same path a
 * deployment uses) and send its `authorization` header:
 *
 *   const t = testAuth();                                   // admin, whole enterprise
 *   const hub = new Hub(validateConfig({ ...raw, security: t.security }), …);
 *   await fetch(url, { headers: t.headers });
 *
 * With `buildApi` directly: `const { auth, headers } = await openTestAuth()` and pass `auth`.
 * A browser: `await signInBrowser(context, base, t.headers)` creates a user with the token and
 * signs the browser context in (the session cookie lands in the context's cookie jar).
 */
export interface TestAuth {
  /** The bearer secret. */
  token: string;
  headers: { authorization: string };
  /** The `security` config section that provisions the token. */
  security: { tokens: { name: string; role: Role; scope: string[]; secret: string }[] };
}

export function testAuth(role: Role = 'admin', scope: string[] = [], name = `test-${role}`): TestAuth {
  const token = randomBytes(32).toString('base64url');
  return {
    token,
    headers: { authorization: `Bearer ${token}` },
    security: { tokens: [{ name, role, scope, secret: token }] },
  };
}

/** Adds the token of `auth` to a raw (unvalidated) config object's `security.tokens`. */
export function withTestAuth<T extends Record<string, unknown>>(raw: T, auth: TestAuth): T & { security: unknown } {
  const existing = (raw.security ?? {}) as { tokens?: unknown[] };
  return { ...raw, security: { ...existing, tokens: [...(existing.tokens ?? []), ...auth.security.tokens] } };
}

/** An AuthService on a temporary folder (for `buildApi` without a Hub) with the tokens of `auths`. */
export async function openTestAuth(
  opts: { dataDir?: string; logger?: Logger; auths?: TestAuth[] } = {},
): Promise<TestAuth & { auth: AuthService; close(): void }> {
  const own = testAuth();
  const dir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'gotthard-auth-'));
  const tokens = [own, ...(opts.auths ?? [])].flatMap((a) => a.security.tokens);
  const auth = await AuthService.open({
    dataDir: dir,
    config: securitySchema.parse({ tokens }),
    logger: opts.logger ?? pino({ level: 'silent' }),
    env: {},
  });
  return {
    ...own,
    auth,
    close() {
      auth.close();
      if (!opts.dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Creates a local user through the API with an admin's headers. */
export async function createUser(
  base: string,
  adminHeaders: Record<string, string>,
  user: { name: string; role: Role; scope?: string[]; password: string },
): Promise<void> {
  const res = await fetch(`${base}/api/v1/users`, {
    method: 'POST',
    headers: { ...adminHeaders, 'content-type': 'application/json' },
    body: JSON.stringify(user),
  });
  if (res.status !== 201) throw new Error(`creating user ${user.name}: HTTP ${res.status} ${await res.text()}`);
}

/** Signs a browser context in with a password (the context's pages then share the session). */
export async function signIn(context: BrowserContext, base: string, name: string, password: string): Promise<void> {
  const res = await context.request.post(`${base}/api/v1/auth/login`, { data: { name, password } });
  if (res.status() !== 200) throw new Error(`sign-in of ${name}: HTTP ${res.status()} ${await res.text()}`);
}

/** Creates a user with `role` through the API and signs the browser context in as that user. */
export async function signInBrowser(
  context: BrowserContext,
  base: string,
  adminHeaders: Record<string, string>,
  role: Role = 'admin',
  scope: string[] = [],
): Promise<{ name: string; password: string }> {
  const name = `${role}-${randomBytes(4).toString('hex')}`;
  const password = randomBytes(18).toString('base64url');
  await createUser(base, adminHeaders, { name, role, scope, password });
  await signIn(context, base, name, password);
  return { name, password };
}

/** `app.inject` that sends `headers` (e.g. a token's authorization) with every request. */
export function authedInject(
  app: FastifyInstance,
  headers: Record<string, string>,
): (o: string | InjectOptions) => Promise<LightMyRequestResponse> {
  return (o) =>
    app.inject(typeof o === 'string' ? { url: o, headers } : { ...o, headers: { ...headers, ...(o.headers ?? {}) } });
}
