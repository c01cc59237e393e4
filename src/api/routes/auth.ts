import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { parseDuration } from '../../config/types.js';
import { GotthardError } from '../../errors.js';
import type { AssetNode } from '../../model/assets.js';
import {
  type AuthService,
  CSRF_COOKIE,
  parseCookies,
  SESSION_COOKIE,
  setSessionCookies,
  type TokenView,
  type UserView,
} from '../../security/auth/index.js';
import { type AuditRecord, inScope, type Principal } from '../../security/types.js';
import { ErrorReply } from '../schemas.js';
import type { HubView } from '../types.js';

export interface AuthRouteOptions {
  hub: HubView;
  auth: AuthService;
  secureCookies: boolean;
}

const Role = Type.Union(
  [Type.Literal('viewer'), Type.Literal('operator'), Type.Literal('engineer'), Type.Literal('admin')],
  { description: 'viewer < operator < engineer < admin' },
);
const Scope = Type.Array(Type.String({ minLength: 1, maxLength: 512 }), {
  maxItems: 100,
  description: 'Asset paths the principal is limited to; empty = the whole enterprise.',
});
const Name = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.@-]+$' });
const Password = Type.String({ minLength: 1, maxLength: 1024 });

const PrincipalOut = Type.Object({
  kind: Type.String({ description: '`user` or `token`.' }),
  name: Type.String(),
  role: Role,
  scope: Type.Array(Type.String()),
});
const SessionOut = Type.Object({
  principal: PrincipalOut,
  csrf: Type.Optional(
    Type.String({
      description: 'Send it as `x-csrf-token` on POST/PUT/PATCH/DELETE (also in the gotthard_csrf cookie).',
    }),
  ),
});
const UserOut = Type.Object({
  name: Type.String(),
  role: Role,
  scope: Type.Array(Type.String()),
  disabled: Type.Boolean(),
  locked: Type.Boolean({ description: 'Locked out after repeated failed sign-ins; setting a password unlocks.' }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
const TokenOut = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Role,
  scope: Type.Array(Type.String()),
  source: Type.String({ description: '`store` (made via the API) or `config` (security.tokens).' }),
  createdBy: Type.String(),
  createdAt: Type.Optional(Type.String()),
  expiresAt: Type.Optional(Type.String()),
  revokedAt: Type.Optional(Type.String()),
  lastUsedAt: Type.Optional(Type.String()),
});

const iso = (ms: number | null): string | undefined =>
  ms === null || ms === 0 ? undefined : new Date(ms).toISOString();
const userOut = (u: UserView) => ({
  ...u,
  createdAt: new Date(u.createdAt).toISOString(),
  updatedAt: new Date(u.updatedAt).toISOString(),
});
const tokenOut = (t: TokenView) => ({
  ...t,
  createdAt: iso(t.createdAt),
  expiresAt: iso(t.expiresAt),
  revokedAt: iso(t.revokedAt),
  lastUsedAt: iso(t.lastUsedAt),
});
const principalOut = (p: Principal) => ({ kind: p.kind, name: p.name, role: p.role, scope: [...p.scope] });

export function actorOf(p: Principal | undefined): string {
  return p ? `${p.kind}:${p.name}` : 'anonymous';
}

/** Whether `by` may see and manage an account or token with `scope` (a scoped admin: only inside its own). */
function manages(by: Principal | undefined, scope: readonly string[]): boolean {
  if (!by || by.scope.length === 0) return true;
  return scope.length > 0 && scope.every((s) => inScope(by, s));
}

/** Every asset path of the tree. */
function assetPaths(n: AssetNode, out: Set<string>): Set<string> {
  out.add(n.path);
  for (const c of n.children) assetPaths(c, out);
  return out;
}

/**
 * A scope names assets of this hub: a typo would otherwise make a user who sees nothing (issue 17).
 * Checked against the asset tree (configured sites and areas plus every asset that has tags).
 */
async function checkKnownScope(hub: HubView, scope: readonly string[], field: string): Promise<void> {
  if (scope.length === 0) return;
  const known = assetPaths(await hub.assetTree(), new Set());
  const unknown = scope.filter((s) => !known.has(s.replace(/\/+$/, '')));
  if (unknown.length > 0) {
    throw new GotthardError(
      'GT_BAD_REQUEST',
      `${field}: ${unknown.map((u) => `"${u}"`).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not an asset path of this hub; see GET /api/v1/assets`,
    );
  }
}

/** A scoped admin may only grant what lies inside its own scope. */
function checkGrant(by: Principal | undefined, scope: readonly string[]): void {
  if (!by || by.scope.length === 0) return;
  if (scope.length === 0 || scope.some((s) => !inScope(by, s))) {
    throw new GotthardError(
      'GT_FORBIDDEN',
      `${by.kind} "${by.name}" is limited to ${by.scope.join(', ')} and can only grant scopes inside it`,
    );
  }
}

/**
 * Sign-in, sign-out, first-start setup, and (admin) user and API-token management under /api/v1.
 * Every sign-in (good or bad), lock-out and change is appended to the audit trail.
 */
export const authRoutes: FastifyPluginAsyncTypebox<AuthRouteOptions> = async (app, { hub, auth, secureCookies }) => {
  const audit = (req: FastifyRequest, r: Omit<AuditRecord, 'ip'>) => hub.audit?.append({ ...r, ip: req.ip });

  app.post(
    '/auth/login',
    {
      config: { access: { public: true } },
      schema: {
        summary: 'Sign in with user name and password; sets the HttpOnly session cookie and the CSRF cookie',
        tags: ['auth'],
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }), password: Password }),
        response: { 200: SessionOut, 401: ErrorReply, 429: ErrorReply },
      },
    },
    async (req, reply) => {
      const { name, password } = req.body;
      const r = await auth.login(name, password, req.ip);
      if (r.ok) {
        audit(req, { actor: `user:${name}`, action: 'auth.login', target: name, outcome: 'ok' });
        setSessionCookies(reply, r.session, secureCookies);
        return { principal: principalOut(r.session.principal), csrf: r.session.csrf };
      }
      audit(req, { actor: 'anonymous', action: 'auth.login', target: name, outcome: 'failed', reason: r.reason });
      if (r.throttledNow) {
        audit(req, {
          actor: 'system',
          action: 'auth.throttle',
          target: name,
          outcome: 'ok',
          reason: 'repeated failed sign-ins from this address: further attempts are delayed',
        });
      }
      if (r.reason === 'throttled') {
        const s = Math.ceil((r.retryAfterMs ?? 1000) / 1000);
        reply.header('retry-after', String(s));
        throw new GotthardError(
          'GT_LOCKED_OUT',
          `too many failed sign-ins for this name from your address; wait ${s} s before the next attempt`,
        );
      }
      throw new GotthardError('GT_UNAUTHENTICATED', 'wrong user name or password');
    },
  );

  app.post(
    '/auth/logout',
    {
      config: { access: { role: 'viewer' } },
      schema: {
        summary: 'Sign out: ends the session and clears its cookies',
        tags: ['auth'],
        response: { 200: Type.Object({ ok: Type.Boolean() }) },
      },
    },
    async (req, reply) => {
      const cookie = parseCookies(req.headers.cookie).get(SESSION_COOKIE);
      if (cookie) auth.logout(cookie);
      audit(req, { actor: actorOf(req.principal), action: 'auth.logout', outcome: 'ok' });
      setSessionCookies(reply, undefined, secureCookies);
      return { ok: true };
    },
  );

  app.get(
    '/auth/me',
    {
      config: { access: { role: 'viewer' } },
      schema: {
        summary: 'Who the request is signed in as (role, scope) and the session CSRF token',
        tags: ['auth'],
        response: { 200: SessionOut },
      },
    },
    async (req) => ({
      principal: principalOut(req.principal as Principal),
      csrf: parseCookies(req.headers.cookie).get(CSRF_COOKIE),
    }),
  );

  app.get(
    '/auth/setup',
    {
      config: { access: { public: true } },
      schema: {
        summary: 'Whether first-start setup is pending (no user exists yet)',
        tags: ['auth'],
        response: { 200: Type.Object({ pending: Type.Boolean() }) },
      },
    },
    async () => ({ pending: auth.setupPending() }),
  );

  app.post(
    '/auth/setup',
    {
      config: { access: { public: true } },
      schema: {
        summary: 'First start: create the first admin with the one-time setup token from the hub log, and sign in',
        tags: ['auth'],
        body: Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }), name: Name, password: Password }),
        response: { 200: SessionOut, 403: ErrorReply, 409: ErrorReply },
      },
    },
    async (req, reply) => {
      try {
        const s = await auth.setup(req.body.token, req.body.name, req.body.password);
        audit(req, {
          actor: `user:${req.body.name}`,
          action: 'user.create',
          target: req.body.name,
          outcome: 'ok',
          details: { role: 'admin', via: 'setup' },
        });
        setSessionCookies(reply, s, secureCookies);
        return { principal: principalOut(s.principal), csrf: s.csrf };
      } catch (e) {
        audit(req, {
          actor: 'anonymous',
          action: 'auth.setup',
          target: req.body.name,
          outcome: 'refused',
          reason: (e as Error).message,
        });
        throw e;
      }
    },
  );

  // ---- users ----
  app.get(
    '/users',
    {
      config: { access: { role: 'admin' } },
      schema: {
        summary: 'Local users with role, scope and lock state',
        tags: ['auth'],
        response: { 200: Type.Object({ users: Type.Array(UserOut) }) },
      },
    },
    // A scoped admin sees only the accounts it could manage (inside its own scope).
    async (req) => ({
      users: auth
        .listUsers()
        .filter((u) => manages(req.principal, u.scope))
        .map(userOut),
    }),
  );

  app.post(
    '/users',
    {
      config: { access: { role: 'admin' } },
      schema: {
        summary: 'Create a local user',
        tags: ['auth'],
        body: Type.Object({ name: Name, role: Role, scope: Type.Optional(Scope), password: Password }),
        response: { 201: UserOut, 400: ErrorReply, 409: ErrorReply },
      },
    },
    async (req, reply) => {
      const scope = req.body.scope ?? [];
      checkGrant(req.principal, scope);
      await checkKnownScope(hub, scope, 'body/scope');
      const u = await auth.createUser({ ...req.body, scope });
      audit(req, {
        actor: actorOf(req.principal),
        action: 'user.create',
        target: u.name,
        outcome: 'ok',
        details: { role: u.role, scope },
      });
      return reply.status(201).send(userOut(u));
    },
  );

  app.patch(
    '/users/:name',
    {
      config: { access: { role: 'admin' } },
      schema: {
        summary: "Change a user's role, scope, password or disabled flag (ends the user's sessions)",
        tags: ['auth'],
        params: Type.Object({ name: Type.String() }),
        body: Type.Object({
          role: Type.Optional(Role),
          scope: Type.Optional(Scope),
          password: Type.Optional(Password),
          disabled: Type.Optional(Type.Boolean()),
        }),
        response: { 200: UserOut, 400: ErrorReply, 404: ErrorReply, 409: ErrorReply },
      },
    },
    async (req) => {
      const existing = auth.getUser(req.params.name);
      if (!existing) throw new GotthardError('GT_NOT_FOUND', `no user "${req.params.name}"`);
      checkGrant(req.principal, existing.scope);
      if (req.body.scope) {
        checkGrant(req.principal, req.body.scope);
        await checkKnownScope(hub, req.body.scope, 'body/scope');
      }
      const u = await auth.updateUser(req.params.name, req.body);
      const { password: _omitted, ...changed } = req.body;
      audit(req, {
        actor: actorOf(req.principal),
        action: 'user.update',
        target: u.name,
        outcome: 'ok',
        details: { ...changed, ...(req.body.password !== undefined ? { password: 'changed' } : {}) },
      });
      return userOut(u);
    },
  );

  app.delete(
    '/users/:name',
    {
      config: { access: { role: 'admin' } },
      schema: {
        summary: 'Delete a user (ends their sessions)',
        tags: ['auth'],
        params: Type.Object({ name: Type.String() }),
        response: { 200: Type.Object({ ok: Type.Boolean() }), 404: ErrorReply, 409: ErrorReply },
      },
    },
    async (req) => {
      const existing = auth.getUser(req.params.name);
      if (!existing) throw new GotthardError('GT_NOT_FOUND', `no user "${req.params.name}"`);
      checkGrant(req.principal, existing.scope);
      auth.deleteUser(req.params.name);
      audit(req, { actor: actorOf(req.principal), action: 'user.delete', target: req.params.name, outcome: 'ok' });
      return { ok: true };
    },
  );

  // ---- API tokens ----
  app.get(
    '/tokens',
    {
      config: { access: { role: 'admin' } },
      schema: {
        summary: 'API tokens (never their secrets)',
        tags: ['auth'],
        response: { 200: Type.Object({ tokens: Type.Array(TokenOut) }) },
      },
    },
    async (req) => ({
      tokens: auth
        .listTokens()
        .filter((t) => manages(req.principal, t.scope))
        .map(tokenOut),
    }),
  );

  app.post(
    '/tokens',
    {
      config: { access: { role: 'admin' } },
      schema: {
        summary: 'Create an API token for a machine client; the secret is in this reply only',
        tags: ['auth'],
        body: Type.Object({
          name: Name,
          role: Role,
          scope: Type.Optional(Scope),
          expiresIn: Type.Optional(
            Type.String({ description: 'Lifetime, e.g. `90d`, `12h`; omit for a token that does not expire.' }),
          ),
        }),
        response: { 201: Type.Object({ token: Type.String(), info: TokenOut }), 400: ErrorReply },
      },
    },
    async (req, reply) => {
      const scope = req.body.scope ?? [];
      checkGrant(req.principal, scope);
      await checkKnownScope(hub, scope, 'body/scope');
      let expiresInMs: number | null = null;
      if (req.body.expiresIn !== undefined) {
        const ms = parseDuration(req.body.expiresIn);
        if (ms === undefined || ms <= 0) {
          throw new GotthardError(
            'GT_BAD_REQUEST',
            `body/expiresIn "${req.body.expiresIn}" is not a duration; write e.g. 12h or 90d`,
          );
        }
        expiresInMs = ms;
      }
      const t = auth.createToken({
        name: req.body.name,
        role: req.body.role,
        scope,
        expiresInMs,
        createdBy: actorOf(req.principal),
      });
      audit(req, {
        actor: actorOf(req.principal),
        action: 'token.create',
        target: `${t.view.name} (${t.view.id})`,
        outcome: 'ok',
        details: { role: t.view.role, scope, expiresAt: iso(t.view.expiresAt) },
      });
      return reply.status(201).send({ token: t.token, info: tokenOut(t.view) });
    },
  );

  app.delete(
    '/tokens/:id',
    {
      config: { access: { role: 'admin' } },
      schema: {
        summary: 'Revoke an API token (takes effect on the next request)',
        tags: ['auth'],
        params: Type.Object({ id: Type.String() }),
        response: { 200: TokenOut, 404: ErrorReply, 409: ErrorReply },
      },
    },
    async (req) => {
      // A scoped admin revokes only tokens inside its own scope (issue 17: it could revoke an unscoped one).
      const target = auth.listTokens().find((t) => t.id === req.params.id);
      if (target && !manages(req.principal, target.scope)) {
        const p = req.principal as Principal;
        throw new GotthardError(
          'GT_FORBIDDEN',
          `${p.kind} "${p.name}" is limited to ${p.scope.join(', ')}; token ${target.id} reaches ${target.scope.length === 0 ? 'the whole enterprise' : target.scope.join(', ')}`,
        );
      }
      const t = auth.revokeToken(req.params.id);
      audit(req, {
        actor: actorOf(req.principal),
        action: 'token.revoke',
        target: `${t.name} (${t.id})`,
        outcome: 'ok',
      });
      return tokenOut(t);
    },
  );
};
