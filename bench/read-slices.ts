/**
 * Event-loop delay of the hub process while reads run on the SQLite historian: 16 concurrent trend-like
 * aggregates over 2 days of 1 Hz for 16 tags (every chunk decoded), once with queries that give the
 * loop back every 10 ms (`readSliceMs`, the default) and once effectively without (`readSliceMs:
 * 1000`, what the engine did before issue 15). Figures for docs/architecture.md, "Collection vs reads".
 *
 *   node --import tsx bench/read-slices.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createSqliteHistorian } from '../src/historian/index.js';
import { SampleBatch } from '../src/model/sample.js';
import type { BenchResult } from './series.js';

const DAY = 86_400_000;
const TAGS = 16;

export async function benchReadSlices(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'gt-slices-'));
  const path = join(dir, 'h.db');
  const t0 = Date.UTC(2026, 0, 1);
  {
    const h = createSqliteHistorian({ path, sealValues: 100_000 });
    await h.open();
    const keys = await h.register(
      Array.from({ length: TAGS }, (_, i) => ({
        id: `acme/zurich/a/l/m/t${i}`,
        assetPath: 'acme/zurich/a/l/m',
        name: `t${i}`,
        dataType: 'Double' as const,
        lineage: { source: 'bench', endpoint: 'opc.tcp://bench:4840', nodeId: `ns=1;s=t${i}` },
      })),
    );
    for (let hour = 0; hour < 48; hour++) {
      const b = new SampleBatch();
      for (let s = 0; s < 3600; s++) {
        const ts = t0 + hour * 3_600_000 + s * 1000;
        for (const k of keys) b.push(k, ts, ts, Math.sin(s / 100) * 10 + (k % 7), 0);
      }
      h.write(b);
      await h.flush();
    }
    await h.close();
  }
  const out: BenchResult[] = [];
  for (const [label, readSliceMs] of [
    ['without slices (before)', 1000],
    ['sliced every 10 ms (after)', 10],
  ] as const) {
    const h = createSqliteHistorian({ path, readSliceMs });
    await h.open();
    const tags = await h.listTags();
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const started = performance.now();
    await Promise.all(
      tags.map((t) =>
        h.aggregate({
          tagKey: t.key,
          from: t0,
          to: t0 + 2 * DAY,
          bucketMs: 69_001,
          fns: ['min', 'max', 'first', 'last'],
        }),
      ),
    );
    const wall = performance.now() - started;
    // The monitor records a delay when its timer finally runs: give it the turn the reads held up.
    await new Promise((r) => setTimeout(r, 50));
    loop.disable();
    await h.close();
    const p99 = Math.round(loop.percentile(99) / 1e4) / 100;
    const max = Math.round(loop.max / 1e4) / 100;
    const p50 = Math.round(loop.percentile(50) / 1e4) / 100;
    process.stderr.write(
      `  ${label}: ${Math.round(wall)} ms for ${TAGS} trends, event-loop delay p50 ${p50} ms, p99 ${p99} ms, max ${max} ms over ${loop.count} samples\n`,
    );
    out.push(
      { name: `SQLite reads ${label}: event-loop delay p99`, value: p99, unit: 'ms' },
      { name: `SQLite reads ${label}: event-loop delay max`, value: max, unit: 'ms' },
      { name: `SQLite reads ${label}: 16 trends over 2 days of 1 Hz`, value: Math.round(wall), unit: 'ms' },
    );
  }
  rmSync(dir, { recursive: true, force: true });
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await benchReadSlices()) process.stdout.write(`${r.name}: ${r.value} ${r.unit}\n`);
}
