import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { buildApi } from '../../src/api/index.js';
import type { HubView } from '../../src/api/types.js';
import { createSqliteHistorian, type Historian } from '../../src/historian/index.js';
import { buildAssetTree } from '../../src/model/assets.js';
import { AuthService, securitySchema } from '../../src/security/auth/index.js';
import type { AuditRecord } from '../../src/security/types.js';
import { testAuth } from '../helpers/auth.js';

const log = pino({ level: 'silent' });
const LINE1 = 'acme/zurich/machining/line1';
const lineage = { source: 'plc', endpoint: 'opc.tcp://plc:4840', nodeId: 'ns=1;s=x' };

/** The session and CSRF cookies a reply sets, as a `cookie` header, plus the CSRF value. */
function cookiesOf(r: LightMyRequestResponse): { cookie: string; csrf: string } {
  const set = ([] as string[]).concat(r.headers['set-cookie'] ?? []);
  const pairs = set.map((c) => c.split(';')[0] as string);
  const csrf = pairs.find((p) => p.startsWith('gotthard_csrf='))?.split('=')[1] ?? '';
  return { cookie: pairs.join('; '), csrf };
}

describe('authentication', () => {
  let historian: Historian;
  let auth: AuthService;
  let app: FastifyInstance;
  let now = Date.UTC(2026, 10, 25, 12);
  const audit: AuditRecord[] = [];
  const admin = testAuth('admin');
  const scopedViewer = testAuth('viewer', [LINE1], 'line1-viewer');

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gt-auth-'));
    historian = createSqliteHistorian({ path: join(dir, 'h.db'), logger: log });
    await historian.open();
    await historian.register([
      { id: `${LINE1}/cnc1/spindle/speed`, assetPath: `${LINE1}/cnc1`, name: 'speed', dataType: 'Double', lineage },
      {
        id: 'acme/zurich/machining/line2/cnc3/spindle/speed',
        assetPath: 'acme/zurich/machining/line2/cnc3',
        name: 'speed',
        dataType: 'Double',
        lineage,
      },
    ]);
    auth = await AuthService.open({
      dataDir: dir,
      config: securitySchema.parse({
        tokens: [...admin.security.tokens, ...scopedViewer.security.tokens],
        lockout: { maxFailures: 3, lockFor: '10m', perAddress: 50 },
      }),
      logger: log,
      env: {},
      now: () => now,
    });
    const hub: HubView = {
      historian,
      health: () => {
        throw new Error('not used');
      },
      assetTree: async () =>
        buildAssetTree(
          { enterprise: { id: 'acme' }, sites: [{ id: 'zurich', areas: [] }] },
          await historian.listTags(),
        ),
      audit: { append: (r) => audit.push(r) },
    };
    app = await buildApi(hub, { logger: log, version: 'test', webRoot: false, auth });
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: admin.headers,
      payload: { name: 'olga', role: 'operator', password: 'correct horse battery' },
    });
    assert.equal(created.statusCode, 201, created.body);
  });

  after(async () => {
    await app.close();
    auth.close();
    await historian.close();
  });

  it('refuses a request without credentials with 401 and says how to sign in', async () => {
    const r = await app.inject('/api/v1/tags');
    assert.equal(r.statusCode, 401);
    assert.equal(r.json().error.code, 'GT_UNAUTHENTICATED');
    assert.match(r.json().error.message, /auth\/login|Bearer/);
    const bad = await app.inject({ url: '/api/v1/tags', headers: { authorization: 'Bearer nope' } });
    assert.equal(bad.statusCode, 401);
    const basic = await app.inject({ url: '/api/v1/tags', headers: { authorization: 'Basic YTpi' } });
    assert.equal(basic.statusCode, 401);
    assert.match(basic.json().error.message, /Bearer/);
  });

  it('serves liveness and setup state without credentials', async () => {
    assert.equal((await app.inject('/api/v1/health/live')).statusCode, 200);
    const setup = await app.inject('/api/v1/auth/setup');
    assert.equal(setup.statusCode, 200);
    assert.equal(setup.json().pending, false, 'a user exists');
  });

  it('signs in with a password: HttpOnly SameSite session cookie, CSRF token, me, logout', async () => {
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { name: 'olga', password: 'correct horse battery' },
    });
    assert.equal(login.statusCode, 200, login.body);
    const set = ([] as string[]).concat(login.headers['set-cookie'] ?? []);
    const session = set.find((c) => c.startsWith('gotthard_session='));
    assert.match(session ?? '', /HttpOnly/);
    assert.match(session ?? '', /SameSite=Strict/);
    assert.doesNotMatch(session ?? '', /Secure/, 'plain HTTP on loopback: no Secure flag');
    const { cookie, csrf } = cookiesOf(login);
    assert.equal(login.json().csrf, csrf);
    const me = await app.inject({ url: '/api/v1/auth/me', headers: { cookie } });
    assert.deepEqual(me.json().principal, { kind: 'user', name: 'olga', role: 'operator', scope: [] });
    assert.ok(audit.some((a) => a.action === 'auth.login' && a.outcome === 'ok' && a.target === 'olga'));

    const out = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    assert.equal(out.statusCode, 200, out.body);
    const again = await app.inject({ url: '/api/v1/auth/me', headers: { cookie } });
    assert.equal(again.statusCode, 401, 'the session ended on the server, not only in the browser');
  });

  it('needs the CSRF token on unsafe requests with a session cookie, and refuses foreign origins', async () => {
    const { cookie, csrf } = cookiesOf(
      await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { name: 'olga', password: 'correct horse battery' },
      }),
    );
    const body = { machine: `${LINE1}/cnc1`, start: new Date(now).toISOString(), reason: null };
    const without = await app.inject({
      method: 'PUT',
      url: '/api/v1/kpi/stops/reason',
      headers: { cookie },
      payload: body,
    });
    assert.equal(without.statusCode, 403);
    assert.equal(without.json().error.code, 'GT_CSRF');
    const wrong = await app.inject({
      method: 'PUT',
      url: '/api/v1/kpi/stops/reason',
      headers: { cookie, 'x-csrf-token': `${csrf}x` },
      payload: body,
    });
    assert.equal(wrong.json().error.code, 'GT_CSRF');
    const right = await app.inject({
      method: 'PUT',
      url: '/api/v1/kpi/stops/reason',
      headers: { cookie, 'x-csrf-token': csrf },
      payload: body,
    });
    assert.notEqual(right.json().error?.code, 'GT_CSRF', 'past the CSRF check (no KPI engine here: 503)');
    assert.equal(right.statusCode, 503);
    const foreign = await app.inject({
      url: '/api/v1/tags',
      headers: { cookie, origin: 'https://evil.example', host: 'localhost:80' },
    });
    assert.equal(foreign.statusCode, 403);
    assert.equal(foreign.json().error.code, 'GT_CSRF');
  });

  it('slows repeated failures per (name, address) with growing delays instead of locking the account', async () => {
    await app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: admin.headers,
      payload: { name: 'victor', role: 'viewer', password: 'the right password' },
    });
    const attempt = (name: string, password: string, remoteAddress = '10.0.0.66') =>
      app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { name, password }, remoteAddress });
    // Issue 17: a known user was locked after 5 failures and an unknown one was not (enumeration),
    // and anyone could lock any account. Now both get the same answers at the same points.
    for (const name of ['victor', 'nobody-here']) {
      const codes: number[] = [];
      for (let i = 0; i < 3; i++) codes.push((await attempt(name, `guess ${i}`)).statusCode);
      const delayed = await attempt(name, 'guess 4');
      codes.push(delayed.statusCode);
      assert.deepEqual(codes, [401, 401, 401, 429], name);
      assert.match(delayed.json().error.message, /wait 1 s/);
      assert.equal(delayed.headers['retry-after'], '1');
    }
    const right = await attempt('victor', 'the right password');
    assert.equal(right.statusCode, 429, 'the delay applies to this address, whatever the password');
    const owner = await attempt('victor', 'the right password', '10.0.0.7');
    assert.equal(owner.statusCode, 200, 'the owner signs in from another address: nobody can lock the account');
    assert.ok(audit.some((a) => a.action === 'auth.throttle' && a.target === 'victor'));
    assert.ok(audit.some((a) => a.action === 'auth.throttle' && a.target === 'nobody-here'));
    now += 1000;
    assert.equal((await attempt('victor', 'guess 5')).statusCode, 401, 'after the delay one more try');
    assert.equal((await attempt('victor', 'guess 6')).statusCode, 429);
    now += 1000;
    assert.equal((await attempt('victor', 'the right password')).statusCode, 429, 'the delay doubled to 2 s');
    now += 1000;
    assert.equal((await attempt('victor', 'the right password')).statusCode, 200);
    const users = (await app.inject({ url: '/api/v1/users', headers: admin.headers })).json().users;
    assert.equal(users.find((u: { name: string }) => u.name === 'victor').locked, false);
  });

  it('API tokens: hashed, expiring and revocable, secret shown once', async () => {
    const made = await app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: admin.headers,
      payload: { name: 'mes-bridge', role: 'viewer', expiresIn: '1h' },
    });
    assert.equal(made.statusCode, 201, made.body);
    const { token, info } = made.json();
    assert.match(token, /^gt_[0-9a-f]{20}_/);
    const headers = { authorization: `Bearer ${token}` };
    assert.equal((await app.inject({ url: '/api/v1/tags', headers })).statusCode, 200);
    const list = (await app.inject({ url: '/api/v1/tokens', headers: admin.headers })).body;
    // gt_<id>_<secret>: the secret is base64url, so it may hold '_' itself.
    const secret = (token as string).slice('gt_'.length + 20 + 1);
    assert.equal(secret.length, 43);
    assert.ok(!list.includes(secret), 'the list never holds the secret');
    assert.ok(!list.includes(admin.token), 'nor a provisioned secret');

    now += 61 * 60_000;
    const expired = await app.inject({ url: '/api/v1/tags', headers });
    assert.equal(expired.statusCode, 401);
    assert.match(expired.json().error.message, /expired/);

    const second = (
      await app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: admin.headers,
        payload: { name: 'scada', role: 'viewer' },
      })
    ).json();
    const h2 = { authorization: `Bearer ${second.token}` };
    assert.equal((await app.inject({ url: '/api/v1/tags', headers: h2 })).statusCode, 200);
    const revoked = await app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${second.info.id}`,
      headers: admin.headers,
    });
    assert.equal(revoked.statusCode, 200);
    const after = await app.inject({ url: '/api/v1/tags', headers: h2 });
    assert.equal(after.statusCode, 401);
    assert.match(after.json().error.message, /revoked/);
    assert.ok(audit.some((a) => a.action === 'token.revoke' && a.target?.includes(second.info.id)));
    assert.ok(info.expiresAt);
  });

  it('refuses a role too low, with a message naming the role needed', async () => {
    const r = await app.inject({ url: '/api/v1/users', headers: scopedViewer.headers });
    assert.equal(r.statusCode, 403);
    assert.match(r.json().error.message, /role viewer.*needs admin/);
  });

  it('a scoped principal sees and touches only its part of the asset tree', async () => {
    const tags = (await app.inject({ url: '/api/v1/tags', headers: scopedViewer.headers })).json();
    assert.deepEqual(
      tags.tags.map((t: { id: string }) => t.id),
      [`${LINE1}/cnc1/spindle/speed`],
    );
    const other = await app.inject({
      url: '/api/v1/tags/acme/zurich/machining/line2/cnc3/spindle/speed',
      headers: scopedViewer.headers,
    });
    assert.equal(other.statusCode, 403);
    assert.match(other.json().error.message, /limited to acme\/zurich\/machining\/line1/);
    const tree = (await app.inject({ url: '/api/v1/assets', headers: scopedViewer.headers })).json();
    const paths: string[] = [];
    const walk = (n: { path: string; children: unknown[] }) => {
      paths.push(n.path);
      for (const c of n.children) walk(c as typeof n);
    };
    walk(tree);
    assert.ok(paths.includes(`${LINE1}/cnc1`));
    assert.ok(!paths.some((p) => p.includes('line2')), `no line2 in ${paths.join(', ')}`);
    const all = await app.inject({ url: '/api/v1/kpi/summary', headers: scopedViewer.headers });
    assert.equal(all.statusCode, 403, 'the enterprise-wide KPI default lies outside the scope');
  });

  it('a scoped admin grants only inside its own scope', async () => {
    const lineAdmin = await app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: admin.headers,
      payload: { name: 'line-admin', role: 'admin', scope: [LINE1] },
    });
    const h = { authorization: `Bearer ${lineAdmin.json().token}` };
    const wide = await app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: h,
      payload: { name: 'wide', role: 'viewer', password: 'long enough password' },
    });
    assert.equal(wide.statusCode, 403);
    const narrow = await app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: h,
      payload: { name: 'narrow', role: 'viewer', scope: [`${LINE1}/cnc1`], password: 'long enough password' },
    });
    assert.equal(narrow.statusCode, 201, narrow.body);
  });

  it('keeps the last admin', async () => {
    const u = await app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: admin.headers,
      payload: { name: 'root', role: 'admin', password: 'the only admin pw' },
    });
    assert.equal(u.statusCode, 201);
    const demote = await app.inject({
      method: 'PATCH',
      url: '/api/v1/users/root',
      headers: admin.headers,
      payload: { role: 'viewer' },
    });
    assert.equal(demote.statusCode, 409);
    assert.match(demote.json().error.message, /last active admin/);
  });

  it('rejects weak passwords and bad names with the field named', async () => {
    const weak = await app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: admin.headers,
      payload: { name: 'pat', role: 'viewer', password: 'short' },
    });
    assert.equal(weak.statusCode, 400);
    assert.match(weak.json().error.message, /password: .*12 characters/);
  });
});

describe('first start', () => {
  it('creates no default password: a one-time setup token creates the first admin, once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gt-setup-'));
    const auth = await AuthService.open({ dataDir: dir, config: securitySchema.parse({}), logger: log, env: {} });
    const hub = { historian: undefined, health: () => ({}), assetTree: async () => ({}) } as unknown as HubView;
    const app = await buildApi(hub, { logger: log, version: 'test', webRoot: false, auth });
    try {
      const token = auth.takeSetupToken();
      assert.ok(token && token.length >= 20);
      assert.equal(auth.takeSetupToken(), undefined, 'handed out once');
      assert.equal((await app.inject('/api/v1/auth/setup')).json().pending, true);
      const wrong = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/setup',
        payload: { token: 'guess', name: 'anna', password: 'a long admin password' },
      });
      assert.equal(wrong.statusCode, 403);
      const ok = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/setup',
        payload: { token, name: 'anna', password: 'a long admin password' },
      });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().principal.role, 'admin');
      const again = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/setup',
        payload: { token, name: 'eve', password: 'a long admin password' },
      });
      assert.equal(again.statusCode, 409, 'the token is spent');
      const { cookie } = cookiesOf(ok);
      assert.equal((await app.inject({ url: '/api/v1/users', headers: { cookie } })).statusCode, 200);
    } finally {
      await app.close();
      auth.close();
    }
    // A restart with users prints no token.
    const reopened = await AuthService.open({ dataDir: dir, config: securitySchema.parse({}), logger: log, env: {} });
    assert.equal(reopened.takeSetupToken(), undefined);
    reopened.close();
  });

  it('creates the admin from GOTTHARD_ADMIN_PASSWORD when set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gt-setup-env-'));
    const auth = await AuthService.open({
      dataDir: dir,
      config: securitySchema.parse({}),
      logger: log,
      env: { GOTTHARD_ADMIN_PASSWORD: 'from the environment' },
    });
    try {
      assert.equal(auth.takeSetupToken(), undefined);
      assert.equal(auth.setupPending(), false);
      const r = await auth.login('admin', 'from the environment', '127.0.0.1');
      assert.equal(r.ok, true);
    } finally {
      auth.close();
    }
    await assert.rejects(
      AuthService.open({
        dataDir: mkdtempSync(join(tmpdir(), 'gt-setup-env-')),
        config: securitySchema.parse({}),
        logger: log,
        env: { GOTTHARD_ADMIN_PASSWORD: 'short' },
      }),
      /GOTTHARD_ADMIN_PASSWORD: a password needs at least 12 characters/,
    );
  });
});
