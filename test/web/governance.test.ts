import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { validateConfig } from '../../src/config/index.js';
import { DEMO_ASSETS, Hub } from '../../src/hub/index.js';
import { readEntries } from '../../src/security/audit/index.js';
import { signInBrowser, testAuth } from '../helpers/auth.js';
import { browserSuite, buildWeb, launchChromium, SHOTS } from '../helpers/browser.js';
import { freePort, waitFor } from '../helpers/net.js';

const log = pino({ level: process.env.GOTTHARD_TEST_LOG ?? 'silent' });
const POWER = 'acme/zurich/machining/line1/cnc1/energy/power';

/**
 * The data catalog, certificate trust and audit pages in a real browser (Debian chromium), built
 * by Vite from the current sources, served by a hub with the demo plant and the embedded broker.
 */
describe('catalog, certificates and audit pages', browserSuite(240_000), () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-web-gov-'));
  const webRoot = join(dir, 'web');
  const auth = testAuth();
  let hub: Hub;
  let browser: Browser;
  let page: Page;
  let base: string;

  before(async () => {
    await buildWeb(webRoot);
    const config = validateConfig(
      {
        dataDir: join(dir, 'hub'),
        assets: DEMO_ASSETS,
        http: { port: 0 },
        historian: { flushInterval: 200 },
        demo: { port: await freePort() },
        uns: { broker: { mode: 'embedded', port: await freePort() } },
        governance: {
          rules: [{ tags: 'acme/**/energy/*', classification: 'confidential', owner: 'Energy management' }],
        },
        security: auth.security,
      },
      { env: {} },
    );
    hub = new Hub(config, { logger: log, demo: true, webRoot });
    await hub.start();
    base = hub.address as string;
    await waitFor('demo tags', async () => (await hub.historian.listTags()).length > 100, 60_000);
    browser = await launchChromium();
    const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await signInBrowser(ctx, base, auth.headers, 'admin');
    page = await ctx.newPage();
    page.on('pageerror', (e) => log.error({ err: e }, 'page error'));
    page.on('dialog', (d) => void d.accept());
  });

  after(async () => {
    await browser?.close();
    await hub?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the catalog shows lineage, governance, sinks and quality for every demo tag', async () => {
    const tags = await hub.historian.listTags();
    await page.goto(`${base}/#/catalog`);
    await page.waitForSelector('[data-testid="catalog-row"]', { timeout: 30_000 });
    // Browser-side code is passed as a string: the test's tsconfig has no DOM types.
    const rows = (await page.evaluate(`[...document.querySelectorAll('[data-testid="catalog-row"]')].map((e) => ({
      tag: e.getAttribute('data-tag'),
      lineage: e.querySelector('[data-testid="lineage"]')?.textContent ?? '',
      quality: e.querySelector('[data-testid="quality"]')?.textContent ?? '',
      mqtt: e.querySelector('[data-sink="mqtt:uns"]')?.getAttribute('data-flows'),
    }))`)) as { tag: string | null; lineage: string; quality: string; mqtt: string | null }[];
    assert.deepEqual(rows.map((r) => r.tag).sort(), tags.map((t) => t.id).sort(), 'one row per tag');
    const endpoint = hub.demo?.endpointUrl as string;
    for (const r of rows) {
      if (r.tag?.includes('/health/')) continue; // derived by the health model
      assert.ok(r.lineage.includes(endpoint), `${r.tag}: endpoint in lineage`);
      assert.match(r.lineage, /nsu=urn:gotthard:demo-plant;s=/, `${r.tag}: NodeId in lineage`);
      assert.notEqual(r.quality.trim(), '', `${r.tag}: quality shown`);
    }
    const power = rows.find((r) => r.tag === POWER);
    assert.equal(power?.mqtt, 'false', 'the confidential tag is shown as withheld from the broker');
    assert.equal(rows.find((r) => r.tag?.endsWith('cnc1/spindle/speed'))?.mqtt, 'true');
    await page.screenshot({ path: join(SHOTS, 'catalog-1400.png') });
  });

  it('rejects and re-trusts the demo plant certificate from the certificates page; both changes are audited', async () => {
    await page.goto(`${base}/#/certificates`);
    await page.waitForSelector('[data-testid="own-cert"]', { timeout: 20_000 });
    assert.match((await page.locator('[data-testid="own-days-left"]').textContent()) ?? '', /days left/);
    const trusted = page.locator('[data-testid="cert-row"][data-status="trusted"]').first();
    const thumb = (await trusted.getAttribute('data-thumbprint')) as string;
    await trusted.getByRole('button', { name: 'Reject' }).click();
    await page.waitForSelector(`[data-testid="cert-row"][data-status="rejected"][data-thumbprint="${thumb}"]`);
    await page
      .locator(`[data-testid="cert-row"][data-thumbprint="${thumb}"]`)
      .getByRole('button', { name: 'Trust' })
      .click();
    await page.waitForSelector(`[data-testid="cert-row"][data-status="trusted"][data-thumbprint="${thumb}"]`);
    await page.screenshot({ path: join(SHOTS, 'certificates-1400.png') });
    const entries = readEntries(join(dir, 'hub', 'audit', 'audit.log')).filter((e) => e.target === thumb);
    assert.deepEqual(
      entries.map((e) => [e.action, e.outcome]),
      [
        ['pki.reject', 'ok'],
        ['pki.trust', 'ok'],
      ],
    );
    assert.match(entries[0]?.actor ?? '', /^user:admin-/);
  });

  it('the audit page lists the trust changes and verifies the chain', async () => {
    await page.goto(`${base}/#/audit`);
    await page.waitForSelector('[data-testid="audit-row"][data-action="pki.reject"]', { timeout: 20_000 });
    await page.getByTestId('audit-verify').click();
    await page.waitForSelector('[data-testid="audit-verification"][data-ok="true"]');
    assert.match((await page.getByTestId('audit-verification').textContent()) ?? '', /Chain intact/);
    await page.screenshot({ path: join(SHOTS, 'audit-1400.png') });
  });
});
