import { CMAPSS_SENSOR_NAMES, CMAPSS_SENSORS, CMAPSS_SETTINGS, type UnitTrajectory } from './cmapss.js';
import { assignCondition, type ConditionModel, fitConditions } from './conditions.js';

/**
 * Window features of a multivariate degradation trajectory, the inputs of the RUL regressor.
 * For each kept sensor, over the last `window` cycles up to and including cycle t (fewer at the
 * start of life): last value, window mean, mean of the last 5, least-squares slope per cycle,
 * window min and max, an exponentially smoothed value over the whole history (α = 0.1), and the
 * drift of the last 10 cycles from the unit's own first 20 (engines start with unequal wear).
 * Plus one global feature: the cycle count. Values are normalised per operating condition first.
 */
export const PER_SENSOR_FEATURES = ['last', 'mean', 'mean5', 'slope', 'min', 'max', 'ewma', 'drift'] as const;
export const EWMA_ALPHA = 0.1;

export function featureNames(sensorNames: readonly string[]): string[] {
  const names: string[] = ['cycle'];
  for (const s of sensorNames) for (const f of PER_SENSOR_FEATURES) names.push(`${s}.${f}`);
  return names;
}

export function featureCount(nSensors: number): number {
  return 1 + nSensors * PER_SENSOR_FEATURES.length;
}

/**
 * Features for every cycle of one trajectory. `x` is length × nS (normalised, row-major); the
 * result is length × featureCount(nS), row t describing the window that ends at cycle t.
 */
export function trajectoryFeatures(x: Float64Array, length: number, nS: number, window: number): Float64Array {
  const nF = featureCount(nS);
  const out = new Float64Array(length * nF);
  const ewma = new Float64Array(nS);
  const firstMean = new Float64Array(nS);
  for (let t = 0; t < length; t++) {
    const row = t * nF;
    out[row] = t + 1;
    const start = Math.max(0, t - window + 1);
    const w = t - start + 1;
    const start5 = Math.max(0, t - 4);
    const start10 = Math.max(0, t - 9);
    // Mean of cycle offsets 0..w-1 and their sum of squares, for the least-squares slope.
    const tMean = (w - 1) / 2;
    let tss = 0;
    for (let i = 0; i < w; i++) tss += (i - tMean) * (i - tMean);
    for (let s = 0; s < nS; s++) {
      const v = x[t * nS + s]!;
      ewma[s] = t === 0 ? v : EWMA_ALPHA * v + (1 - EWMA_ALPHA) * ewma[s]!;
      if (t < 20) firstMean[s] = (firstMean[s]! * t + v) / (t + 1);
      let sum = 0;
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      let cov = 0;
      for (let i = start; i <= t; i++) {
        const u = x[i * nS + s]!;
        sum += u;
        if (u < min) min = u;
        if (u > max) max = u;
        cov += (i - start - tMean) * u;
      }
      let sum5 = 0;
      for (let i = start5; i <= t; i++) sum5 += x[i * nS + s]!;
      let sum10 = 0;
      for (let i = start10; i <= t; i++) sum10 += x[i * nS + s]!;
      const base = row + 1 + s * PER_SENSOR_FEATURES.length;
      out[base] = v;
      out[base + 1] = sum / w;
      out[base + 2] = sum5 / (t - start5 + 1);
      out[base + 3] = tss > 0 ? cov / tss : 0;
      out[base + 4] = min;
      out[base + 5] = max;
      out[base + 6] = ewma[s]!;
      out[base + 7] = sum10 / (t - start10 + 1) - firstMean[s]!;
    }
  }
  return out;
}

/**
 * What is learned from the training trajectories before features: the operating conditions, which
 * sensors carry information, and per-condition mean and standard deviation of each kept sensor.
 */
export interface Preprocessor {
  conditions: ConditionModel;
  /** Indices (0-based, sensor 1 = 0) of the kept sensors. */
  sensors: number[];
  sensorNames: string[];
  /** conditions.k × sensors.length */
  mean: Float64Array;
  std: Float64Array;
}

export function fitPreprocessor(
  units: readonly UnitTrajectory[],
  opts: { conditions?: number | 'auto'; seed?: number } = {},
): Preprocessor {
  let rows = 0;
  for (const u of units) rows += u.length;
  const settings = new Float64Array(rows * CMAPSS_SETTINGS);
  let r = 0;
  for (const u of units) {
    settings.set(u.settings, r * CMAPSS_SETTINGS);
    r += u.length;
  }
  const conditions = fitConditions(settings, CMAPSS_SETTINGS, { k: opts.conditions ?? 'auto', seed: opts.seed ?? 1 });
  const k = conditions.k;
  const sum = new Float64Array(k * CMAPSS_SENSORS);
  const sq = new Float64Array(k * CMAPSS_SENSORS);
  const cnt = new Float64Array(k);
  for (const u of units) {
    for (let t = 0; t < u.length; t++) {
      const c = assignCondition(conditions, u.settings, t * CMAPSS_SETTINGS);
      cnt[c]!++;
      for (let s = 0; s < CMAPSS_SENSORS; s++) {
        const v = u.sensors[t * CMAPSS_SENSORS + s]!;
        sum[c * CMAPSS_SENSORS + s]! += v;
        sq[c * CMAPSS_SENSORS + s]! += v * v;
      }
    }
  }
  const allMean = new Float64Array(k * CMAPSS_SENSORS);
  const allStd = new Float64Array(k * CMAPSS_SENSORS);
  for (let c = 0; c < k; c++) {
    for (let s = 0; s < CMAPSS_SENSORS; s++) {
      const n = Math.max(1, cnt[c]!);
      const m = sum[c * CMAPSS_SENSORS + s]! / n;
      allMean[c * CMAPSS_SENSORS + s] = m;
      allStd[c * CMAPSS_SENSORS + s] = Math.sqrt(Math.max(0, sq[c * CMAPSS_SENSORS + s]! / n - m * m));
    }
  }
  // A sensor is kept when, within its operating conditions, it varies by more than its own
  // rounding: a relative spread below 1e-5 is a constant or a two-valued quantisation artefact.
  const sensors: number[] = [];
  for (let s = 0; s < CMAPSS_SENSORS; s++) {
    let rel = 0;
    for (let c = 0; c < k; c++) {
      const m = Math.abs(allMean[c * CMAPSS_SENSORS + s]!);
      rel = Math.max(rel, allStd[c * CMAPSS_SENSORS + s]! / Math.max(m, 1e-9));
    }
    if (rel > 1e-5) sensors.push(s);
  }
  const mean = new Float64Array(k * sensors.length);
  const std = new Float64Array(k * sensors.length);
  for (let c = 0; c < k; c++) {
    sensors.forEach((s, j) => {
      mean[c * sensors.length + j] = allMean[c * CMAPSS_SENSORS + s]!;
      const sd = allStd[c * CMAPSS_SENSORS + s]!;
      std[c * sensors.length + j] = sd > 1e-12 ? sd : 1;
    });
  }
  return {
    conditions,
    sensors,
    sensorNames: sensors.map((s) => CMAPSS_SENSOR_NAMES[s] ?? `s${s + 1}`),
    mean,
    std,
  };
}

/** The kept sensors of a trajectory, z-scored with the statistics of each cycle's condition. */
export function normalise(p: Preprocessor, u: UnitTrajectory): Float64Array {
  const nS = p.sensors.length;
  const x = new Float64Array(u.length * nS);
  for (let t = 0; t < u.length; t++) {
    const c = assignCondition(p.conditions, u.settings, t * CMAPSS_SETTINGS);
    for (let j = 0; j < nS; j++) {
      const v = u.sensors[t * CMAPSS_SENSORS + p.sensors[j]!]!;
      x[t * nS + j] = (v - p.mean[c * nS + j]!) / p.std[c * nS + j]!;
    }
  }
  return x;
}
