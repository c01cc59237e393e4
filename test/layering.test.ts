import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseConfig from 'dependency-cruiser/config-utl/extract-depcruise-config';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

// The rule file is only worth something if each rule fires: a regex typo would make `npm run lint:deps`
// pass forever. This cruises a small tree written here, with one import per rule that must be refused
// and imports the rules must allow, using the project's own .dependency-cruiser.cjs.

/** importing file → imported files (paths below src/, as the rule regexes see them). */
const TREE: Record<string, string[]> = {
  // refused
  'src/sources/mqtt/source.ts': ['src/uns/index.ts', 'src/model/index.ts', 'src/runtime/backoff.ts'],
  'src/api/routes/pdm.ts': ['src/sim/physics.ts', 'src/security/types.ts', 'src/analytics/kpi/index.ts'],
  'src/security/auth/hook.ts': ['src/api/schemas.ts', 'src/config/types.ts'],
  'src/workflows/engine.ts': ['src/analytics/kpi/tz.ts', 'src/historian/types.ts', 'src/pipeline/types.ts'],
  'src/analytics/history/csv.ts': ['src/analytics/kpi/tz.ts', 'src/analytics/kpi/index.ts'],
  'src/a/one.ts': ['src/b/index.ts'],
  'src/b/index.ts': ['src/a/index.ts'],
  'src/a/index.ts': ['src/a/one.ts'],
  'src/model/sample.ts': ['src/config/types.ts'],
  'src/uns/index.ts': ['src/hub/hub.ts'],
  'src/docs.ts': ['src/config/docs.ts', 'src/api/index.ts'],
  // allowed: the root schema may take a feature's config.ts
  'src/config/schema.ts': ['src/analytics/kpi/config.ts', 'src/config/types.ts'],
  // allowed: the composition root may import every door, and the demo plant
  'src/hub/hub.ts': ['src/sim/index.ts', 'src/sources/opcua/index.ts', 'src/api/index.ts'],
};

const EXPECTED = [
  'sources-not-sinks src/sources/mqtt/source.ts → src/uns/index.ts',
  'api-not-sim src/api/routes/pdm.ts → src/sim/physics.ts',
  'enter-through-index src/api/routes/pdm.ts → src/sim/physics.ts',
  'sim-only-from-composition-root src/api/routes/pdm.ts → src/sim/physics.ts',
  'security-not-api src/security/auth/hook.ts → src/api/schemas.ts',
  'enter-through-index src/security/auth/hook.ts → src/api/schemas.ts',
  'enter-through-index src/workflows/engine.ts → src/analytics/kpi/tz.ts',
  'enter-sibling-through-index src/analytics/history/csv.ts → src/analytics/kpi/tz.ts',
  // a cycle is reported once, at the edge where the cruise closes it
  'no-circular src/a/index.ts → src/a/one.ts',
  'model-is-a-leaf src/model/sample.ts → src/config/types.ts',
  'hub-is-the-top src/uns/index.ts → src/hub/hub.ts',
  'enter-through-index src/uns/index.ts → src/hub/hub.ts',
  'root-through-index src/docs.ts → src/config/docs.ts',
].sort();

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Writes TREE as TypeScript files (each import type-only, as most contract imports are). */
function writeTree(): string {
  const root = mkdtempSync(join(tmpdir(), 'gt-layering-'));
  dirs.push(root);
  const files = new Set([...Object.keys(TREE), ...Object.values(TREE).flat()]);
  for (const file of files) {
    const imports = (TREE[file] ?? []).map((to, i) => {
      let rel = relativeImport(file, to);
      if (!rel.startsWith('.')) rel = `./${rel}`;
      return `import type * as m${i} from '${rel}';\nexport type T${i} = typeof m${i};\n`;
    });
    mkdirSync(join(root, dirname(file)), { recursive: true });
    writeFileSync(join(root, file), `${imports.join('')}export const here = '${file}';\n`);
  }
  writeFileSync(
    join(root, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }),
  );
  return root;
}

/** `to` as a relative ESM specifier from `from`, with the .js extension NodeNext wants. */
function relativeImport(from: string, to: string): string {
  const up = from.split('/').length - 1;
  const common = from.split('/').findIndex((seg, i) => to.split('/')[i] !== seg);
  const ups = up - common;
  const rest = to.split('/').slice(common).join('/').replace(/\.ts$/, '.js');
  return `${ups === 0 ? './' : '../'.repeat(ups)}${rest}`;
}

describe('layering rules (.dependency-cruiser.cjs)', () => {
  it('refuses one import per rule, allows the doors and the listed exceptions, and names file and rule', async () => {
    const root = writeTree();
    const config = await extractDepcruiseConfig(resolve('.dependency-cruiser.cjs'));
    const cwd = process.cwd();
    process.chdir(root); // depcruise resolves the rule paths (^src/…) against the working directory
    let output: ICruiseResult;
    try {
      const res = await cruise(
        ['src'],
        {
          ...config.options,
          ruleSet: { forbidden: config.forbidden ?? [] },
          validate: true,
          tsConfig: { fileName: 'tsconfig.json' },
        },
        {},
        { tsConfig: extractTSConfig('tsconfig.json') },
      );
      output = res.output as ICruiseResult;
    } finally {
      process.chdir(cwd);
    }
    const got = output.summary.violations.map((v) => `${v.rule.name} ${v.from} → ${v.to}`).sort();
    assert.deepEqual(got, EXPECTED);
  });
});
