/**
 * Data catalog benchmark: quality (Bad/Uncertain share, gaps, stale, flat-line, EURange) of N tags
 * over 24 h from the SQLite historian, as GET /api/v1/catalog computes it (48 buckets per tag).
 * Default 2000 tags × one value a minute (2.9 M values); a few tags have gaps, bad values, flat
 * lines and out-of-range values so every check has work to do.
 *
 *   node --import tsx bench/catalog.ts [tags]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createSqliteHistorian } from '../src/historian/index.js';
import { SampleBatch } from '../src/model/sample.js';
import { buildCatalog } from '../src/security/governance/catalog.js';
import { ConfigGovernance, governanceSchema } from '../src/security/governance/index.js';

const tags = Number(process.argv[2] ?? 2000);
const dir = mkdtempSync(join(tmpdir(), 'gt-bench-catalog-'));
const historian = createSqliteHistorian({ path: join(dir, 'catalog.db'), logger: pino({ level: 'silent' }) });
try {
  await historian.open();
  const now = Date.now();
  const from = now - 86_400_000;
  const keys = await historian.register(
    Array.from({ length: tags }, (_, i) => ({
      id: `acme/zurich/machining/line${i % 50}/cnc${i}/bearing/temperature`,
      assetPath: `acme/zurich/machining/line${i % 50}/cnc${i}`,
      name: 'Temperature',
      dataType: 'Double' as const,
      unit: '°C',
      euRange: { low: 0, high: 120 },
      lineage: { source: 'bench', endpoint: 'opc.tcp://bench:4840', nodeId: `ns=1;s=T${i}` },
    })),
  );
  const t0 = performance.now();
  let b = new SampleBatch(20_000);
  let values = 0;
  for (let m = 0; m < 1440; m++) {
    const ts = from + m * 60_000;
    for (let i = 0; i < tags; i++) {
      if (i % 97 === 1 && m > 600 && m < 700) continue; // a gap
      const flat = i % 89 === 2;
      const value = flat ? 40 : 40 + 10 * Math.sin(m / 50 + i) + (i % 83 === 3 && m === 900 ? 200 : 0);
      const status = i % 79 === 4 && m % 10 === 0 ? 0x40000000 : 0; // Uncertain every 10 min
      b.push(keys[i] as number, ts, ts, value, status);
      values++;
      if (b.length === 20_000) {
        historian.write(b);
        b = new SampleBatch(20_000);
      }
    }
  }
  historian.write(b);
  await historian.flush();
  const ingestMs = performance.now() - t0;
  const governance = new ConfigGovernance(governanceSchema.parse({}));
  const list = await historian.listTags();
  const runs: number[] = [];
  let issues = 0;
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    const entries = await buildCatalog(list, {
      historian,
      governance,
      outbound: ['mqtt:uns'],
      windowMs: 86_400_000,
      buckets: 48,
      staleAfterMs: 15 * 60_000,
      now,
    });
    runs.push(performance.now() - t);
    issues = entries.filter(
      (e) => e.quality.gaps > 0 || e.quality.badShare > 0 || e.quality.flatline || e.quality.outOfRange > 0,
    ).length;
  }
  runs.sort((a, b) => a - b);
  const median = runs[1] as number;
  process.stdout.write(
    `${JSON.stringify({
      tags,
      values,
      ingestMs: Math.round(ingestMs),
      catalogMs: Math.round(median),
      perTagMs: Number((median / tags).toFixed(3)),
      tagsWithIssues: issues,
      rssMB: Math.round(process.memoryUsage().rss / 1e6),
    })}\n`,
  );
} finally {
  await historian.close();
  rmSync(dir, { recursive: true, force: true });
}
