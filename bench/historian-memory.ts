/**
 * Historian memory per tag: registers N tags (shaped like OPC UA discovery's definitions), writes a
 * few values to each, and reports the heap + ArrayBuffer bytes the catalog and the in-memory
 * per-tag state cost, per tag. Needs --expose-gc:
 *
 *   node --expose-gc --import tsx bench/historian-memory.ts [tags=100000] [valuesPerTag=3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteHistorian } from '../src/historian/index.js';
import { SampleBatch } from '../src/model/sample.js';
import type { TagDefinition } from '../src/model/tag.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');
const tags = Number(process.argv[2] ?? 100_000);
const perTag = Number(process.argv[3] ?? 3);

function used(): number {
  for (let i = 0; i < 3; i++) gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const defs: TagDefinition[] = [];
for (let i = 0; i < tags; i++) {
  const asset = `acme/zurich/machining/line${i % 10}/cnc${Math.floor(i / 10) % 100}`;
  defs.push({
    id: `${asset}/sensor_${i}`,
    assetPath: asset,
    name: `Sensor ${i}`,
    dataType: 'Double',
    lineage: {
      source: 'demo-plant',
      endpoint: 'opc.tcp://localhost:4840',
      nodeId: `nsu=urn:gotthard:demo-plant;s=Line.Sensor${i}`,
      browsePath: `/Objects/DemoPlant/Sensor${i}`,
    },
    ...(i % 3 === 0 ? { unit: '°C' } : {}),
    ...(i % 5 === 0 ? { euRange: { low: 0, high: 100 } } : {}),
  });
}

const dir = mkdtempSync(join(tmpdir(), 'gt-hist-mem-'));
try {
  const h = createSqliteHistorian({ path: join(dir, 'h.db'), flushIntervalMs: 60_000 });
  await h.open();
  const m0 = used();
  const keys = await h.register(defs);
  const m1 = used();
  const t0 = Date.UTC(2026, 0, 1);
  for (let r = 0; r < perTag; r++) {
    const b = new SampleBatch(tags);
    for (let i = 0; i < tags; i++) b.push(keys[i] as number, t0 + r * 1000, t0 + r * 1000 + 2, i / 10 + r, 0);
    h.write(b);
    await h.flush();
  }
  const m2 = used();
  console.log(`catalog: ${((m1 - m0) / tags).toFixed(0)} B/tag (records in tagsById/tagsByKey)`);
  console.log(`state:   ${((m2 - m1) / tags).toFixed(0)} B/tag (${perTag} values each, open buffers + latest)`);
  console.log(`state less row data (${perTag} × 28 B): ${((m2 - m1) / tags - perTag * 28).toFixed(0)} B/tag`);
  await h.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
