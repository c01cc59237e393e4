import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildApi } from '../../src/api/index.js';
import type { HubView } from '../../src/api/types.js';
import { logOptions } from '../../src/cli/log.js';
import { loadConfigText, validateConfig } from '../../src/config/index.js';
import { createSqliteHistorian, type Historian } from '../../src/historian/index.js';
import { Hub } from '../../src/hub/index.js';
import { buildAssetTree } from '../../src/model/assets.js';
import { wantsHttps } from '../../src/security/auth/index.js';
import { openTestAuth, testAuth } from '../helpers/auth.js';

const log = pino({ level: 'silent' });

/** A raw HTTP request (no URL normalisation, unlike fetch), for path traversal and odd bodies. */
function raw(
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

describe('transport security', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-transport-'));
  const webRoot = join(dir, 'web');
  let historian: Historian;
  let app: FastifyInstance;
  let port: number;
  let t: Awaited<ReturnType<typeof openTestAuth>>;

  before(async () => {
    mkdirSync(join(webRoot, 'assets'), { recursive: true });
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>Gotthard</title>');
    writeFileSync(join(webRoot, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(dir, 'secret.txt'), 'TOP-SECRET-OUTSIDE-WEBROOT');
    historian = createSqliteHistorian({ path: join(dir, 'h.db'), logger: log });
    await historian.open();
    t = await openTestAuth();
    const hub: HubView = {
      historian,
      health: () => {
        throw new Error('boom at /srv/gotthard/src/secret/path.ts:12');
      },
      assetTree: async () => buildAssetTree({ enterprise: { id: 'acme' }, sites: [] }, []),
    };
    app = await buildApi(hub, {
      logger: log,
      version: 'test',
      webRoot,
      auth: t.auth,
      bodyLimit: 4096,
      corsOrigins: ['https://grafana.example.com'],
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as { port: number }).port;
  });

  after(async () => {
    await app.close();
    await historian.close();
    t.close();
  });

  it('serves the dashboard files without credentials, and no data', async () => {
    const index = await raw(port, { path: '/' });
    assert.equal(index.status, 200);
    assert.match(index.body, /Gotthard/);
    assert.equal((await raw(port, { path: '/assets/app.js' })).status, 200);
    assert.equal((await raw(port, { path: '/api/v1/tags' })).status, 401);
    assert.equal((await raw(port, { path: '/api/v1/openapi.json' })).status, 401);
  });

  it('never serves a file outside the web root, however the path is written', async () => {
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/../../secret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%5c..%5csecret.txt',
      '/%252e%252e/secret.txt',
      `/${encodeURIComponent(join(dir, 'secret.txt'))}`,
      '/assets/app.js%00.html',
    ]) {
      const r = await raw(port, { path });
      assert.ok(r.status >= 400 && r.status < 500, `${path}: HTTP ${r.status}`);
      assert.doesNotMatch(r.body, /TOP-SECRET/, path);
      assert.doesNotMatch(r.body, new RegExp(dir.replace(/[/\\]/g, '.')), `${path}: no internal path in the reply`);
    }
  });

  it('sends security headers on pages and API replies, and no-store on API data', async () => {
    const page = await raw(port, { path: '/' });
    assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
    assert.match(String(page.headers['content-security-policy']), /frame-ancestors 'none'/);
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.equal(page.headers['x-frame-options'], 'DENY');
    assert.equal(page.headers['referrer-policy'], 'no-referrer');
    assert.equal(page.headers['strict-transport-security'], undefined, 'no HSTS over plain HTTP');
    const api = await raw(port, { path: '/api/v1/tags', headers: t.headers });
    assert.equal(api.status, 200);
    assert.equal(api.headers['cache-control'], 'no-store');
    assert.equal(api.headers['x-content-type-options'], 'nosniff');
  });

  it('strict CORS: only configured origins, never with credentials', async () => {
    const pre = await raw(port, {
      method: 'OPTIONS',
      path: '/api/v1/tags',
      headers: { origin: 'https://grafana.example.com', 'access-control-request-method': 'GET' },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers['access-control-allow-origin'], 'https://grafana.example.com');
    assert.equal(pre.headers['access-control-allow-credentials'], undefined);
    const withToken = await raw(port, {
      path: '/api/v1/tags',
      headers: { origin: 'https://grafana.example.com', ...t.headers },
    });
    assert.equal(withToken.status, 200);
    assert.equal(withToken.headers['access-control-allow-origin'], 'https://grafana.example.com');
    const foreign = await raw(port, {
      method: 'OPTIONS',
      path: '/api/v1/tags',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    assert.equal(foreign.headers['access-control-allow-origin'], undefined);
    assert.notEqual(foreign.status, 204);
  });

  it('answers oversized, malformed and mistyped bodies with a clear 4xx and keeps serving', async () => {
    const big = await raw(port, {
      method: 'POST',
      path: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', password: 'y'.repeat(10_000) }),
    });
    assert.equal(big.status, 413);
    assert.match(JSON.parse(big.body).error.message, /too large/i);
    const broken = await raw(port, {
      method: 'POST',
      path: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      body: '{"name": "x", "password": ',
    });
    assert.equal(broken.status, 400);
    assert.ok(JSON.parse(broken.body).error.code);
    const form = await raw(port, {
      method: 'POST',
      path: '/api/v1/auth/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=x&password=y',
    });
    assert.equal(form.status, 415, 'a cross-site HTML form cannot post a sign-in');
    const missing = await raw(port, {
      method: 'POST',
      path: '/api/v1/users',
      headers: { 'content-type': 'application/json', ...t.headers },
      body: JSON.stringify({ name: 'x' }),
    });
    assert.equal(missing.status, 400);
    assert.match(JSON.parse(missing.body).error.message, /role|password/);
    for (const r of [big, broken, form, missing]) assert.doesNotMatch(r.body, /\bat .*\.(ts|js):\d+/, 'no stack trace');
    assert.equal((await raw(port, { path: '/api/v1/health/live' })).status, 200, 'still serving');
  });

  it('sends neither a stack trace nor an internal path on an internal error', async () => {
    const r = await raw(port, { path: '/api/v1/health', headers: t.headers });
    assert.equal(r.status, 500);
    assert.doesNotMatch(r.body, /boom|\/srv\/|secret|\.ts/);
  });

  it('never logs secrets (pino redaction of passwords, tokens, cookies, authorization)', () => {
    let out = '';
    const sink = new Writable({
      write(chunk, _enc, cb) {
        out += String(chunk);
        cb();
      },
    });
    const logger = pino(logOptions('info'), sink);
    logger.info(
      {
        password: 'pw-1',
        user: { password: 'pw-2', token: 'tok-3' },
        req: { headers: { authorization: 'Bearer tok-4', cookie: 'gotthard_session=tok-5' } },
        historian: { connectionString: 'postgres://u:pw-6@db/x' },
      },
      'hello',
    );
    assert.match(out, /hello/);
    for (const s of ['pw-1', 'pw-2', 'tok-3', 'tok-4', 'tok-5', 'pw-6'])
      assert.ok(!out.includes(s), `${s} is redacted`);
  });

  it('reads secrets from files in config (${file:…})', () => {
    const secretFile = join(dir, 'api-token');
    writeFileSync(secretFile, 'x'.repeat(40) + '\n');
    const c = loadConfigText('security:\n  tokens:\n    - { name: mes, role: viewer, secret: "${file:api-token}" }\n', {
      baseDir: dir,
      env: {},
    });
    assert.equal(c.security.tokens[0]?.secret, 'x'.repeat(40));
    assert.throws(
      () =>
        loadConfigText('security:\n  tokens:\n    - { name: mes, role: viewer, secret: "${file:nope}" }\n', {
          baseDir: dir,
          env: {},
        }),
      /security\.tokens\[0\]\.secret: cannot read secret file .*nope: ENOENT/,
    );
  });
});

describe('HTTPS', () => {
  it('serves HTTPS with a generated certificate, HSTS and Secure cookies; plain HTTP on loopback by default', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gt-https-'));
    const auth = testAuth();
    const hub = new Hub(
      validateConfig({ dataDir: dir, http: { port: 0, tls: { mode: 'on' } }, security: auth.security }, { env: {} }),
      { logger: log, webRoot: false },
    );
    await hub.start();
    try {
      assert.match(hub.address ?? '', /^https:\/\/127\.0\.0\.1:\d+$/);
      const ca = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
      const x = new X509Certificate(ca);
      assert.match(x.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
      assert.ok(Date.parse(x.validTo) > Date.now() + 365 * 86_400_000);
      const get = (path: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}) =>
        new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>(
          (resolve, reject) => {
            const url = new URL(path, hub.address);
            // Verified against the generated certificate: a real TLS handshake, no rejectUnauthorized: false.
            const req = httpsRequest(
              url,
              { ca, method: init.method ?? 'GET', headers: init.headers, servername: '127.0.0.1' },
              (res) => {
                let body = '';
                res.on('data', (d) => {
                  body += d;
                });
                res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
              },
            );
            req.on('error', reject);
            if (init.body) req.write(init.body);
            req.end();
          },
        );
      // TLS 1.2 only with ECDHE and AEAD (issue 17: static-RSA and SHA-1 CBC suites were accepted).
      const handshake = (ciphers: string) =>
        new Promise<string>((resolve, reject) => {
          const u = new URL(hub.address as string);
          const s = tlsConnect(
            { host: u.hostname, port: Number(u.port), ca, servername: '127.0.0.1', maxVersion: 'TLSv1.2', ciphers },
            () => {
              resolve(s.getCipher().name);
              s.end();
            },
          );
          s.on('error', reject);
        });
      assert.equal(await handshake('ECDHE-RSA-AES128-GCM-SHA256'), 'ECDHE-RSA-AES128-GCM-SHA256');
      await assert.rejects(handshake('AES128-SHA'), /handshake failure|no shared cipher|alert/i);
      await assert.rejects(handshake('ECDHE-RSA-AES128-SHA'), /handshake failure|no shared cipher|alert/i);
      await assert.rejects(handshake('AES128-GCM-SHA256'), /handshake failure|no shared cipher|alert/i);
      const live = await get('/api/v1/health/live');
      assert.equal(live.status, 200);
      assert.match(String(live.headers['strict-transport-security']), /max-age=15552000/);
      assert.equal((await get('/api/v1/tags', { headers: auth.headers })).status, 200);
      const made = await get('/api/v1/users', {
        method: 'POST',
        headers: { ...auth.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'admin', role: 'admin', password: 'granite ridge above the lake' }),
      });
      assert.equal(made.status, 201, made.body);
      const login = await get('/api/v1/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'admin', password: 'granite ridge above the lake' }),
      });
      assert.equal(login.status, 200, login.body);
      const cookies = ([] as string[]).concat(login.headers['set-cookie'] ?? []);
      assert.ok(cookies.length === 2 && cookies.every((c) => /; Secure/.test(c)), cookies.join(' | '));
      await assert.rejects(fetch(`${(hub.address as string).replace('https:', 'http:')}/api/v1/health/live`));
    } finally {
      await hub.stop();
    }
    // The same data folder again: the certificate is reused, not regenerated.
    const before = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
    const again = new Hub(validateConfig({ dataDir: dir, http: { port: 0, tls: { mode: 'on' } } }, { env: {} }), {
      logger: log,
      webRoot: false,
    });
    await again.start();
    try {
      assert.match(again.address ?? '', /^https:/);
    } finally {
      await again.stop();
    }
    assert.equal(readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8'), before);
  });

  it('chooses HTTPS by listen address in auto mode', () => {
    assert.equal(wantsHttps({ mode: 'auto' }, '127.0.0.1'), false);
    assert.equal(wantsHttps({ mode: 'auto' }, 'localhost'), false);
    assert.equal(wantsHttps({ mode: 'auto' }, '::1'), false);
    assert.equal(wantsHttps({ mode: 'auto' }, '0.0.0.0'), true);
    assert.equal(wantsHttps({ mode: 'auto' }, '192.168.10.5'), true);
    assert.equal(wantsHttps({ mode: 'off' }, '0.0.0.0'), false);
    assert.equal(wantsHttps({ mode: 'on' }, '127.0.0.1'), true);
  });
});
