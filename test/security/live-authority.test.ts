import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import WebSocket from 'ws';
import { buildApi } from '../../src/api/index.js';
import type { HubView } from '../../src/api/types.js';
import { createSqliteHistorian, type Historian } from '../../src/historian/index.js';
import { buildAssetTree } from '../../src/model/assets.js';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { SESSION_COOKIE } from '../../src/security/auth/hook.js';
import type { Role } from '../../src/security/types.js';
import { authedInject, openTestAuth } from '../helpers/auth.js';

const log = pino({ level: 'silent' });

interface Ws {
  on(ev: 'close', fn: (code: number, reason: Buffer) => void): unknown;
  on(ev: 'message', fn: (d: unknown) => void): unknown;
  send(d: string): void;
  terminate(): void;
  readonly readyState: number;
}

/** Resolves with the close code and reason, or rejects after `ms`. */
function closed(ws: Ws, ms: number): Promise<{ code: number; reason: string; afterMs: number }> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socket still open after ${ms} ms`)), ms);
    ws.on('close', (code, reason) => {
      clearTimeout(timer);
      resolve({ code, reason: String(reason), afterMs: Date.now() - t0 });
    });
  });
}

/** True when the socket stays open for `ms` (and still answers a ping). */
async function staysOpen(ws: Ws, ms: number): Promise<boolean> {
  let pong = false;
  ws.on('message', (d) => {
    if ((JSON.parse(String(d)) as { type: string }).type === 'pong') pong = true;
  });
  await new Promise((r) => setTimeout(r, ms));
  ws.send(JSON.stringify({ type: 'ping' }));
  await new Promise((r) => setTimeout(r, 100));
  return ws.readyState === 1 && pong;
}

/**
 * The live WebSocket outlives the request that opened it; the authority it was opened with is
 * checked again on every change that can take it away (issue 17: values kept flowing after the
 * token was revoked, after logout and after the user was disabled).
 */
describe('live WebSocket closes when its authority goes', () => {
  let historian: Historian;
  let app: FastifyInstance;
  let t: Awaited<ReturnType<typeof openTestAuth>>;
  let admin: ReturnType<typeof authedInject>;
  let base: string;
  const openWs = (headers: Record<string, string>) =>
    new Promise<Ws>((resolve, reject) => {
      const ws = new WebSocket(`${base}/api/v1/live`, { headers });
      ws.once('open', () => resolve(ws as unknown as Ws));
      ws.once('error', reject);
    });
  const dir = mkdtempSync(join(tmpdir(), 'gt-live-auth-'));

  before(async () => {
    historian = createSqliteHistorian({ path: join(dir, 'h.db'), flushIntervalMs: 50, logger: log });
    await historian.open();
    // Scopes are checked against the asset tree when granted: give line 1 an asset.
    await historian.register([
      {
        id: 'acme/zurich/machining/line1/cnc1/spindle/speed',
        assetPath: 'acme/zurich/machining/line1/cnc1',
        name: 'speed',
        dataType: 'Double',
        lineage: { source: 'plc', endpoint: 'opc.tcp://plc:4840', nodeId: 'ns=1;s=speed' },
      },
    ]);
    const pipeline = new Pipeline(log);
    pipeline.addSink(historian);
    const hub: HubView = {
      historian,
      pipeline,
      health: () => ({
        status: 'ok',
        version: 'test',
        startedAt: Date.now(),
        sources: [],
        historian: historian.stats(),
        ingest: { valuesPerSecond: 0, totalValues: 0 },
      }),
      assetTree: async () => buildAssetTree({ enterprise: { id: 'acme' }, sites: [] }, await historian.listTags()),
    };
    mkdirSync(join(dir, 'auth'));
    t = await openTestAuth({ dataDir: join(dir, 'auth') });
    app = await buildApi(hub, { logger: log, version: 'test', webRoot: false, auth: t.auth });
    // A real listening socket and a real WebSocket client: the upgrade, the hooks and the close
    // frames all go over TCP.
    base = (await app.listen({ host: '127.0.0.1', port: 0 })).replace(/^http/, 'ws');
    admin = authedInject(app, t.headers);
  });

  after(async () => {
    await app?.close();
    t?.close();
    await historian?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A user signed in through the API: its session cookie, CSRF token and an open live socket. */
  async function signedIn(role: Role = 'viewer', scope: string[] = []) {
    const name = `u-${randomBytes(4).toString('hex')}`;
    const password = randomBytes(18).toString('base64url');
    const made = await admin({ method: 'POST', url: '/api/v1/users', payload: { name, role, scope, password } });
    assert.equal(made.statusCode, 201, made.body);
    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { name, password } });
    assert.equal(login.statusCode, 200, login.body);
    const cookies = Object.fromEntries(login.cookies.map((c) => [c.name, c.value]));
    const cookie = `${SESSION_COOKIE}=${cookies[SESSION_COOKIE]}`;
    const ws = await openWs({ cookie });
    return { name, cookie, csrf: cookies.gotthard_csrf as string, ws };
  }

  it('closes on logout within a second; another user’s socket stays open', async () => {
    const u = await signedIn();
    const other = await signedIn();
    const done = closed(u.ws, 1000);
    const out = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie: u.cookie, 'x-csrf-token': u.csrf },
    });
    assert.equal(out.statusCode, 200, out.body);
    const c = await done;
    assert.equal(c.code, 1008);
    assert.match(c.reason, /sign in again/);
    assert.ok(await staysOpen(other.ws, 200), 'a socket whose authority did not change stays open');
    other.ws.terminate();
  });

  it('closes when the API token it was opened with is revoked', async () => {
    const made = await admin({
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { name: `live-${randomBytes(3).toString('hex')}`, role: 'viewer', scope: [] },
    });
    assert.equal(made.statusCode, 201, made.body);
    const { token, info } = JSON.parse(made.body) as { token: string; info: { id: string } };
    const id = info.id;
    const ws = await openWs({ authorization: `Bearer ${token}` });
    assert.ok(await staysOpen(ws, 50));
    const done = closed(ws, 1000);
    const del = await admin({ method: 'DELETE', url: `/api/v1/tokens/${id}` });
    assert.equal(del.statusCode, 200, del.body);
    assert.equal((await done).code, 1008);
  });

  for (const [what, patch] of [
    ['the user is disabled', { disabled: true }],
    ['the role changes', { role: 'operator' }],
    ['the scope changes', { scope: ['acme/zurich/machining/line1'] }],
  ] as const) {
    it(`closes when ${what}`, async () => {
      const u = await signedIn();
      assert.ok(await staysOpen(u.ws, 50));
      const done = closed(u.ws, 1000);
      const r = await admin({ method: 'PATCH', url: `/api/v1/users/${u.name}`, payload: patch });
      assert.equal(r.statusCode, 200, r.body);
      assert.equal((await done).code, 1008);
    });
  }

  it('closes when the user is deleted', async () => {
    const u = await signedIn();
    const done = closed(u.ws, 1000);
    const r = await admin({ method: 'DELETE', url: `/api/v1/users/${u.name}` });
    assert.ok(r.statusCode < 300, r.body);
    assert.equal((await done).code, 1008);
  });
});
