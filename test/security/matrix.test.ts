import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { pino } from 'pino';
import { buildApi } from '../../src/api/index.js';
import type { HubView } from '../../src/api/types.js';
import { createSqliteHistorian, type Historian } from '../../src/historian/index.js';
import { buildAssetTree } from '../../src/model/assets.js';
import { ROLES, type Role, type RouteAccess, roleAtLeast } from '../../src/security/types.js';
import { openTestAuth, type TestAuth, testAuth } from '../helpers/auth.js';

const log = pino({ level: 'silent' });
const SCOPE = 'acme/zurich/machining/line1';
const IN = { asset: `${SCOPE}/cnc1`, tag: `${SCOPE}/cnc1/spindle/speed` };
const OUT = { asset: 'acme/zurich/machining/line2/cnc3', tag: 'acme/zurich/machining/line2/cnc3/spindle/speed' };

const viewer: RouteAccess = { role: 'viewer' };
const operator: RouteAccess = { role: 'operator' };
const engineer: RouteAccess = { role: 'engineer' };
const admin: RouteAccess = { role: 'admin' };
const pub: RouteAccess = { public: true };
const q = (role: Role, key: string): RouteAccess => ({ role, asset: { in: 'query', key } });
const b = (role: Role, key: string): RouteAccess => ({ role, asset: { in: 'body', key } });

/**
 * The authorisation matrix: what every route requires. A route registered without a line here, or
 * whose declared access differs, fails the test, so adding or changing a route means deciding its
 * access on purpose (docs/security.md shows the same table).
 */
const EXPECTED: Record<string, RouteAccess> = {
  'GET /api/v1/health/live': pub,
  'GET /api/v1/health': viewer,
  'POST /api/v1/auth/login': pub,
  'POST /api/v1/auth/logout': viewer,
  'GET /api/v1/auth/me': viewer,
  'GET /api/v1/auth/setup': pub,
  'POST /api/v1/auth/setup': pub,
  'GET /api/v1/users': admin,
  'POST /api/v1/users': admin,
  'PATCH /api/v1/users/:name': admin,
  'DELETE /api/v1/users/:name': admin,
  'GET /api/v1/tokens': admin,
  'POST /api/v1/tokens': admin,
  'DELETE /api/v1/tokens/:id': admin,
  'GET /api/v1/tags': viewer,
  'GET /api/v1/tags/*': { role: 'viewer', asset: { in: 'params', key: '*' } },
  'GET /api/v1/assets': viewer,
  'GET /api/v1/values/latest': q('viewer', 'tag'),
  'GET /api/v1/history/raw': q('viewer', 'tag'),
  'GET /api/v1/history/aggregate': q('viewer', 'tag'),
  'GET /api/v1/events': viewer,
  'GET /api/v1/trend': q('viewer', 'tag'),
  'GET /api/v1/history/export': q('viewer', 'tag'),
  'GET /api/v1/connections': viewer,
  'GET /api/v1/sites': viewer,
  'GET /api/v1/kpi/machines': viewer,
  'GET /api/v1/kpi/summary': q('viewer', 'asset'),
  'GET /api/v1/kpi/series': q('viewer', 'asset'),
  'GET /api/v1/kpi/export': q('viewer', 'asset'),
  'GET /api/v1/kpi/stops': q('viewer', 'asset'),
  'PUT /api/v1/kpi/stops/reason': b('operator', 'machine'),
  'GET /api/v1/kpi/pareto': q('viewer', 'asset'),
  'GET /api/v1/kpi/reasons': viewer,
  'GET /api/v1/kpi/shifts': q('viewer', 'asset'),
  'GET /api/v1/kpi/timeline': q('viewer', 'machine'),
  'GET /api/v1/pdm/machines': viewer,
  'GET /api/v1/pdm/machine': q('viewer', 'path'),
  'GET /api/v1/pdm/events': q('viewer', 'machine'),
  'GET /api/v1/rules': viewer,
  'GET /api/v1/rules/:id': viewer,
  'PUT /api/v1/rules/:id': engineer,
  'DELETE /api/v1/rules/:id': engineer,
  'GET /api/v1/workorders': viewer,
  'GET /api/v1/workorders/:id': viewer,
  'POST /api/v1/workorders/:id/status': operator,
  'GET /api/v1/maintenance/calendar': viewer,
  'POST /api/v1/maintenance/schedule': engineer,
  'DELETE /api/v1/maintenance/schedule/:id': engineer,
  'GET /api/v1/delivery/connectors': viewer,
  'GET /api/v1/delivery/entries': engineer,
  'GET /api/v1/delivery/dead-letters': engineer,
  'POST /api/v1/delivery/dead-letters/:id/retry': engineer,
  'POST /api/v1/delivery/dead-letters/:id/discard': engineer,
  // Inbound status from an ERP/CMMS: no user, verified by the connector's HMAC or token in the handler.
  'POST /api/v1/connectors/:name/status': pub,
  'POST /api/v1/import': engineer,
  'GET /api/v1/history/dataset': q('viewer', 'tag'),
  'GET /api/v1/machines/allowlist': engineer,
  'POST /api/v1/machines/write': b('engineer', 'tagId'),
  'POST /api/v1/machines/call': b('engineer', 'asset'),
  'GET /api/v1/audit': admin,
  'GET /api/v1/audit/verify': admin,
  'GET /api/v1/audit/export': admin,
  'GET /api/v1/pki': engineer,
  'POST /api/v1/pki/certificates/:thumbprint/trust': admin,
  'POST /api/v1/pki/certificates/:thumbprint/reject': admin,
  'DELETE /api/v1/pki/certificates/:thumbprint': admin,
  'POST /api/v1/pki/certificates': admin,
  'POST /api/v1/pki/issuers': admin,
  'DELETE /api/v1/pki/issuers/:thumbprint': admin,
  'POST /api/v1/pki/crls': admin,
  'POST /api/v1/pki/own/renew': admin,
  'GET /api/v1/catalog': viewer,
  'GET /api/v1/live': viewer,
  'GET /api/v1/openapi.json': viewer,
  // The interactive docs (Swagger UI, @fastify/swagger-ui): for signed-in users, like the document.
  'GET /api/v1/docs/': viewer,
  'GET /api/v1/docs/static/index.html': viewer,
  'GET /api/v1/docs/static/swagger-initializer.js': viewer,
  'GET /api/v1/docs/json': viewer,
  'GET /api/v1/docs/yaml': viewer,
  'HEAD,GET /api/v1/docs/static/*': viewer,
};

/**
 * Routes that act on the whole hub (certificate trust): an admin with an asset scope is refused
 * whatever the asset, because the change would reach every line (issue 17).
 */
const HUB_WIDE = new Set([
  'POST /api/v1/pki/certificates/:thumbprint/trust',
  'POST /api/v1/pki/certificates/:thumbprint/reject',
  'DELETE /api/v1/pki/certificates/:thumbprint',
  'POST /api/v1/pki/certificates',
  'POST /api/v1/pki/issuers',
  'DELETE /api/v1/pki/issuers/:thumbprint',
  'POST /api/v1/pki/crls',
  'POST /api/v1/pki/own/renew',
]);

/** Bodies that pass validation, so the asset-scope check (after validation) is reached. */
const BODIES: Record<string, (path: string) => Record<string, unknown>> = {
  'PUT /api/v1/kpi/stops/reason': (machine) => ({ machine, start: '2026-01-13T05:00:00Z', reason: null }),
  'POST /api/v1/machines/write': (tagId) => ({ tagId, value: 1, reason: 'authorisation matrix' }),
  'POST /api/v1/machines/call': (asset) => ({ asset, method: 'ResetWear', reason: 'authorisation matrix' }),
};

interface Cell {
  route: string;
  who: string;
  where: 'in' | 'out' | '-';
  expect: 'allow' | 'deny';
  status: number;
}

describe('authorisation matrix: every route × every role × in/out of scope', () => {
  let historian: Historian;
  let app: FastifyInstance;
  let closeAuth: () => void;
  const routes: RouteOptions[] = [];
  const principals: { who: string; role: Role | 'anonymous'; scoped: boolean; auth?: TestAuth }[] = [
    { who: 'anonymous', role: 'anonymous', scoped: false },
  ];

  before(async () => {
    historian = createSqliteHistorian({ path: join(mkdtempSync(join(tmpdir(), 'gt-matrix-')), 'h.db'), logger: log });
    await historian.open();
    for (const role of ROLES) {
      principals.push({ who: role, role, scoped: false, auth: testAuth(role, [], `${role}-all`) });
      principals.push({ who: `${role}@line1`, role, scoped: true, auth: testAuth(role, [SCOPE], `${role}-line1`) });
    }
    const t = await openTestAuth({ auths: principals.flatMap((p) => (p.auth ? [p.auth] : [])) });
    closeAuth = t.close;
    const hub: HubView = {
      historian,
      health: () => {
        throw new Error('not reached: handlers are replaced');
      },
      assetTree: async () => buildAssetTree({ enterprise: { id: 'acme' }, sites: [] }, []),
    };
    app = await buildApi(hub, {
      logger: log,
      version: 'test',
      webRoot: false,
      auth: t.auth,
      onRoute: (r) => {
        routes.push(r);
        // The matrix tests the door, not the rooms: a handler that is reached answers 299.
        if (!(r as { websocket?: boolean }).websocket) {
          r.handler = async (_req, reply) => reply.status(299).send('reached');
        }
      },
    });
    await app.ready();
  });

  after(async () => {
    await app.close();
    await historian.close();
    closeAuth();
  });

  const key = (r: RouteOptions) => `${String(r.method)} ${r.url}`;
  const table = () => routes.filter((r) => r.method !== 'HEAD');

  it('every registered route declares config.access (deny by default)', () => {
    const missing = table().filter((r) => r.config?.access === undefined);
    assert.deepEqual(missing.map(key), []);
  });

  it('every registered route has an expectation, and every expectation a route', () => {
    const live = new Set(table().map(key));
    const unexpected = [...live].filter((k) => !(k in EXPECTED));
    assert.deepEqual(unexpected, [], `routes without an expectation in the matrix: ${unexpected.join(', ')}`);
    const stale = Object.keys(EXPECTED).filter((k) => !live.has(k));
    assert.deepEqual(stale, [], `expectations without a route: ${stale.join(', ')}`);
    for (const r of table()) assert.deepEqual(r.config?.access, EXPECTED[key(r)], key(r));
    for (const k of HUB_WIDE) assert.ok(live.has(k), `HUB_WIDE names no route ${k}`);
  });

  it('allows and refuses each cell as the matrix says', async () => {
    const cells: Cell[] = [];
    for (const r of table()) {
      const access = r.config?.access as RouteAccess;
      // A route may answer several methods (@fastify/static's HEAD and GET): request the first that is not HEAD.
      const method = Array.isArray(r.method) ? (r.method.find((m) => m !== 'HEAD') ?? 'GET') : String(r.method);
      const loc = 'public' in access ? undefined : access.asset;
      const wheres: ('in' | 'out' | '-')[] = loc ? ['in', 'out'] : ['-'];
      for (const p of principals) {
        for (const where of wheres) {
          const sample = where === 'out' ? OUT : IN;
          const value = loc && /tag/i.test(loc.key) ? sample.tag : sample.asset;
          let url = r.url.replace(/:([A-Za-z]+)/g, (_m, name: string) =>
            name === 'thumbprint' ? 'ab'.repeat(20) : 'x',
          );
          url = url.replace('*', loc?.in === 'params' ? value : IN.tag);
          const query = loc?.in === 'query' ? `?${loc.key}=${encodeURIComponent(value)}` : '';
          const bodyOf = BODIES[key(r)];
          const body = loc?.in === 'body' ? (bodyOf?.(value) ?? { [loc.key]: value }) : undefined;
          const res = await app.inject({
            method: method as 'GET',
            url: `${url}${query}`,
            headers: {
              ...(p.auth?.headers ?? {}),
              ...(body ? { 'content-type': 'application/json' } : {}),
            },
            ...(body ? { payload: JSON.stringify(body) } : {}),
          });
          let expect: 'allow' | 'deny';
          if ('public' in access) expect = 'allow';
          else if (p.role === 'anonymous') expect = 'deny';
          else if (!roleAtLeast(p.role, access.role)) expect = 'deny';
          else if (loc && p.scoped && where === 'out') expect = 'deny';
          else if (HUB_WIDE.has(key(r)) && p.scoped) expect = 'deny';
          else expect = 'allow';
          cells.push({ route: key(r), who: p.who, where, expect, status: res.statusCode });
        }
      }
    }
    const wrong = cells.filter((c) => {
      const denied = c.status === 401 || c.status === 403;
      if (c.expect === 'deny') return !denied;
      if (denied) return true;
      // With an asset locator the request must reach the handler, so the scope check really ran.
      const e = EXPECTED[c.route] as { asset?: unknown };
      return e.asset !== undefined && c.status !== 299;
    });
    assert.deepEqual(
      wrong.map((c) => `${c.route} as ${c.who} (${c.where}): expected ${c.expect}, got HTTP ${c.status}`),
      [],
    );
    const allowed = cells.filter((c) => c.expect === 'allow').length;
    assert.ok(cells.length > 700, `${cells.length} cells (${allowed} allowed)`);
    // Anonymous requests get 401, authenticated ones lacking role or scope 403.
    assert.ok(cells.filter((c) => c.who === 'anonymous' && c.expect === 'deny').every((c) => c.status === 401));
  });

  it('refuses a WebSocket upgrade without credentials and accepts one with a token', async () => {
    // Without credentials the auth hook answers the upgrade request with 401.
    const refused = await app.inject({
      url: '/api/v1/live',
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': randomBytes(16).toString('base64'),
      },
    });
    assert.equal(refused.statusCode, 401);
    await assert.rejects(app.injectWS('/api/v1/live'), /401|Unexpected server response/);
    const viewerAuth = principals.find((p) => p.who === 'viewer')?.auth as TestAuth;
    const ws = await app.injectWS('/api/v1/live', { headers: viewerAuth.headers });
    ws.terminate();
  });
});

describe('deny by default', () => {
  it('refuses a route registered without config.access, even to an admin', async () => {
    const t = await openTestAuth();
    const historian = createSqliteHistorian({
      path: join(mkdtempSync(join(tmpdir(), 'gt-deny-')), 'h.db'),
      logger: log,
    });
    await historian.open();
    const hub = { historian, health: () => ({}), assetTree: async () => ({}) } as unknown as HubView;
    const app = await buildApi(hub, { logger: log, version: 'test', webRoot: false, auth: t.auth });
    app.get('/api/v1/forgotten', async () => ({ secret: 'data' }));
    try {
      const r = await app.inject({ url: '/api/v1/forgotten', headers: t.headers });
      assert.equal(r.statusCode, 403);
      assert.match(r.json().error.message, /declares no access rule/);
      assert.equal((await app.inject('/api/v1/forgotten')).statusCode, 401);
      const unknown = await app.inject({ url: '/api/v1/nowhere', headers: t.headers });
      assert.equal(unknown.statusCode, 404, 'a signed-in client learns an unknown URL does not exist');
      assert.equal((await app.inject('/api/v1/nowhere')).statusCode, 401, 'others only that they must sign in');
    } finally {
      await app.close();
      await historian.close();
      t.close();
    }
  });
});

describe('start-up log', () => {
  it('a clean start with the dashboard logs no error; a route without access is named at ready', async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const lines: { level: number; msg: string; url?: string }[] = [];
    const logger = pino(
      { level: 'info' },
      { write: (s: string) => void lines.push(JSON.parse(s) as { level: number; msg: string; url?: string }) },
    );
    const web = mkdtempSync(join(tmpdir(), 'gt-webroot-'));
    mkdirSync(join(web, 'assets'));
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>t</title>');
    const t = await openTestAuth();
    const historian = createSqliteHistorian({
      path: join(mkdtempSync(join(tmpdir(), 'gt-log-')), 'h.db'),
      logger: log,
    });
    await historian.open();
    const hub = { historian, health: () => ({}), assetTree: async () => ({}) } as unknown as HubView;
    const clean = await buildApi(hub, { logger, version: 'test', webRoot: web, auth: t.auth });
    await clean.ready();
    // Issue 17: every start logged "route declares no config.access" for the static files.
    assert.deepEqual(
      lines.filter((l) => l.level >= 50).map((l) => `${l.msg} ${l.url ?? ''}`),
      [],
    );
    assert.equal((await clean.inject('/')).statusCode, 200, 'the dashboard is public');
    await clean.close();
    const app = await buildApi(hub, { logger, version: 'test', webRoot: false, auth: t.auth });
    app.get('/api/v1/forgotten', async () => ({}));
    await app.ready();
    assert.ok(lines.some((l) => l.level >= 50 && l.url === '/api/v1/forgotten'));
    await app.close();
    await historian.close();
    t.close();
  });
});
