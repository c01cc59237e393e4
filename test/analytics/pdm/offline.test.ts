import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  type CmapssSubset,
  evaluateSubset,
  evaluationSvg,
  fitConditions,
  fitGbt,
  fitPreprocessor,
  loadCmapssSubset,
  normalise,
  parseCmapss,
  phm08Score,
  predictGbt,
  resolveCmapssDir,
  rmse,
  syntheticCmapss,
  toCmapssText,
  trajectoryFeatures,
} from '../../../src/analytics/pdm/index.js';
import { isGotthardError } from '../../../src/errors.js';

describe('metrics (C-MAPSS README definitions)', () => {
  it('RMSE and PHM08 score match hand-computed values', () => {
    // d = [-13, 0, 10, 5]: RMSE = sqrt((169 + 0 + 100 + 25) / 4) = sqrt(73.5)
    const truth = [50, 20, 30, 100];
    const pred = [37, 20, 40, 105];
    assert.equal(rmse(pred, truth), Math.sqrt(73.5));
    // early d = -13: e^1 - 1; d = 0: 0; late d = 10: e^1 - 1; late d = 5: e^0.5 - 1
    const expected = Math.E - 1 + 0 + (Math.E - 1) + (Math.exp(0.5) - 1);
    assert.ok(Math.abs(phm08Score(pred, truth) - expected) < 1e-12);
    // Late predictions cost more than early ones of the same size.
    assert.ok(phm08Score([60], [50]) > phm08Score([40], [50]));
  });
  it('rejects series of different length', () => {
    assert.throws(() => rmse([1, 2], [1]), /equal length/);
  });
});

describe('window features', () => {
  it('match hand-computed values on a short trajectory', () => {
    // One sensor, values 1, 3, 2, 6 over four cycles, window 3.
    const x = Float64Array.from([1, 3, 2, 6]);
    const f = trajectoryFeatures(x, 4, 1, 3);
    const nF = 9;
    assert.equal(f.length, 4 * nF);
    const row = (t: number) => Array.from(f.subarray(t * nF, (t + 1) * nF));
    const [cycle, last, mean, mean5, slope, min, max, ewma, drift] = row(3);
    assert.equal(cycle, 4);
    assert.equal(last, 6);
    assert.ok(Math.abs(mean! - 11 / 3) < 1e-12); // window = 3, 2, 6
    assert.equal(mean5, 3); // all four: (1+3+2+6)/4
    assert.ok(Math.abs(slope! - 1.5) < 1e-12); // least squares over (0,3),(1,2),(2,6): cov 3 / tss 2
    assert.equal(min, 2);
    assert.equal(max, 6);
    // ewma α = 0.1: 1 → 1.2 → 1.28 → 1.752
    assert.ok(Math.abs(ewma! - 1.752) < 1e-12);
    // drift: mean of last 10 (= 3) minus mean of first 20 (= 3)
    assert.ok(Math.abs(drift!) < 1e-12);
    // First cycle: a one-value window, slope 0.
    const first = row(0);
    assert.deepEqual(first, [1, 1, 1, 1, 0, 1, 1, 1, 0]);
  });
});

describe('operating conditions', () => {
  it('finds one condition in noise and six in a multi-condition set', () => {
    const single = syntheticCmapss({ conditions: 1, trainUnits: 5, testUnits: 1 });
    const multi = syntheticCmapss({ conditions: 6, trainUnits: 5, testUnits: 1 });
    const cat = (s: CmapssSubset) => {
      const parts = s.train.map((u) => u.settings);
      const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) {
        out.set(p, o);
        o += p.length;
      }
      return out;
    };
    assert.equal(fitConditions(cat(single), 3).k, 1);
    assert.equal(fitConditions(cat(multi), 3).k, 6);
  });
  it('normalises each sensor per condition', () => {
    const s = syntheticCmapss({ conditions: 6, trainUnits: 10, testUnits: 1 });
    const pre = fitPreprocessor(s.train);
    assert.equal(pre.conditions.k, 6);
    // Sensors with no damage sensitivity are pure regime offset + noise: after per-regime
    // normalisation their spread is unit-size, where the raw spread is hundreds.
    const u = s.train[0]!;
    const x = normalise(pre, u);
    let maxAbs = 0;
    for (const v of x) maxAbs = Math.max(maxAbs, Math.abs(v));
    assert.ok(maxAbs < 10, `normalised values stay small, got ${maxAbs}`);
  });
});

describe('gradient-boosted trees', () => {
  it('fits a non-linear function and is repeatable with a seed', () => {
    const n = 2000;
    const x = new Float64Array(n * 2);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const a = (i % 100) / 10;
      const b = Math.floor(i / 100) / 2;
      x[i * 2] = a;
      x[i * 2 + 1] = b;
      y[i] = (a > 5 ? 10 : 0) + Math.sin(b);
    }
    const m1 = fitGbt(x, y, 2, { trees: 100, learningRate: 0.2, minSamplesLeaf: 5, seed: 3 });
    const m2 = fitGbt(x, y, 2, { trees: 100, learningRate: 0.2, minSamplesLeaf: 5, seed: 3 });
    let se = 0;
    for (let i = 0; i < n; i++) {
      const p = predictGbt(m1, x, i * 2);
      assert.equal(p, predictGbt(m2, x, i * 2));
      se += (p - y[i]!) ** 2;
    }
    assert.ok(Math.sqrt(se / n) < 0.2, `training RMSE ${Math.sqrt(se / n)}`);
  });
});

describe('C-MAPSS files', () => {
  it('names the file and line of a bad row', () => {
    assert.throws(
      () => parseCmapss('1 1 0 0 100 1 2 3\n', 'train_X.txt'),
      (e: unknown) => isGotthardError(e) && /train_X\.txt:1: expected 26 numbers/.test(e.message),
    );
  });
  it('says where it looked when the folder or a file is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cmapss-'));
    try {
      assert.throws(() => loadCmapssSubset(join(dir, 'nope'), 'FD001'), /GOTTHARD_CMAPSS_DIR/);
      assert.throws(() => loadCmapssSubset(dir, 'FD001'), /train_FD001\.txt/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('runs the protocol on a written multi-condition set (FD002-like) through the files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cmapss-'));
    try {
      const text = toCmapssText(syntheticCmapss({ conditions: 6, trainUnits: 30, testUnits: 25 }));
      writeFileSync(join(dir, 'train_FDX.txt'), text.train);
      writeFileSync(join(dir, 'test_FDX.txt'), text.test);
      writeFileSync(join(dir, 'RUL_FDX.txt'), text.rul);
      const subset = loadCmapssSubset(dir, 'FDX');
      const r = evaluateSubset(subset, { ensemble: 1, gbt: { trees: 80, learningRate: 0.1 } });
      assert.equal(r.conditions, 6);
      const capped = r.truth.map((v) => Math.min(v, 125));
      const mean = capped.reduce((a, b) => a + b, 0) / capped.length;
      const naive = rmse(
        capped.map(() => mean),
        capped,
      );
      assert.ok(r.rmseCapped < 0.5 * naive, `RMSE ${r.rmseCapped} vs naive ${naive}`);
      // Without per-condition normalisation the wear is buried under the regime offsets.
      const pooled = evaluateSubset(subset, { ensemble: 1, conditions: 1, gbt: { trees: 80, learningRate: 0.1 } });
      assert.ok(
        r.rmseCapped < 0.75 * pooled.rmseCapped,
        `per-condition ${r.rmseCapped} vs pooled ${pooled.rmseCapped}`,
      );
      const svg = evaluationSvg(r);
      assert.match(svg, /^<svg/);
      assert.equal((svg.match(/<circle cx/g) ?? []).length, r.n + 2); // one per unit + legend
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const dataDir = resolveCmapssDir();
describe('NASA C-MAPSS FD001, small run', { skip: !existsSync(dataDir) && `no C-MAPSS data at ${dataDir}` }, () => {
  it('beats predicting the mean RUL by a clear margin', () => {
    const full = loadCmapssSubset(dataDir, 'FD001');
    assert.equal(full.train.length, 100);
    assert.equal(full.test.length, 100);
    assert.equal(readFileSync(join(dataDir, 'RUL_FD001.txt'), 'utf8').trim().split('\n').length, 100);
    // 40 training units, 40 test units, one small model: a few seconds.
    const small: CmapssSubset = {
      name: 'FD001-small',
      train: full.train.slice(0, 40),
      test: full.test.slice(0, 40),
      testRul: full.testRul.slice(0, 40),
    };
    const r = evaluateSubset(small, { ensemble: 1, gbt: { trees: 100, learningRate: 0.1 } });
    // Naive baseline: the mean training target (capped RUL) for every unit.
    let sum = 0;
    let count = 0;
    for (const u of small.train)
      for (let t = 0; t < u.length; t++) {
        sum += Math.min(125, u.length - 1 - t);
        count++;
      }
    const naive = rmse(
      r.truth.map(() => sum / count),
      r.truth,
    );
    assert.ok(r.rmse < 0.5 * naive, `model RMSE ${r.rmse.toFixed(2)} vs mean-RUL baseline ${naive.toFixed(2)}`);
    assert.ok(r.rmse < 20, `model RMSE ${r.rmse.toFixed(2)}`);
  });
});
