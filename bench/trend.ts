/**
 * Dashboard benchmark: a 30-day trend of one 1 Hz tag (≈ 2.6 M stored values) through the HTTP route
 * GET /api/v1/trend, downsampled to ≤ 2000 points (target < 300 ms), against reading every raw value
 * (what a trend without server-side downsampling would have to move); and the dashboard's gzipped
 * JavaScript bundle (target ≤ 400 KB).
 *
 *   node --import tsx bench/trend.ts
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { pino } from 'pino';
import { buildApi } from '../src/api/index.js';
import type { HubView } from '../src/api/types.js';
import { DEFAULT_WEB_ROOT } from '../src/api/web.js';
import { createSqliteHistorian } from '../src/historian/index.js';
import { buildAssetTree } from '../src/model/assets.js';
import { SampleBatch } from '../src/model/sample.js';
import { AuthService, securitySchema } from '../src/security/auth/index.js';

import type { BenchResult } from './series.js';

const T0 = Date.UTC(2026, 0, 1);
const TAG = 'acme/zurich/machining/line1/cnc1/bearing/temperature';

/** 30-day, 1 Hz trend via the HTTP route (median of 7), with the raw read as the baseline. */
export async function benchTrend(opts: { days?: number } = {}): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'gt-bench-trend-'));
  const log = pino({ level: 'silent' });
  const historian = createSqliteHistorian({ path: join(dir, 'trend.db'), logger: log });
  try {
    await historian.open();
    const [key] = await historian.register([
      {
        id: TAG,
        assetPath: 'acme/zurich/machining/line1/cnc1',
        name: 'Temperature',
        dataType: 'Double',
        unit: '°C',
        lineage: { source: 'bench', endpoint: 'opc.tcp://bench:4840', nodeId: 'ns=1;s=T' },
      },
    ]);
    const n = Math.round((opts.days ?? 30) * 86_400);
    let level = 50;
    let seed = 11;
    const rnd = () => {
      seed = (seed * 1_103_515_245 + 12_345) >>> 0;
      return seed / 4_294_967_296;
    };
    let b = new SampleBatch(10_000);
    for (let i = 0; i < n; i++) {
      level += (rnd() - 0.5) * 0.4;
      const ts = T0 + i * 1000;
      b.push(key as number, ts, ts + 2, Math.round((level + (rnd() - 0.5) * 0.6) * 10) / 10, 0);
      if (b.length === 10_000) {
        historian.write(b);
        b = new SampleBatch(10_000);
        if (i % 1_000_000 < 10_000) await historian.flush();
      }
    }
    historian.write(b);
    await historian.sealNow();

    const hub: HubView = {
      historian,
      health: () => ({
        status: 'ok',
        version: 'bench',
        startedAt: T0,
        sources: [],
        historian: historian.stats(),
        ingest: { valuesPerSecond: 0, totalValues: 0 },
      }),
      assetTree: async () => buildAssetTree({ enterprise: { id: 'acme' }, sites: [] }, await historian.listTags()),
    };
    const token = randomBytes(32).toString('base64url');
    const auth = await AuthService.open({
      dataDir: dir,
      config: securitySchema.parse({ tokens: [{ name: 'bench', role: 'viewer', secret: token }] }),
      logger: log,
      env: {},
    });
    const app = await buildApi(hub, { logger: log, version: 'bench', webRoot: false, auth });
    const url = `/api/v1/trend?tag=${TAG}&from=${T0}&to=${T0 + n * 1000}&maxPoints=2000`;
    const times: number[] = [];
    let points = 0;
    for (let k = 0; k < 7; k++) {
      const t = performance.now();
      const r = await app.inject({ url, headers: { authorization: `Bearer ${token}` } });
      times.push(performance.now() - t);
      if (r.statusCode !== 200) throw new Error(`trend route answered ${r.statusCode}: ${r.body}`);
      points = (r.json() as { series: { t: number[] }[] }).series[0]?.t.length ?? 0;
    }
    await app.close();
    auth.close();
    if (points > 2000) throw new Error(`${points} points, more than the 2000 asked for`);
    times.sort((a, c) => a - c);
    const ms = times[3] as number;

    // Baseline: every raw value of the range, as a trend without downsampling would need.
    const t = performance.now();
    let cursor: string | undefined;
    let rows = 0;
    do {
      const page = await historian.raw({ tagKey: key as number, from: T0, to: T0 + n * 1000, limit: 100_000, cursor });
      rows += page.samples.length;
      cursor = page.next;
    } while (cursor);
    const rawMs = performance.now() - t;

    return [
      {
        name: `trend via GET /api/v1/trend, ${(n / 1e6).toFixed(2)}M values (30 d at 1 Hz) → ${points} points (target < 300 ms)`,
        value: Math.round(ms * 10) / 10,
        unit: 'ms',
        baseline: Math.round(rawMs),
        ratio: Math.round((ms / rawMs) * 1000) / 1000,
      },
      { name: `trend raw read of the same ${rows} values (baseline)`, value: Math.round(rawMs), unit: 'ms' },
    ];
  } finally {
    await historian.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Gzipped size of the dashboard's JavaScript (needs `npm run build` or `npm ci` first). */
export function benchBundle(root = DEFAULT_WEB_ROOT): BenchResult[] {
  const assets = join(root, 'assets');
  if (!existsSync(assets)) return [];
  const files = readdirSync(assets);
  const gz = (ext: string) =>
    files.filter((f) => f.endsWith(ext)).reduce((s, f) => s + gzipSync(readFileSync(join(assets, f))).length, 0);
  return [
    {
      name: 'dashboard JavaScript bundle, gzipped (target ≤ 400 KB)',
      value: Math.round(gz('.js') / 102.4) / 10,
      unit: 'KB',
    },
    { name: 'dashboard CSS, gzipped', value: Math.round(gz('.css') / 102.4) / 10, unit: 'KB' },
  ];
}

/**
 * First meaningful paint of the overview on localhost (target < 1.5 s): a hub with the demo plant
 * serving the built app; a fresh browser context per round loads `/` and the clock stops when every
 * machine tile shows its state. Median of 5. Needs Debian's chromium and a built app.
 */
export async function benchFirstPaint(root = DEFAULT_WEB_ROOT): Promise<BenchResult[]> {
  const chromiumPath = '/usr/bin/chromium';
  if (!existsSync(join(root, 'index.html')) || !existsSync(chromiumPath)) return [];
  const { chromium } = await import('playwright-core');
  const { validateConfig } = await import('../src/config/index.js');
  const { DEMO_ASSETS, Hub } = await import('../src/hub/index.js');
  const dir = mkdtempSync(join(tmpdir(), 'gt-bench-paint-'));
  const token = randomBytes(32).toString('base64url');
  const config = validateConfig(
    {
      dataDir: dir,
      assets: DEMO_ASSETS,
      http: { port: 0 },
      demo: { port: 48_000 + Math.floor(Math.random() * 1000) },
      security: { tokens: [{ name: 'bench', role: 'admin', secret: token }] },
    },
    { env: {} },
  );
  const hub = new Hub(config, { logger: pino({ level: 'silent' }), demo: true, webRoot: root });
  await hub.start();
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    // Wait until the hub has values for every machine, as a user opening the page a bit after start would.
    for (let i = 0; i < 100 && (hub.health().sources[0]?.valuesReceived ?? 0) < 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    // A viewer signs in before the clock starts (the page then loads as for a signed-in user).
    const password = randomBytes(18).toString('base64url');
    const created = await fetch(`${hub.address}/api/v1/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench-viewer', role: 'viewer', password }),
    });
    if (created.status !== 201) throw new Error(`creating the bench user: HTTP ${created.status}`);
    const times: number[] = [];
    const fcps: number[] = [];
    for (let round = 0; round < 5; round++) {
      // bypassCSP: the string predicate below is evaluated with eval, which the hub's CSP forbids.
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
      const login = await ctx.request.post(`${hub.address}/api/v1/auth/login`, {
        data: { name: 'bench-viewer', password },
      });
      if (login.status() !== 200) throw new Error(`bench sign-in: HTTP ${login.status()}`);
      const page = await ctx.newPage();
      const t = performance.now();
      await page.goto(hub.address as string);
      // Browser-side code as strings: this tsconfig has no DOM types.
      await page.waitForFunction(
        `(() => {
          const tiles = [...document.querySelectorAll('[data-testid="machine-tile"]')];
          return tiles.length >= 8 && tiles.every((t) => /Running|Idle|Setup|Planned Stop|Fault|Maintenance/.test(t.textContent));
        })()`,
        undefined,
        { timeout: 15_000 },
      );
      times.push(performance.now() - t);
      fcps.push(
        (await page.evaluate(
          `performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint')?.startTime ?? -1`,
        )) as number,
      );
      await ctx.close();
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    return [
      {
        name: 'overview first meaningful paint: every machine tile with its state (target < 1.5 s)',
        value: Math.round(median(times)),
        unit: 'ms',
      },
      { name: 'overview first contentful paint (browser timing)', value: Math.round(median(fcps)), unit: 'ms' },
    ];
  } finally {
    await browser.close();
    await hub.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Everything the dashboard measures, for bench/run.ts. */
export async function benchDashboard(): Promise<BenchResult[]> {
  return [...(await benchTrend()), ...benchBundle(), ...(await benchFirstPaint())];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await benchDashboard()) {
    console.log(
      `${r.name}: ${r.value} ${r.unit}${r.baseline !== undefined ? ` (baseline ${r.baseline}, ratio ${r.ratio})` : ''}`,
    );
  }
}
