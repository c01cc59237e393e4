import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import type { Browser } from 'playwright-core';
import { validateConfig } from '../../src/config/index.js';
import { Hub } from '../../src/hub/index.js';
import { signInBrowser, testAuth } from '../helpers/auth.js';
import { browserSuite, buildWeb, launchChromium, SHOTS } from '../helpers/browser.js';
import { freePort, waitFor } from '../helpers/net.js';

const log = pino({ level: process.env.LOG_LEVEL ?? 'silent' });

/** The Delivery page: an engineer sees the dead letters with their reasons, retries one and discards one. */
describe('Delivery page in a real browser', browserSuite(180_000), () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-web-delivery-'));
  const webRoot = join(dir, 'web');
  const auth = testAuth();
  let hub: Hub;
  let browser: Browser;
  let erp: Server;
  /** The receiver refuses (422) until "fixed", like a CMMS missing a field mapping. */
  let fixed = false;
  const accepted: string[] = [];

  before(async () => {
    await buildWeb(webRoot);
    const port = await freePort();
    erp = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (!fixed)
          return void res.writeHead(422, { 'content-type': 'application/json' }).end('{"error":"unknown asset"}');
        accepted.push(String(req.headers['idempotency-key']));
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((resolve) => erp.listen(port, '127.0.0.1', resolve));
    const config = validateConfig(
      {
        dataDir: join(dir, 'hub'),
        http: { port: 0 },
        security: auth.security,
        connectors: {
          timeout: 500,
          list: [{ kind: 'webhook', name: 'cmms', url: `http://127.0.0.1:${port}/hook`, secret: 'k' }],
        },
      },
      { env: {} },
    );
    hub = new Hub(config, { logger: log, webRoot });
    await hub.start();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await hub?.stop();
    erp?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists dead letters with the reason, retries one and discards one', async () => {
    const d = hub.delivery;
    assert.ok(d);
    d.enqueue({ kind: 'notify.webhook', connector: 'cmms', subject: 'Bearing alarm', body: {} }, 'rule:a:1', []);
    d.enqueue({ kind: 'notify.webhook', connector: 'erp-typo', subject: 'Tool alarm', body: {} }, 'rule:b:1', []);
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await signInBrowser(ctx, hub.address as string, auth.headers, 'engineer');
    const page = await ctx.newPage();
    page.on('dialog', (dlg) => void dlg.accept());
    await page.goto(`${hub.address}/#/delivery`);
    const rows = page.getByTestId('dead-letter');
    await waitFor('two dead letters on the page', async () => (await rows.count()) === 2, 15_000, 200);
    assert.match((await rows.filter({ hasText: 'Bearing alarm' }).textContent()) ?? '', /HTTP 422/);
    assert.match(
      (await rows.filter({ hasText: 'Tool alarm' }).textContent()) ?? '',
      /no webhook connector named "erp-typo"/,
    );
    await page.getByTestId('delivery-connectors').getByRole('cell', { name: 'cmms', exact: true }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'delivery.png'), fullPage: true });

    await rows.filter({ hasText: 'Tool alarm' }).getByRole('button', { name: 'Discard' }).click();
    await page.getByText('Discarded: notify.webhook Tool alarm').waitFor();
    fixed = true;
    await rows.filter({ hasText: 'Bearing alarm' }).getByRole('button', { name: 'Retry' }).click();
    await page.getByText('Queued again: notify.webhook Bearing alarm').waitFor();
    await waitFor('the retried entry delivered', () => accepted.length === 1, 10_000, 100);
    assert.deepEqual(accepted, ['rule:a:1']);
    assert.equal(d.entries('discarded').length, 1);
    await waitFor('no dead letters left on the page', async () => (await rows.count()) === 0, 10_000, 200);
    await ctx.close();
  });
});
