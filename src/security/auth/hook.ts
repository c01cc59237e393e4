import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GotthardError } from '../../errors.js';
import {
  type AssetLocator,
  type Credential,
  inScope,
  type Principal,
  type RouteAccess,
  roleAtLeast,
} from '../types.js';
import type { AuthService } from './service.js';

export const SESSION_COOKIE = 'gotthard_session';
/** Readable by the dashboard's script, which echoes it in `x-csrf-token` on every unsafe request. */
export const CSRF_COOKIE = 'gotthard_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface AuthHookOptions {
  auth: AuthService;
  /** Cookies get `Secure` (the API is served over HTTPS). */
  secureCookies: boolean;
  /**
   * Classification on reads: a route's located tag that is confidential or restricted needs a read
   * grant (src/security/governance, `governance.readers`). Read when asked: the hub sets it up first.
   */
  reads?: () => ReadGate | undefined;
}

/** Who may read a classified tag (implemented by the data governance). */
export interface ReadGate {
  mayRead(p: Pick<Principal, 'kind' | 'name' | 'role'> | undefined, tagId: string): boolean;
}

/** Parses a `Cookie` header (RFC 6265 §5.4); later duplicates do not override the first. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const k = part.slice(0, eq).trim();
    let v = part.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
    if (!out.has(k)) {
      try {
        out.set(k, decodeURIComponent(v));
      } catch {
        out.set(k, v);
      }
    }
  }
  return out;
}

/** Sets the session and CSRF cookies after sign-in; `session = undefined` clears both. */
export function setSessionCookies(
  reply: FastifyReply,
  session: { cookie: string; csrf: string } | undefined,
  secure: boolean,
): void {
  const attrs = `Path=/; SameSite=Strict${secure ? '; Secure' : ''}`;
  const clear = '; Max-Age=0';
  reply.header('set-cookie', [
    `${SESSION_COOKIE}=${session?.cookie ?? ''}; ${attrs}; HttpOnly${session ? '' : clear}`,
    `${CSRF_COOKIE}=${session?.csrf ?? ''}; ${attrs}${session ? '' : clear}`,
  ]);
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The asset paths or tag ids a request names at its route's locator (none when absent). */
export function locatedPaths(req: FastifyRequest, loc: AssetLocator): string[] {
  const holder = (loc.in === 'params' ? req.params : loc.in === 'query' ? req.query : req.body) as
    | Record<string, unknown>
    | undefined;
  const v = holder?.[loc.key];
  if (v === undefined || v === null) return [];
  const values = Array.isArray(v) ? v : [v];
  return values.filter((x): x is string => typeof x === 'string').map((x) => x.replace(/\/+$/, ''));
}

/**
 * True when `path` may be shown to the principal: inside its scope, or an ancestor of it (a user
 * limited to one line still sees the site and area that hold the line, as containers).
 */
export function visibleTo(p: Pick<Principal, 'scope'> | undefined, path: string): boolean {
  if (!p || p.scope.length === 0) return true;
  return inScope(p, path) || p.scope.some((s) => s.startsWith(`${path}/`));
}

/** Throws GT_FORBIDDEN unless `path` lies in the request principal's scope. */
export function requireInScope(req: FastifyRequest, path: string): void {
  const p = req.principal;
  if (p && !inScope(p, path)) throw outOfScope(p, path === '' ? '(the whole enterprise)' : path);
}

function outOfScope(p: Principal, path: string): GotthardError {
  return new GotthardError(
    'GT_FORBIDDEN',
    `${p.kind} "${p.name}" is limited to ${p.scope.join(', ')}; ${path} lies outside`,
  );
}

/** Throws GT_BAD_REQUEST when the URL holds a NUL (raw or `%00`) or percent-encoding that is not UTF-8. */
export function refuseBadUrl(url: string): void {
  if (url.includes('\u0000') || /%00/i.test(url)) {
    throw new GotthardError('GT_BAD_REQUEST', 'the URL holds a NUL character (%00); remove it');
  }
  try {
    decodeURIComponent(url);
  } catch {
    throw new GotthardError(
      'GT_BAD_REQUEST',
      'the URL is not valid percent-encoded UTF-8 (e.g. a lone %FF or %E2%82); encode text as UTF-8',
    );
  }
}

function accessOf(req: FastifyRequest): RouteAccess | undefined {
  return req.routeOptions.config?.access;
}

/**
 * Installs authentication and authorisation on the root app, before any route is registered, so it
 * covers every route: public routes pass; every other route needs a session cookie or
 * `Authorization: Bearer <API token>`, the role its `config.access` names, and (for routes with an
 * asset locator) an asset inside the principal's scope. A route without `config.access` is refused
 * (deny by default). Cookie-authenticated unsafe requests need the CSRF token, and a request whose
 * `Origin` is not this host is refused (this also guards the WebSocket upgrade).
 */
export function installAuth(app: FastifyInstance, opts: AuthHookOptions): void {
  const { auth } = opts;
  app.decorateRequest('principal', undefined);
  app.decorateRequest('credential', undefined);
  // Said at start-up, not only at the first request: a route without an access rule is refused.
  // Checked once every plugin has seen its routes (an encapsulated plugin's own onRoute hook, e.g.
  // the static files' `public`, runs after this root one on the same route object).
  const declared: { method: unknown; url: string; config?: { access?: unknown } }[] = [];
  app.addHook('onRoute', (route) => {
    if (route.method !== 'HEAD') declared.push(route as (typeof declared)[number]);
  });
  app.addHook('onReady', async () => {
    for (const route of declared) {
      if (route.config?.access === undefined) {
        app.log.error(
          { method: route.method, url: route.url },
          'route declares no config.access; every request to it is refused (deny by default)',
        );
      }
    }
  });

  app.addHook('onRequest', async (req) => {
    // Before anything reads the query: a NUL byte or broken percent-encoding (not UTF-8) is a 400
    // naming the problem, not a 500 from a database that refuses NUL in text (PostgreSQL 22021).
    refuseBadUrl(req.url);
    const access = accessOf(req);
    if (access && 'public' in access) return;

    let principal: Principal;
    let credential: Credential;
    let viaCookie = false;
    let csrf = '';
    const header = req.headers.authorization;
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!m) {
        throw new GotthardError('GT_UNAUTHENTICATED', 'the Authorization header must be "Bearer <API token>"');
      }
      principal = auth.bearer(m[1] as string);
      credential = { kind: 'bearer', value: m[1] as string };
    } else {
      const cookie = parseCookies(req.headers.cookie).get(SESSION_COOKIE);
      const s = cookie ? auth.session(cookie) : undefined;
      if (!s) {
        throw new GotthardError(
          'GT_UNAUTHENTICATED',
          cookie
            ? 'the session expired; sign in again'
            : 'sign in (POST /api/v1/auth/login) or send "Authorization: Bearer <API token>"',
        );
      }
      principal = s.principal;
      credential = { kind: 'session', cookie: cookie as string };
      viaCookie = true;
      csrf = s.csrf;
    }

    if (viaCookie) {
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== 'null') {
        let host: string | undefined;
        try {
          host = new URL(origin).host;
        } catch {
          host = undefined;
        }
        if (host !== req.headers.host) {
          throw new GotthardError('GT_CSRF', `cross-origin request from ${origin} refused`);
        }
      } else if (origin === 'null') {
        throw new GotthardError('GT_CSRF', 'request from an opaque origin refused');
      }
      if (UNSAFE.has(req.method)) {
        const sent = req.headers[CSRF_HEADER];
        if (typeof sent !== 'string' || !sameSecret(sent, csrf)) {
          throw new GotthardError(
            'GT_CSRF',
            `missing or wrong ${CSRF_HEADER} header; send the value of the ${CSRF_COOKIE} cookie`,
          );
        }
      }
    }

    req.principal = principal;
    req.credential = credential;
    if (!access) {
      // An unknown URL: a signed-in client learns it does not exist, others only that they must sign in.
      if (req.is404) return;
      throw new GotthardError(
        'GT_FORBIDDEN',
        `route ${req.method} ${req.routeOptions.url} declares no access rule and is refused (deny by default)`,
      );
    }
    if (!roleAtLeast(principal.role, access.role)) {
      throw new GotthardError(
        'GT_FORBIDDEN',
        `${principal.kind} "${principal.name}" has role ${principal.role}; ${req.method} ${req.routeOptions.url} needs ${access.role}`,
      );
    }
  });

  // After validation, so query defaults are applied and the body is parsed.
  app.addHook('preHandler', async (req) => {
    const access = accessOf(req);
    const p = req.principal;
    if (!access || 'public' in access || !access.asset || !p) return;
    const paths = locatedPaths(req, access.asset);
    if (p.scope.length > 0) {
      for (const path of paths) {
        if (!inScope(p, path)) throw outOfScope(p, path === '' ? '(the whole enterprise)' : path);
      }
    }
    const gate = opts.reads?.();
    if (gate && req.method === 'GET') {
      for (const path of paths) {
        if (!gate.mayRead(p, path)) {
          throw new GotthardError(
            'GT_FORBIDDEN',
            `${path} is classified confidential or restricted; ${p.kind} "${p.name}" has no read grant for it (governance.readers)`,
          );
        }
      }
    }
  });
}
