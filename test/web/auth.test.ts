import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { validateConfig } from '../../src/config/index.js';
import { DEMO_ASSETS, Hub } from '../../src/hub/index.js';
import { testAuth } from '../helpers/auth.js';
import { browserSuite, buildWeb, launchChromium } from '../helpers/browser.js';
import { freePort, waitFor } from '../helpers/net.js';

/**
 * Sign-in in a real browser: the first-start setup page with the one-time token taken from the hub
 * log, the admin's users page, a viewer who does not see admin-only controls, sign-out.
 */
describe('sign-in in a real browser', browserSuite(180_000), () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-web-auth-'));
  const webRoot = join(dir, 'web');
  const auth = testAuth();
  let logText = '';
  let hub: Hub;
  let browser: Browser;
  let base: string;

  before(async () => {
    await buildWeb(webRoot);
    const sink = new Writable({
      write(chunk, _enc, cb) {
        logText += String(chunk);
        cb();
      },
    });
    hub = new Hub(
      validateConfig(
        {
          dataDir: join(dir, 'hub'),
          assets: DEMO_ASSETS,
          http: { port: 0 },
          demo: { port: await freePort() },
          security: auth.security,
        },
        { env: {} },
      ),
      { logger: pino({ level: 'warn' }, sink), webRoot, demo: true },
    );
    await hub.start();
    base = hub.address as string;
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await hub?.stop();
  });

  const newPage = async (): Promise<Page> => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    return ctx.newPage();
  };

  it('first start: the setup page creates the admin with the one-time token from the log', async () => {
    const line = logText.split('\n').find((l) => l.includes('"setupToken"'));
    assert.ok(line, 'the hub logged a setup token');
    const token = (JSON.parse(line) as { setupToken: string }).setupToken;
    const page = await newPage();
    await page.goto(`${base}/`);
    await page.getByTestId('setup-form').waitFor();
    await page.getByLabel('Setup token').fill('not-the-token');
    await page.getByLabel('Admin user name').fill('anna');
    await page.getByLabel('Password (at least 12 characters)').fill('granite ridge above the lake');
    await page.getByLabel('Repeat password').fill('granite ridge above the lake');
    await page.getByRole('button', { name: /Create administrator/ }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /setup token is wrong/ })
      .waitFor();
    await page.getByLabel('Setup token').fill(token);
    await page.getByRole('button', { name: /Create administrator/ }).click();
    await page.getByTestId('user-menu').filter({ hasText: 'anna' }).waitFor();
    await page.getByRole('link', { name: 'Users and tokens' }).click();
    await page.getByTestId('users-page').waitFor();
    // The admin adds a viewer through the page.
    await page.getByLabel('New user name').fill('vera');
    await page.getByLabel('New user role').selectOption('viewer');
    await page.getByLabel('New user password').fill('copper kettle on the stove');
    await page.getByRole('button', { name: 'Add user' }).click();
    await page.getByRole('cell', { name: 'vera', exact: true }).waitFor();
    // An API token: its secret is shown once and works.
    await page.getByLabel('New token name').fill('mes-bridge');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = (await page.getByTestId('token-secret').locator('code').textContent()) ?? '';
    assert.match(secret, /^gt_[0-9a-f]{20}_/);
    const r = await fetch(`${base}/api/v1/tags?limit=1`, { headers: { authorization: `Bearer ${secret}` } });
    assert.equal(r.status, 200);
    await page.context().close();
  });

  it('a signed-out browser gets the sign-in page and no data; a wrong password says so', async () => {
    const page = await newPage();
    const apiCalls: string[] = [];
    page.on('response', (res) => {
      if (res.url().includes('/api/v1/') && res.status() === 200) apiCalls.push(res.url());
    });
    await page.goto(`${base}/#/overview`);
    await page.getByTestId('login-form').waitFor();
    assert.deepEqual(
      apiCalls.filter((u) => !/\/auth\/setup$/.test(u)),
      [],
      'no data route answered before sign-in',
    );
    await page.getByLabel('User name').fill('vera');
    await page.getByLabel('Password').fill('wrong password!!');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .getByTestId('login-error')
      .filter({ hasText: /wrong user name or password/ })
      .waitFor();
    await page.context().close();
  });

  it('a viewer signs in, does not see admin-only controls, and signs out', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    await page.getByLabel('User name').fill('vera');
    await page.getByLabel('Password').fill('copper kettle on the stove');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('user-menu').filter({ hasText: 'viewer' }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Plant overview' }).waitFor();
    const nav = (await page.getByRole('navigation', { name: 'Main' }).textContent()) ?? '';
    assert.doesNotMatch(nav, /Users and tokens/, 'no Users entry for a viewer');
    assert.doesNotMatch(nav, /Audit log/, 'no audit entry for a viewer');
    await page.goto(`${base}/#/users`);
    await page
      .getByTestId('not-allowed')
      .filter({ hasText: /needs the admin role/ })
      .waitFor();
    // The live link works for a signed-in viewer (the WebSocket carries the session cookie).
    await waitFor(
      'the live link',
      async () => (await page.getByTestId('link-state').getAttribute('data-state')) === 'open',
    );
    // The hub refuses the admin route itself, whatever the page shows.
    const status = await page.evaluate(async () => (await fetch('/api/v1/users')).status);
    assert.equal(status, 403);

    await page.getByTestId('sign-out').click();
    await page.getByTestId('login-form').waitFor();
    const after = await page.evaluate(async () => (await fetch('/api/v1/tags')).status);
    assert.equal(after, 401, 'the session ended on the hub');
    await page.context().close();
  });

  it('a user limited to one line sees only that line', async () => {
    const line = 'acme/zurich/machining/line1';
    const made = await fetch(`${base}/api/v1/users`, {
      method: 'POST',
      headers: { ...auth.headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'lena',
        role: 'operator',
        scope: [line],
        password: 'operator on line one, week 49',
      }),
    });
    assert.equal(made.status, 201);
    const page = await newPage();
    const refused: string[] = [];
    page.on('response', (res) => {
      if (res.status() >= 400) refused.push(`${res.status()} ${res.url()}`);
    });
    await page.goto(`${base}/`);
    await page.getByLabel('User name').fill('lena');
    await page.getByLabel('Password').fill('operator on line one, week 49');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .getByTestId('machine-tile')
      .first()
      .waitFor({ timeout: 20_000 })
      .catch(async (e: Error) => {
        await page.screenshot({ path: join(dir, 'scoped.png'), fullPage: true });
        throw new Error(`${e.message}; refused: ${refused.join(', ')}; screenshot ${join(dir, 'scoped.png')}`);
      });
    const machines = await Promise.all(
      (await page.getByTestId('machine-tile').all()).map((l) => l.getAttribute('data-machine')),
    );
    assert.ok(machines.length >= 2, machines.join(', '));
    for (const m of machines) assert.ok(m?.startsWith(`${line}/`), `${m} lies in ${line}`);
    const other = await page.evaluate(
      async () => (await fetch('/api/v1/tags/acme/zurich/packaging/line1/filler1/state')).status,
    );
    assert.equal(other, 403);
    await page.context().close();
  });
});
