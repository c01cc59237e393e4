/**
 * `npm run test:faults [-- FILE…] [-- --soak MINUTES]`: runs the fault cases under node's test
 * runner, one file at a time. `--soak MINUTES` runs the soak (test/faults/soak.test.ts) for that
 * long instead of the cases; without it the soak file skips itself. Exit code: the test runner's.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const env = { ...process.env };
const files: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i] as string;
  if (a === '--soak') {
    const minutes = Number(args[++i]);
    if (!(minutes > 0)) {
      process.stderr.write(`--soak needs a number of minutes > 0, got "${args[i] ?? ''}"\n`);
      process.exit(2);
    }
    env.GOTTHARD_SOAK_MINUTES = String(minutes);
  } else {
    files.push(a);
  }
}
if (files.length === 0) {
  if (env.GOTTHARD_SOAK_MINUTES) files.push(join(here, 'soak.test.ts'));
  else {
    files.push(
      ...readdirSync(here)
        .filter((f) => f.endsWith('.test.ts') && f !== 'soak.test.ts')
        .sort()
        .map((f) => join(here, f)),
    );
  }
}
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', ...files.map((f) => relative(process.cwd(), f))],
  { stdio: 'inherit', env },
);
process.exit(r.status ?? 1);
