import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { validateConfig } from '../../src/config/index.js';
import { DEMO_ASSETS, Hub } from '../../src/hub/index.js';
import { signInBrowser, testAuth } from '../helpers/auth.js';
import { browserSuite, launchChromium, SHOTS } from '../helpers/browser.js';
import { freePort } from '../helpers/net.js';

const log = pino({ level: process.env.GOTTHARD_TEST_LOG ?? 'silent' });

/**
 * The interactive API docs (issue 24) in a real browser (Debian chromium via playwright-core) on a
 * hub running the demo plant: Swagger UI loads signed in, everything from the hub itself under its
 * CSP, and "Try it out" works through the session, including an unsafe request that needs the CSRF
 * header (the interceptor adds it from the cookie).
 */
describe('interactive API docs in a real browser', browserSuite(180_000), () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-web-apidocs-'));
  const auth = testAuth();
  let hub: Hub;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let base: string;
  const problems: string[] = [];
  const foreign: string[] = [];

  before(async () => {
    const config = validateConfig(
      {
        dataDir: join(dir, 'hub'),
        assets: DEMO_ASSETS,
        http: { port: 0 },
        demo: { port: await freePort() },
        security: auth.security,
      },
      { env: {} },
    );
    hub = new Hub(config, { logger: log, demo: true, webRoot: false });
    await hub.start();
    base = hub.address as string;
    browser = await launchChromium();
    ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await signInBrowser(ctx, base, auth.headers, 'admin');
    page = await ctx.newPage();
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
    });
    page.on('request', (r) => {
      if (!r.url().startsWith(base) && !r.url().startsWith('data:')) foreign.push(r.url());
    });
  });

  after(async () => {
    await browser?.close();
    await hub?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Swagger UI's block of one operation, expanded. */
  async function openOperation(tag: string, operationId: string) {
    const op = page.locator(`#operations-${tag}-${operationId}`);
    if ((await op.count()) === 0 || !page.url().startsWith(`${base}/api/v1/docs`)) {
      await page.goto(`${base}/api/v1/docs`);
    }
    await op.waitFor({ timeout: 30_000 });
    if (!((await op.getAttribute('class')) ?? '').split(/\s+/).includes('is-open')) {
      await op.locator('.opblock-summary').first().click();
    }
    await op.locator('.try-out__btn').waitFor({ timeout: 10_000 });
    return op;
  }

  it('refuses a browser that is not signed in', async () => {
    const anon = await browser.newContext();
    const p = await anon.newPage();
    const res = await p.goto(`${base}/api/v1/docs`);
    assert.equal(res?.status(), 401);
    await anon.close();
  });

  it('loads Swagger UI signed in, every operation listed, nothing from outside, no CSP violation', async () => {
    await page.goto(`${base}/api/v1/docs`);
    await page.waitForSelector('.opblock', { timeout: 30_000 });
    const ops = await page.locator('.opblock').count();
    assert.ok(ops >= 70, `${ops} operations shown`);
    assert.match((await page.locator('.info .title').textContent()) ?? '', /Gotthard API/);
    await page.screenshot({ path: join(SHOTS, 'api-docs.png') });
    assert.deepEqual(foreign, [], 'requests to other origins');
    assert.deepEqual(problems, []);
  });

  it('"Try it out" reads through the session', async () => {
    const op = await openOperation('tags', 'listTags');
    await op.locator('.try-out__btn').click();
    const reply = page.waitForResponse((r) => r.url().startsWith(`${base}/api/v1/tags?`));
    await op.locator('.execute').click();
    const r = await reply;
    assert.equal(r.status(), 200);
    assert.ok(((await r.json()) as { total: number }).total > 0);
    await op.locator('.live-responses-table tbody .response-col_status').first().waitFor();
    assert.match(
      (await op.locator('.live-responses-table tbody .response-col_status').first().textContent()) ?? '',
      /200/,
    );
  });

  it('"Try it out" sends the CSRF header on a change (creates an API token from the example body)', async () => {
    const op = await openOperation('auth', 'createToken');
    await op.locator('.try-out__btn').click();
    const reply = page.waitForResponse((r) => r.url() === `${base}/api/v1/tokens` && r.request().method() === 'POST');
    await op.locator('.execute').click();
    const r = await reply;
    const headers = await r.request().allHeaders();
    assert.ok(headers['x-csrf-token'], 'the interceptor added x-csrf-token');
    assert.equal(r.status(), 201, await r.text());
    assert.equal(((await r.json()) as { info: { name: string } }).info.name, 'mes-reader');
    assert.deepEqual(problems, []);
  });
});
