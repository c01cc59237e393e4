import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { validateConfig } from '../../src/config/index.js';
import { DEMO_ASSETS, Hub } from '../../src/hub/index.js';
import { toSegment } from '../../src/model/tag.js';
import { type DemoPlant, startDemoPlant } from '../../src/sim/index.js';
import { signInBrowser, testAuth } from '../helpers/auth.js';
import { browserSuite, buildWeb, launchChromium, SHOTS } from '../helpers/browser.js';
import { freePort, waitFor } from '../helpers/net.js';

const log = pino({ level: process.env.GOTTHARD_TEST_LOG ?? 'silent' });
const CNC1 = 'acme/zurich/machining/line1/cnc1';

/**
 * End to end in a real browser (Debian chromium driven by playwright-core): the dashboard, built
 * by Vite from the current sources, served by a hub that runs the demo plant in-process. Screenshots
 * of every page land in test-results/screenshots/.
 */
describe('dashboard in a real browser', browserSuite(240_000), () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-web-'));
  const webRoot = join(dir, 'web');
  let hub: Hub;
  let browser: Browser;
  const auth = testAuth();
  let page: Page;
  let base: string;
  let plantPort: number;
  let restarted: DemoPlant | undefined;

  before(async () => {
    await buildWeb(webRoot);
    plantPort = await freePort();
    const config = validateConfig(
      {
        dataDir: join(dir, 'hub'),
        assets: DEMO_ASSETS,
        http: { port: 0 },
        historian: { flushInterval: 200 },
        demo: { port: plantPort },
        security: auth.security,
      },
      { env: {} },
    );
    hub = new Hub(config, { logger: log, demo: true, webRoot });
    await hub.start();
    base = hub.address as string;
    browser = await launchChromium();
    // Playwright evaluates the string predicates below with eval, which the hub's Content-Security-Policy
    // forbids (script-src 'self'); the app itself runs under that policy in test/web/auth.test.ts.
    const ctx = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      acceptDownloads: true,
      bypassCSP: true,
    });
    await signInBrowser(ctx, base, auth.headers, 'operator');
    page = await ctx.newPage();
    page.on('pageerror', (e) => log.error({ err: e }, 'page error'));
  });

  after(async () => {
    await browser?.close();
    await hub?.stop();
    await restarted?.stop();
  });

  it('keeps the JavaScript bundle within 400 KB gzipped, with no CDN reference', () => {
    const assets = readdirSync(join(webRoot, 'assets'));
    const js = assets.filter((f) => f.endsWith('.js'));
    const gz = js.reduce((n, f) => n + gzipSync(readFileSync(join(webRoot, 'assets', f))).length, 0);
    assert.ok(gz <= 400 * 1024, `${gz} bytes gzipped`);
    const html = readFileSync(join(webRoot, 'index.html'), 'utf8');
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, 'index.html loads nothing from another origin');
  });

  it('shows every demo machine live on the overview within seconds', async () => {
    const t0 = Date.now();
    await page.goto(`${base}/`);
    // Browser-side code is passed as strings: the test's tsconfig has no DOM types.
    await page.waitForFunction(
      `(() => {
        const tiles = [...document.querySelectorAll('[data-testid="machine-tile"]')];
        return tiles.length >= 8 && tiles.every((t) => /(Running|Idle|Setup|Planned Stop|Fault|Maintenance)/.test(t.textContent));
      })()`,
      undefined,
      { timeout: 30_000 },
    );
    const machines = await Promise.all(
      (await page.locator('[data-testid="machine-tile"]').all()).map((l) => l.getAttribute('data-machine')),
    );
    for (const m of hub.demo?.machines ?? []) {
      const path = `acme/zurich/${toSegment(m.area)}/${toSegment(m.line)}/${toSegment(m.name)}`;
      assert.ok(machines.includes(path), `a tile for ${path} among ${machines.join(', ')}`);
    }
    const firstValue = await page.locator(`[data-testid="key-value"]`).first().textContent();
    assert.match(firstValue ?? '', /\d/, 'key values are shown');
    log.info({ ms: Date.now() - t0 }, 'overview live');
    await page.screenshot({ path: join(SHOTS, 'overview-1280.png') });
  });

  it('opens a machine and sees a live value change', async () => {
    await page.locator(`[data-machine="${CNC1}"]`).click();
    await page.waitForURL(/#\/machine\/acme\/zurich\/machining\/line1\/cnc1/);
    // A machine on a planned break holds its spindle still, so watch every value of the machine.
    const cells = page.locator('[data-testid="tag-value"]');
    await cells.first().waitFor();
    const read = async () => (await cells.allTextContents()).join('|');
    const first = await waitFor('values', async () => {
      const t = await read();
      return /\d/.test(t) ? t : undefined;
    });
    const changed = await waitFor(
      'a live value to change',
      async () => {
        const t = await read();
        return t !== first ? t : undefined;
      },
      30_000,
    );
    assert.notEqual(changed, first);
    await page.locator('[data-testid="trend"] canvas').waitFor();
    await page.waitForTimeout(1500);
    await page.screenshot({ path: join(SHOTS, 'machine-1280.png') });
  });

  it('zooms the trend by dragging across it', async () => {
    const over = page.locator('[data-testid="trend"] .u-over');
    const box = await over.boundingBox();
    assert.ok(box);
    const before = await page.locator('[data-testid="trend-resolution"]').textContent();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2, { steps: 8 });
    await page.mouse.up();
    await page.waitForURL(/from=\d+&to=\d+|to=\d+.*from=\d+|from=\d+.*to=\d+/);
    const url = new URL(page.url().replace('#/', ''));
    const from = Number(url.searchParams.get('from'));
    const to = Number(url.searchParams.get('to'));
    assert.ok(to > from && to - from < 15 * 60_000 * 0.5, `zoomed to ${to - from} ms`);
    assert.equal(await page.locator('[data-testid="range-select"]').inputValue(), 'custom');
    await waitFor('a finer resolution', async () => {
      const now = await page.locator('[data-testid="trend-resolution"]').textContent();
      return now !== before ? now : undefined;
    });
    await page.screenshot({ path: join(SHOTS, 'machine-zoomed-1280.png') });
  });

  it('exports the trend range as CSV with raw rows of the trended tags', async () => {
    await page.locator('[data-testid="range-select"]').selectOption('15m');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-testid="export-csv"]').click(),
    ]);
    const file = join(dir, 'export.csv');
    await download.saveAs(file);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'tag,unit,source_timestamp,local_time,server_timestamp,value,status_code,status');
    // Each trended tag has at least its initial value in the last 15 min (the hub started minutes ago).
    assert.ok(lines.length > 3, `${lines.length - 1} rows`);
    const tags = new Set<string>();
    for (const line of lines.slice(1)) {
      const [tag, , ts, local, , value, code, status] = line.split(',');
      tags.add(tag as string);
      assert.ok((tag as string).startsWith(`${CNC1}/`), line);
      assert.ok(Date.now() - Date.parse(ts as string) < 20 * 60_000, `a recent source timestamp: ${line}`);
      assert.match(local as string, /[+-]\d\d:\d\d$/, 'local time in the plant zone with its offset');
      if (status === 'Good') {
        assert.equal(code, '0');
        assert.ok(Number.isFinite(Number(value)), line);
      }
    }
    assert.deepEqual(
      [...tags].sort(),
      [`${CNC1}/bearing/temperature`, `${CNC1}/spindle/load`, `${CNC1}/spindle/speed`],
      'exactly the trended tags',
    );
  });

  it('searches tags in the explorer and shows metadata and lineage', async () => {
    await page.goto(`${base}/#/tags`);
    await page.locator('[data-testid="tag-search"]').fill('bearing temperature');
    const row = page.locator('[data-testid="tag-results"] tbody tr button', {
      hasText: 'line1/cnc1/bearing/temperature',
    });
    await row.waitFor();
    const rows = await waitFor('the search to narrow', async () => {
      const n = await page.locator('[data-testid="tag-results"] tbody tr').count();
      return n >= 3 && n < 20 ? n : undefined;
    });
    assert.ok(rows >= 3, `${rows} matches for "bearing temperature"`);
    await row.click();
    const detail = page.locator('[data-testid="tag-detail"]');
    await detail.waitFor();
    const text = await detail.textContent();
    assert.match(text ?? '', /nsu=urn:gotthard:demo-plant;s=Machining\.Line1\.CNC1\.Bearing\.Temperature/);
    await page.waitForTimeout(1000);
    await page.screenshot({ path: join(SHOTS, 'tags-1280.png') });
  });

  it('shows a connection go down and come back when the demo plant restarts', async () => {
    await page.goto(`${base}/#/connections`);
    const conn = page.locator('[data-testid="connection"]');
    await waitFor('connected', async () => (await conn.getAttribute('data-state')) === 'connected');
    assert.match(
      (await page.locator('[data-testid="cert-thumbprint"]').textContent()) ?? '',
      /^([0-9A-F]{2}:){19}[0-9A-F]{2}$/,
    );
    await hub.demo?.stop();
    await waitFor(
      'the page to show the loss',
      async () => (await conn.getAttribute('data-state')) !== 'connected',
      30_000,
    );
    await page.screenshot({ path: join(SHOTS, 'connections-down-1280.png') });
    await page.goto(`${base}/#/overview`);
    await page.waitForFunction(`/Communication lost/.test(document.body.textContent)`, undefined, { timeout: 15_000 });
    await page.screenshot({ path: join(SHOTS, 'overview-comm-lost-1280.png') });

    restarted = await startDemoPlant({
      port: plantPort,
      pkiDir: join(dir, 'hub', 'demo-plant', 'pki'),
      logger: log,
    });
    await page.goto(`${base}/#/connections`);
    await waitFor(
      'reconnection shown',
      async () => (await conn.getAttribute('data-state')) === 'connected',
      60_000,
      500,
    );
    await page.waitForFunction(
      `(() => {
        const t = document.querySelector('[data-testid="connection-events"]')?.textContent ?? '';
        return t.includes('connection.lost') && t.includes('connection.restored');
      })()`,
      undefined,
      { timeout: 15_000 },
    );
    await page.screenshot({ path: join(SHOTS, 'connections-1280.png') });
  });

  it('works at tablet width (768 px)', async () => {
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.goto(`${base}/#/overview`);
    await page.waitForFunction(`document.querySelectorAll('[data-testid="machine-tile"]').length >= 8`);
    const overflow = await page.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    assert.ok(overflow <= 0, `no horizontal scroll at 768 px (overflow ${overflow})`);
    await page.waitForTimeout(1500);
    await page.screenshot({ path: join(SHOTS, 'overview-768.png') });
    await page.goto(`${base}/#/machine/${CNC1}`);
    await page.locator('[data-testid="trend"] canvas').waitFor();
    await page.waitForTimeout(1500);
    await page.screenshot({ path: join(SHOTS, 'machine-768.png') });
  });

  it('is keyboard accessible: navigation and tiles are reachable with Tab and open with Enter', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${base}/#/connections`);
    await page.reload();
    await page.waitForSelector('[data-testid="connection"]');
    let reached = false;
    for (let i = 0; i < 15 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate<boolean>(
        `document.activeElement?.getAttribute('href') === '#/overview' && document.activeElement?.closest('nav') !== null`,
      );
    }
    assert.ok(reached, 'the overview link is reachable with Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/overview/);
    await page.locator(`[data-machine="${CNC1}"]`).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/machine\//);
  });
});
