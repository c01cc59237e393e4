import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { buildApi } from '../../src/api/index.js';
import type { HubView } from '../../src/api/types.js';
import { AuthService, securitySchema } from '../../src/security/auth/index.js';
import { passwordProblem } from '../../src/security/auth/passwords.js';

const log = pino({ level: 'silent' });
const hub = {
  historian: undefined,
  health: () => ({}),
  assetTree: async () => ({ path: 'acme', id: 'acme', name: 'acme', level: 'enterprise', tagCount: 0, children: [] }),
} as unknown as HubView;

describe('login hardening (issue 17)', () => {
  it('the setup token is consumed atomically: two concurrent requests make one admin', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gt-setup-race-'));
    const auth = await AuthService.open({ dataDir: dir, config: securitySchema.parse({}), logger: log, env: {} });
    const app = await buildApi(hub, { logger: log, version: 'test', webRoot: false, auth });
    try {
      const token = auth.takeSetupToken();
      const setup = (name: string) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/auth/setup',
          payload: { token, name, password: 'tall granite ridge above lake' },
        });
      const [a, b] = await Promise.all([setup('anna'), setup('eve')]);
      assert.deepEqual([a.statusCode, b.statusCode].sort(), [200, 409], `${a.body} / ${b.body}`);
      assert.equal(auth.listUsers().length, 1, 'one admin');
    } finally {
      await app.close();
      auth.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses common passwords, few distinct characters and the user name', () => {
    assert.match(passwordProblem('aaaaaaaaaaaa') ?? '', /5 different characters/);
    assert.match(passwordProblem('password1234') ?? '', /common passwords/);
    assert.match(passwordProblem('P@ssw0rd2024!') ?? '', /common passwords/);
    assert.match(passwordProblem('Qwertyuiop12') ?? '', /common passwords/);
    assert.match(passwordProblem('adminadminadmin') ?? '', /common passwords/);
    assert.match(passwordProblem('margaretha1234', 'margaretha') ?? '', /user name/);
    assert.equal(passwordProblem('tall granite ridge above lake', 'anna'), undefined);
    assert.equal(passwordProblem('correct horse battery', 'olga'), undefined);
  });

  it('a weak password is refused through the API with the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gt-weak-'));
    const auth = await AuthService.open({ dataDir: dir, config: securitySchema.parse({}), logger: log, env: {} });
    try {
      await assert.rejects(
        auth.createUser({ name: 'bruno', role: 'viewer', scope: [], password: 'bruno-bruno-bruno' }),
        /user name/,
      );
    } finally {
      auth.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('behind a trusted proxy each client address is throttled on its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gt-proxy-'));
    const auth = await AuthService.open({
      dataDir: dir,
      config: securitySchema.parse({ trustedProxies: ['127.0.0.1'], lockout: { maxFailures: 2 } }),
      logger: log,
      env: { GOTTHARD_ADMIN_PASSWORD: 'tall granite ridge above lake', GOTTHARD_ADMIN_USER: 'root' },
    });
    const app = await buildApi(hub, { logger: log, version: 'test', webRoot: false, auth });
    try {
      const login = (client: string, password: string) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { name: 'root', password },
          headers: { 'x-forwarded-for': client },
          remoteAddress: '127.0.0.1',
        });
      for (let i = 0; i < 2; i++) assert.equal((await login('203.0.113.9', `guess ${i}`)).statusCode, 401);
      assert.equal((await login('203.0.113.9', 'guess 3')).statusCode, 429, 'the guessing client waits');
      const owner = await login('198.51.100.4', 'tall granite ridge above lake');
      assert.equal(owner.statusCode, 200, 'another client behind the same proxy is not affected');
    } finally {
      await app.close();
      auth.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
