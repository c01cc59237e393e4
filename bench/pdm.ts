/**
 * Predictive maintenance benchmark: `gotthard pdm evaluate` on the NASA C-MAPSS subsets at hand,
 * as a child process (wall time includes start-up, loading and training). Targets (issue #5):
 * RMSE ≤ 12.5 on FD001 and FD003, under 3 minutes per subset on 2 cores.
 *
 * `node --import tsx bench/pdm.ts [FD001 FD003]`; data from $GOTTHARD_CMAPSS_DIR or ../shared/datasets/cmapss.
 * Prints one JSON line per subset: { subset, n, rmse, score, seconds }.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const subsets = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['FD001', 'FD003'];
const dir = mkdtempSync(join(tmpdir(), 'gt-bench-pdm-'));
try {
  for (const subset of subsets) {
    const t0 = performance.now();
    const out = execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'pdm',
        'evaluate',
        '--subset',
        subset,
        '--plot',
        join(dir, `${subset}.svg`),
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const seconds = (performance.now() - t0) / 1000;
    const last = out.trim().split('\n').pop() ?? '{}';
    const r = JSON.parse(last) as { subset: string; n: number; rmse: number; score: number };
    process.stdout.write(
      `${JSON.stringify({ ...r, seconds: Math.round(seconds * 10) / 10, targetRmse: 12.5, targetSeconds: 180 })}\n`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
