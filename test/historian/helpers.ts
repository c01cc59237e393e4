import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TagDefinition } from '../../src/model/tag.js';

/** A fresh temp directory, removed by the returned cleanup. */
export function tempDir(prefix = 'gotthard-historian-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function tagDef(id: string, extra: Partial<TagDefinition> = {}): TagDefinition {
  return {
    id,
    assetPath: id.split('/').slice(0, -1).join('/'),
    name: id.split('/').pop() ?? id,
    dataType: 'Double',
    lineage: { source: 'test', endpoint: 'opc.tcp://localhost:4840', nodeId: `ns=1;s=${id}` },
    ...extra,
  };
}

/** Deterministic PRNG (mulberry32) so property tests are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
