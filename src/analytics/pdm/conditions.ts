import { createRng } from './prng.js';

/**
 * Operating conditions. Multi-condition C-MAPSS subsets (FD002, FD004) fly six discrete regimes
 * (altitude, Mach, throttle); sensor levels depend far more on the regime than on wear, so each
 * sensor is normalised per regime. The regimes are found by k-means on the standardised settings;
 * `auto` picks the smallest k whose clusters explain ≥ 99.9 % of the settings' variance, which is
 * k = 1 for single-condition data (its settings are pure noise) and k = 6 for FD002/FD004.
 */
export interface ConditionModel {
  /** Number of regimes. */
  k: number;
  /** Per setting: mean and scale used to standardise before clustering. */
  mean: Float64Array;
  scale: Float64Array;
  /** k × dims centres in standardised units. */
  centres: Float64Array;
  dims: number;
}

export function fitConditions(
  settings: Float64Array,
  dims: number,
  opts: { k?: number | 'auto'; maxK?: number; seed?: number } = {},
): ConditionModel {
  const n = settings.length / dims;
  const mean = new Float64Array(dims);
  const scale = new Float64Array(dims);
  for (let j = 0; j < dims; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += settings[i * dims + j]!;
    mean[j] = s / n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (settings[i * dims + j]! - mean[j]!) ** 2;
    const sd = Math.sqrt(v / n);
    // A constant setting carries no regime information; scale 0 removes it from the distance.
    scale[j] = sd > 1e-12 ? 1 / sd : 0;
  }
  const z = new Float64Array(n * dims);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < dims; j++) z[i * dims + j] = (settings[i * dims + j]! - mean[j]!) * scale[j]!;
  let total = 0;
  for (let i = 0; i < z.length; i++) total += z[i]! * z[i]!;
  const seed = opts.seed ?? 1;
  const want = opts.k ?? 'auto';
  if (want !== 'auto') {
    const { centres } = kmeans(z, dims, want, seed);
    return { k: want, mean, scale, centres, dims };
  }
  if (total === 0) return { k: 1, mean, scale, centres: new Float64Array(dims), dims };
  const maxK = opts.maxK ?? 10;
  for (let k = 2; k <= maxK; k++) {
    const { centres, inertia } = kmeans(z, dims, k, seed);
    if (inertia / total < 1e-3) return { k, mean, scale, centres, dims };
  }
  return { k: 1, mean, scale, centres: new Float64Array(dims), dims };
}

export function assignCondition(model: ConditionModel, settings: ArrayLike<number>, offset = 0): number {
  if (model.k === 1) return 0;
  let best = 0;
  let bestD = Number.POSITIVE_INFINITY;
  for (let c = 0; c < model.k; c++) {
    let d = 0;
    for (let j = 0; j < model.dims; j++) {
      const v = (settings[offset + j]! - model.mean[j]!) * model.scale[j]! - model.centres[c * model.dims + j]!;
      d += v * v;
    }
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

/** Lloyd's k-means with k-means++ seeding, three seeded restarts; returns the best. */
export function kmeans(
  z: Float64Array,
  dims: number,
  k: number,
  seed: number,
): { centres: Float64Array; inertia: number; labels: Int32Array } {
  const n = z.length / dims;
  const rng = createRng(seed);
  let best: { centres: Float64Array; inertia: number; labels: Int32Array } | undefined;
  for (let restart = 0; restart < 3; restart++) {
    const centres = new Float64Array(k * dims);
    const d2 = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
    let pick = Math.floor(rng() * n);
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < dims; j++) centres[c * dims + j] = z[pick * dims + j]!;
      let sum = 0;
      for (let i = 0; i < n; i++) {
        let d = 0;
        for (let j = 0; j < dims; j++) d += (z[i * dims + j]! - centres[c * dims + j]!) ** 2;
        if (d < d2[i]!) d2[i] = d;
        sum += d2[i]!;
      }
      let r = rng() * sum;
      pick = n - 1;
      for (let i = 0; i < n; i++) {
        r -= d2[i]!;
        if (r <= 0) {
          pick = i;
          break;
        }
      }
    }
    const labels = new Int32Array(n);
    let inertia = 0;
    for (let iter = 0; iter < 50; iter++) {
      inertia = 0;
      let moved = 0;
      for (let i = 0; i < n; i++) {
        let bc = 0;
        let bd = Number.POSITIVE_INFINITY;
        for (let c = 0; c < k; c++) {
          let d = 0;
          for (let j = 0; j < dims; j++) d += (z[i * dims + j]! - centres[c * dims + j]!) ** 2;
          if (d < bd) {
            bd = d;
            bc = c;
          }
        }
        if (labels[i] !== bc) moved++;
        labels[i] = bc;
        inertia += bd;
      }
      if (iter > 0 && moved === 0) break;
      const sums = new Float64Array(k * dims);
      const counts = new Float64Array(k);
      for (let i = 0; i < n; i++) {
        const c = labels[i]!;
        counts[c]!++;
        for (let j = 0; j < dims; j++) sums[c * dims + j]! += z[i * dims + j]!;
      }
      for (let c = 0; c < k; c++) {
        if (counts[c] === 0) continue;
        for (let j = 0; j < dims; j++) centres[c * dims + j] = sums[c * dims + j]! / counts[c]!;
      }
    }
    if (!best || inertia < best.inertia) best = { centres, inertia, labels };
  }
  return best!;
}
