import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import {
  CMAPSS_DIR_ENV,
  evaluateSubset,
  evaluationSvg,
  loadCmapssSubset,
  RUL_MODEL_DEFAULTS,
  resolveCmapssDir,
} from '../../analytics/pdm/index.js';
import { intOption } from '../options.js';

function conditionsOption(v: string): number | 'auto' {
  if (v === 'auto') return v;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 20) {
    throw new InvalidArgumentError(`--conditions expects "auto" or an integer 1..20, got "${v}"`);
  }
  return n;
}

export function registerPdm(program: Command): void {
  const pdm = program.command('pdm').description('Predictive maintenance: validate the RUL model offline');
  pdm
    .command('evaluate')
    .description(
      'Train on train_<SUBSET>.txt of NASA C-MAPSS, predict the RUL at the last cycle of each test unit, score ' +
        'against RUL_<SUBSET>.txt (RUL cap 125, RMSE, PHM08 score). Progress on stderr; the last stdout line is JSON ' +
        '{"subset","n","rmse","score"}.',
    )
    .option('--data <dir>', `C-MAPSS folder (default $${CMAPSS_DIR_ENV}, else ../shared/datasets/cmapss)`)
    .option('--subset <name>', 'subset, e.g. FD001 … FD004', 'FD001')
    .option('--plot <file>', 'SVG of predicted vs true RUL per unit (default ./pdm-<subset>.svg)')
    .option('--ensemble <n>', 'models in the ensemble', intOption('--ensemble'), RUL_MODEL_DEFAULTS.ensemble)
    .option('--seed <n>', 'seed of the first model', intOption('--seed'), RUL_MODEL_DEFAULTS.seed)
    .option('--window <cycles>', 'feature window', intOption('--window'), RUL_MODEL_DEFAULTS.window)
    .option('--conditions <k>', 'operating conditions: auto or a number (FD002/FD004: 6)', conditionsOption, 'auto')
    .action(
      (o: {
        data?: string;
        subset: string;
        plot?: string;
        ensemble: number;
        seed: number;
        window: number;
        conditions: number | 'auto';
      }) => {
        if (o.ensemble < 1 || o.window < 2) {
          throw new InvalidArgumentError('--ensemble must be ≥ 1 and --window ≥ 2');
        }
        const started = performance.now();
        const elapsed = (): string => `${((performance.now() - started) / 1000).toFixed(1)} s`;
        const dir = resolveCmapssDir(o.data);
        const subset = loadCmapssSubset(dir, o.subset);
        process.stderr.write(
          `${o.subset}: ${subset.train.length} training units, ${subset.test.length} test units (from ${dir})\n`,
        );
        let lastReport = 0;
        const result = evaluateSubset(
          subset,
          { ensemble: o.ensemble, seed: o.seed, window: o.window, conditions: o.conditions },
          (stage, done, total) => {
            const now = performance.now();
            if (done === total || now - lastReport > 2000) {
              lastReport = now;
              process.stderr.write(`${o.subset}: training ${stage}, tree ${done}/${total} (${elapsed()})\n`);
            }
          },
        );
        const plot = resolve(o.plot ?? `pdm-${o.subset}.svg`);
        writeFileSync(plot, evaluationSvg(result));
        process.stderr.write(
          `${o.subset}: ${result.conditions} operating condition(s), sensors ${result.sensors.join(', ')}; ` +
            `RMSE ${result.rmse.toFixed(2)}, PHM08 score ${result.score.toFixed(1)} ` +
            `(against true RUL capped at 125: ${result.rmseCapped.toFixed(2)}, ${result.scoreCapped.toFixed(1)}); ` +
            `plot ${plot}; ${elapsed()}\n`,
        );
        process.stdout.write(
          `${JSON.stringify({ subset: result.subset, n: result.n, rmse: round(result.rmse), score: round(result.score) })}\n`,
        );
      },
    );
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
