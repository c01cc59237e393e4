import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { validateConfig } from '../../src/config/index.js';
import { demoConfig, demoWorkflows, Hub } from '../../src/hub/index.js';
import type { WorkOrder } from '../../src/workflows/index.js';
import { signInBrowser, testAuth } from '../helpers/auth.js';
import { browserSuite, buildWeb, launchChromium, SHOTS } from '../helpers/browser.js';
import { freePort, waitFor } from '../helpers/net.js';

const log = pino({ level: process.env.GOTTHARD_TEST_LOG ?? 'silent' });
const SPEED = 600;
const CNC1 = 'acme/zurich/machining/line1/cnc1';

/**
 * The maintenance page in a real browser, on the accelerated demo with its shipped rules but manual
 * execution: the automatically planned work order shows in the calendar inside a downtime window and
 * in the table; an operator starts and completes it with the page's buttons, which calls ResetWear
 * on the demo plant through the guarded path.
 */
describe('maintenance page in a real browser', browserSuite(240_000), () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-web-maint-'));
  const webRoot = join(dir, 'web');
  const auth = testAuth();
  let hub: Hub;
  let browser: Browser;
  let page: Page;

  before(async () => {
    await buildWeb(webRoot);
    const raw = demoConfig(SPEED);
    const config = validateConfig(
      {
        ...raw,
        dataDir: join(dir, 'hub'),
        http: { port: 0 },
        historian: { flushInterval: 200 },
        demo: { port: await freePort(), seed: 42, speed: SPEED },
        workflows: { ...demoWorkflows(SPEED), execution: 'manual' },
        security: auth.security,
      },
      { env: {} },
    );
    hub = new Hub(config, { logger: log, demo: true, webRoot });
    await hub.start();
    browser = await launchChromium();
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await signInBrowser(ctx, hub.address as string, auth.headers, 'operator');
    page = await ctx.newPage();
    page.on('pageerror', (e) => log.error({ err: e }, 'page error'));
  });

  after(async () => {
    await browser?.close();
    await hub?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the planned work order in the calendar and completes it from the page', async () => {
    const planned = await waitFor(
      'a planned bearing work order',
      async () => {
        const r = await fetch(`${hub.address}/api/v1/workorders?active=true`, { headers: auth.headers });
        const { workOrders } = (await r.json()) as { workOrders: WorkOrder[] };
        return workOrders.find((w) => w.asset === CNC1 && w.status === 'planned');
      },
      90_000,
      500,
    );
    await page.goto(`${hub.address}/#/maintenance?range=8h`);
    const row = page.locator('[data-testid="workorders"] tr', { hasText: planned.id });
    await row.waitFor({ timeout: 15_000 });
    assert.match((await row.textContent()) ?? '', /Planned/);
    await page.locator('[data-testid="calendar-workorder"]').first().waitFor({ timeout: 15_000 });
    assert.ok((await page.locator('[data-testid="calendar-window"]').count()) > 0, 'downtime windows drawn');
    await page.screenshot({ path: join(SHOTS, 'maintenance.png'), fullPage: true });

    await page.locator('[data-testid="calendar-workorder"]').first().click();
    await page.locator('[data-testid="workorder-detail"]', { hasText: 'bearing/wear' }).waitFor({ timeout: 10_000 });

    await row.getByRole('button', { name: `Start ${planned.id}` }).click();
    await page.locator('[data-testid="workorders"] tr[data-status="in_progress"]', { hasText: planned.id }).waitFor();
    await row.getByRole('button', { name: `Complete ${planned.id}` }).click();
    await page.locator('[data-testid="workorders"] tr[data-status="done"]', { hasText: planned.id }).waitFor();

    const sim = hub.demo!.simulation.get('Machining.Line1.CNC1')!;
    const history = await waitFor('the completion call in the history', async () => {
      const r = await fetch(`${hub.address}/api/v1/workorders/${planned.id}`, { headers: auth.headers });
      const b = (await r.json()) as { history: { actor: string; status: string; note?: string }[] };
      return b.history.some((h) => /ResetWear/.test(h.note ?? '')) ? b.history : undefined;
    });
    assert.match(history.find((h) => /ResetWear/.test(h.note ?? ''))!.note!, /ResetWear: Good/);
    assert.ok(
      history.some((h) => h.status === 'done' && h.actor.startsWith('user:operator-')),
      'completed by the signed-in operator',
    );
    assert.ok(Number(sim.values['Bearing.Wear']) < 5, `wear after completion: ${sim.values['Bearing.Wear']}`);
    await page.screenshot({ path: join(SHOTS, 'maintenance-done.png'), fullPage: true });
  });

  it('lets an engineer edit a rule: errors named by path, a valid edit stored as a new version', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await signInBrowser(ctx, hub.address as string, auth.headers, 'engineer');
    const p = await ctx.newPage();
    await p.goto(`${hub.address}/#/maintenance`);
    const row = p.locator('[data-testid="rules"] tr', { hasText: 'Spindle bearing worn' });
    await row.waitFor({ timeout: 15_000 });
    assert.match((await row.textContent()) ?? '', /bearing\/wear > 60 \(clear 40\)/);
    await row.getByRole('button', { name: 'Edit' }).click();
    const box = p.locator('#rule-json');
    const rule = JSON.parse(await box.inputValue()) as { trigger: Record<string, unknown> };
    rule.trigger.clear = 70;
    await box.fill(JSON.stringify(rule));
    await p.getByRole('button', { name: 'Save as new version' }).click();
    const alert = p.locator('[data-testid="rules"] [role="alert"]');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /trigger\.clear: clear \(70\) must not be above `above` \(60\)/);
    rule.trigger.clear = 45;
    await box.fill(JSON.stringify(rule));
    await p.getByRole('button', { name: 'Save as new version' }).click();
    await p.locator('[data-testid="rules"] tr', { hasText: 'clear 45' }).waitFor({ timeout: 10_000 });
    const r = await fetch(`${hub.address}/api/v1/rules/bearing-wear`, { headers: auth.headers });
    const got = (await r.json()) as { version: number; versions: { source: string; actor: string }[] };
    assert.equal(got.version, 2);
    assert.equal(got.versions[0]?.source, 'api');
    assert.match(got.versions[0]!.actor, /^user:engineer-/);
    await ctx.close();
  });
});
