import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { validateConfig } from '../../src/config/index.js';
import { DEMO_ASSETS, Hub } from '../../src/hub/index.js';
import { signInBrowser, testAuth } from '../helpers/auth.js';
import { browserSuite, buildWeb, launchChromium, SHOTS } from '../helpers/browser.js';
import { freePort, waitFor } from '../helpers/net.js';

const log = pino({ level: process.env.GOTTHARD_TEST_LOG ?? 'silent' });
const CNC2 = 'acme/zurich/machining/line1/cnc2';

/**
 * No KPI tile or chart shows a value above its bound without its flag (docs/kpi.md, plausibility
 * flags). CNC2 is configured with a wrong time base (timeScale 0.01: its ideal cycle time taken 100×
 * too long), so its effectiveness and OEE are far above 100 %: the page must show them as computed,
 * marked and explained, in the tiles and in the machine comparison.
 */
describe('KPI plausibility flags in a real browser', browserSuite(240_000), () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-web-kpi-flags-'));
  const webRoot = join(dir, 'web');
  let hub: Hub;
  let browser: Browser;
  const auth = testAuth();
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
        // At speed 10 CNC2 makes a part every few seconds; its timeScale 0.01 overrides the demo’s 10.
        demo: { port: await freePort(), speed: 10 },
        kpi: {
          enabled: true,
          shifts: [{ name: 'day', start: '00:00', end: '00:00' }],
          machines: [{ asset: CNC2, timeScale: 0.01 }],
        },
        security: auth.security,
      },
      { env: {} },
    );
    const today = new Date();
    const demoSimStart = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate(), 7);
    hub = new Hub(config, { logger: log, demo: true, webRoot, demoSimStart });
    await hub.start();
    base = hub.address as string;
    browser = await launchChromium();
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await signInBrowser(ctx, base, auth.headers, 'viewer');
    page = await ctx.newPage();
  });

  after(async () => {
    await browser?.close();
    await hub?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows a figure above 100 % with its flag and reason, in the tiles and the machine comparison', async () => {
    const api = await waitFor(
      'CNC2 produced parts',
      async () => {
        const r = await fetch(`${base}/api/v1/kpi/summary?asset=${CNC2}&shift=current`, { headers: auth.headers });
        const s = (await r.json()) as {
          kpis?: { pq: number; oee: number | null; flags: { kpi: string; reason: string }[] };
        };
        return (s.kpis?.pq ?? 0) >= 2 && (s.kpis?.oee ?? 0) > 1 ? s.kpis : undefined;
      },
      120_000,
      1000,
    );
    assert.ok(
      api.flags.some((f) => f.kpi === 'oee' && f.reason === 'idealCycleTime'),
      JSON.stringify(api.flags),
    );
    await page.goto(`${base}/#/kpi/${CNC2}`);
    const tile = page.locator('[data-testid="kpi-oee"]');
    await waitFor(
      'the flagged OEE tile',
      async () => ((await tile.getAttribute('data-flags')) ? true : undefined),
      30_000,
    );
    assert.match((await tile.getAttribute('data-flags')) ?? '', /idealCycleTime/);
    assert.match((await tile.getAttribute('class')) ?? '', /kpi-warning/);
    const text = (await tile.locator('.kpi-value').textContent()) ?? '';
    assert.match(text, /^! [\d,]+\.\d %$/, `shown as computed, marked: ${text}`);
    assert.match((await tile.getAttribute('title')) ?? '', /ideal cycle time/);
    const eff = page.locator('[data-testid="kpi-effectiveness"]');
    assert.match((await eff.getAttribute('data-flags')) ?? '', /idealCycleTime/);
    await page.screenshot({ path: join(SHOTS, 'kpi-flags-1280.png'), fullPage: true });

    // On the line, every comparison figure above 100 % carries its flag.
    await page.goto(`${base}/#/kpi/acme/zurich/machining/line1`);
    const cells = page.locator('[data-testid="compare-oee"]');
    await cells.first().waitFor({ timeout: 30_000 });
    let above = 0;
    for (const c of await cells.all()) {
      const t = (await c.textContent()) ?? '';
      const v = Number(t.replace(/[!%,\s]/g, ''));
      if (v > 100) {
        above++;
        assert.ok((await c.getAttribute('data-flags')) !== null, `comparison value ${t} without its flag`);
        assert.match(t, /^! /);
      }
    }
    assert.ok(above >= 1, 'CNC2 is above 100 % in the comparison');
  });
});
