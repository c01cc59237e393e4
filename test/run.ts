/**
 * Runs one test speed: `node --import tsx test/run.ts unit|integration`. First checks that every
 * test file is in exactly one speed (test/speeds.ts); then runs the files with node's test runner,
 * whose TAP reporter ends with the `# pass N` / `# fail N` summary. Exit code: the runner's.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { INTEGRATION, UNIT } from './speeds.js';

/** Every `*.test.ts` below test/, as a posix path from the project root; test/faults has its own runner. */
export function testFiles(root = 'test'): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const path = join(root, entry.name).split('\\').join('/');
    if (entry.isDirectory()) {
      if (path !== 'test/faults') out.push(...testFiles(path));
    } else if (entry.name.endsWith('.test.ts')) out.push(path);
  }
  return out.sort();
}

/** What is wrong with the classification, one line per file; empty when each file is in one speed. */
export function classificationProblems(files: readonly string[]): string[] {
  const problems: string[] = [];
  const unit = new Set(UNIT);
  const integration = new Set(INTEGRATION);
  for (const f of files) {
    if (unit.has(f) && integration.has(f)) problems.push(`${f} is in both UNIT and INTEGRATION`);
    if (!unit.has(f) && !integration.has(f)) problems.push(`${f} is in neither UNIT nor INTEGRATION`);
  }
  const present = new Set(files);
  for (const f of [...unit, ...integration]) if (!present.has(f)) problems.push(`${f} is listed but does not exist`);
  for (const [name, list] of [
    ['UNIT', UNIT],
    ['INTEGRATION', INTEGRATION],
  ] as const) {
    const seen = new Set<string>();
    for (const f of list) {
      if (seen.has(f)) problems.push(`${f} is listed twice in ${name}`);
      seen.add(f);
    }
  }
  return problems;
}

function main(): number {
  const speed = process.argv[2];
  if (speed !== 'unit' && speed !== 'integration') {
    console.error('usage: node --import tsx test/run.ts unit|integration');
    return 2;
  }
  const problems = classificationProblems(testFiles());
  if (problems.length > 0) {
    console.error(`test/speeds.ts does not classify every test file:\n  ${problems.join('\n  ')}`);
    return 1;
  }
  const args =
    speed === 'unit'
      ? // In-process files share nothing (each has its own temporary folders): one per core.
        [
          '--import',
          'tsx',
          '--import',
          './test/unit-guard.ts',
          '--test',
          '--test-reporter=tap',
          `--test-concurrency=${availableParallelism()}`,
          ...UNIT,
        ]
      : ['--import', 'tsx', '--test', '--test-reporter=tap', '--test-concurrency=1', ...INTEGRATION];
  const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) process.exitCode = main();
