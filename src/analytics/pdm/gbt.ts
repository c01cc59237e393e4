import { createRng } from './prng.js';

/**
 * A histogram-based gradient-boosted regression tree ensemble (squared error), in typed arrays.
 *
 * Written here rather than taken from npm: the maintained JS options are either bindings that
 * download prebuilt native binaries at install time (LightGBM/XGBoost ports) or plain-JS CART
 * implementations without histograms that take minutes on 20k × 100 features. This one bins each
 * feature into ≤ 255 quantile bins once, grows depth-limited trees from per-node gradient histograms
 * with the sibling-subtraction trick, and is seeded (row and column subsampling), so a run is
 * repeatable to the bit.
 */
export interface GbtOptions {
  trees: number;
  learningRate: number;
  maxDepth: number;
  minSamplesLeaf: number;
  /** L2 regularisation of leaf values. */
  lambda: number;
  /** Fraction of rows per tree. */
  subsample: number;
  /** Fraction of features per tree. */
  colsample: number;
  bins: number;
  seed: number;
}

export const GBT_DEFAULTS: GbtOptions = {
  trees: 400,
  learningRate: 0.05,
  maxDepth: 6,
  minSamplesLeaf: 20,
  lambda: 1,
  subsample: 0.8,
  colsample: 0.8,
  bins: 255,
  seed: 1,
};

/** Flat tree: for node i, feature[i] < 0 marks a leaf whose value is value[i]. */
interface Tree {
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
}

export interface GbtModel {
  base: number;
  nFeatures: number;
  trees: Tree[];
}

export function predictGbt(model: GbtModel, x: ArrayLike<number>, offset = 0): number {
  let y = model.base;
  for (const t of model.trees) {
    let i = 0;
    while (t.feature[i]! >= 0) i = x[offset + t.feature[i]!]! <= t.threshold[i]! ? t.left[i]! : t.right[i]!;
    y += t.value[i]!;
  }
  return y;
}

/** Quantile bin edges per feature: value ≤ edges[b] falls in bin b; the last bin takes the rest. */
function binEdges(x: Float64Array, n: number, nF: number, bins: number): Float64Array[] {
  const edges: Float64Array[] = [];
  const sampleN = Math.min(n, 50_000);
  const step = n / sampleN;
  const col = new Float64Array(sampleN);
  for (let f = 0; f < nF; f++) {
    for (let i = 0; i < sampleN; i++) col[i] = x[Math.floor(i * step) * nF + f]!;
    col.sort();
    const e: number[] = [];
    for (let b = 1; b < bins; b++) {
      const v = col[Math.min(sampleN - 1, Math.floor((b * sampleN) / bins))]!;
      if (e.length === 0 || v > e[e.length - 1]!) e.push(v);
    }
    // The last distinct value needs no edge of its own: everything above the last edge is one bin.
    if (e.length > 0 && e[e.length - 1]! >= col[sampleN - 1]!) e.pop();
    edges.push(Float64Array.from(e));
  }
  return edges;
}

function binOf(edges: Float64Array, v: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v <= edges[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Fits the ensemble on x (n × nF, row-major) and y. `onTree` reports progress.
 */
export function fitGbt(
  x: Float64Array,
  y: Float64Array,
  nF: number,
  options: Partial<GbtOptions> = {},
  onTree?: (done: number, total: number) => void,
): GbtModel {
  const o = { ...GBT_DEFAULTS, ...options };
  const n = y.length;
  if (x.length !== n * nF || n === 0) throw new RangeError(`x has ${x.length} values, expected ${n} × ${nF}`);
  const B = Math.min(255, o.bins);
  const edges = binEdges(x, n, nF, B);
  // Column-major bins: building a histogram walks one feature's column.
  const binned = new Uint8Array(nF * n);
  for (let f = 0; f < nF; f++) {
    const e = edges[f]!;
    for (let i = 0; i < n; i++) binned[f * n + i] = binOf(e, x[i * nF + f]!);
  }
  const rng = createRng(o.seed);
  let base = 0;
  for (let i = 0; i < n; i++) base += y[i]!;
  base /= n;
  const pred = new Float64Array(n).fill(base);
  const grad = new Float64Array(n);
  const trees: Tree[] = [];
  const rows = new Uint32Array(n);
  const scratch = new Uint32Array(n);
  const HB = 256;
  const pool: Float64Array[] = [];
  for (let t = 0; t < o.trees; t++) {
    for (let i = 0; i < n; i++) grad[i] = pred[i]! - y[i]!;
    let m = 0;
    for (let i = 0; i < n; i++) if (o.subsample >= 1 || rng() < o.subsample) rows[m++] = i;
    const feats: number[] = [];
    for (let f = 0; f < nF; f++) if (o.colsample >= 1 || rng() < o.colsample) feats.push(f);
    if (feats.length === 0) feats.push(Math.floor(rng() * nF));

    const tf: number[] = [];
    const tt: number[] = [];
    const tl: number[] = [];
    const tr: number[] = [];
    const tv: number[] = [];
    const tb: number[] = [];
    const newNode = (): number => {
      tb.push(0);
      tf.push(-1);
      tt.push(0);
      tl.push(-1);
      tr.push(-1);
      tv.push(0);
      return tf.length - 1;
    };
    // Histograms cover the selected features only (position k in `feats`), and their buffers are
    // pooled: allocating and zeroing one per node dominated the run time.
    const hSize = feats.length * HB * 2;
    const histogram = (lo: number, hi: number): Float64Array => {
      // Layout per feature: HB gradient sums then HB counts.
      const h = pool.pop() ?? new Float64Array(nF * HB * 2);
      h.fill(0, 0, hSize);
      for (let k = 0; k < feats.length; k++) {
        const colOff = feats[k]! * n;
        const hOff = k * HB * 2;
        for (let r = lo; r < hi; r++) {
          const i = rows[r]!;
          const b = binned[colOff + i]!;
          h[hOff + b]! += grad[i]!;
          h[hOff + HB + b]!++;
        }
      }
      return h;
    };
    const isLeaf = (cnt: number, depth: number): boolean => depth >= o.maxDepth || cnt < 2 * o.minSamplesLeaf;
    const grow = (node: number, lo: number, hi: number, depth: number, h: Float64Array | undefined): void => {
      let G = 0;
      const cnt = hi - lo;
      for (let r = lo; r < hi; r++) G += grad[rows[r]!]!;
      const leafValue = (-G / (cnt + o.lambda)) * o.learningRate;
      tv[node] = leafValue;
      if (!h) return;
      const parentScore = (G * G) / (cnt + o.lambda);
      let bestGain = 1e-9;
      let bestF = -1;
      let bestB = -1;
      for (let k = 0; k < feats.length; k++) {
        const f = feats[k]!;
        const hOff = k * HB * 2;
        const nb = edges[f]!.length + 1;
        let gl = 0;
        let nl = 0;
        for (let b = 0; b < nb - 1; b++) {
          gl += h[hOff + b]!;
          nl += h[hOff + HB + b]!;
          if (nl < o.minSamplesLeaf) continue;
          const nr = cnt - nl;
          if (nr < o.minSamplesLeaf) break;
          const gr = G - gl;
          const gain = (gl * gl) / (nl + o.lambda) + (gr * gr) / (nr + o.lambda) - parentScore;
          if (gain > bestGain) {
            bestGain = gain;
            bestF = f;
            bestB = b;
          }
        }
      }
      if (bestF < 0) {
        pool.push(h);
        return;
      }
      // Partition rows[lo, hi) stably into ≤ bestB | > bestB.
      const colOff = bestF * n;
      let a = lo;
      let s = 0;
      for (let r = lo; r < hi; r++) {
        const i = rows[r]!;
        if (binned[colOff + i]! <= bestB) rows[a++] = i;
        else scratch[s++] = i;
      }
      rows.set(scratch.subarray(0, s), a);
      const mid = a;
      tf[node] = bestF;
      tt[node] = edges[bestF]![bestB]!;
      tb[node] = bestB;
      const l = newNode();
      const r = newNode();
      tl[node] = l;
      tr[node] = r;
      const leftLeaf = isLeaf(mid - lo, depth + 1);
      const rightLeaf = isLeaf(hi - mid, depth + 1);
      let hl: Float64Array | undefined;
      let hr: Float64Array | undefined;
      if (leftLeaf && rightLeaf) {
        pool.push(h);
      } else if (leftLeaf) {
        // Only the right child splits further: the parent's histogram minus the left's would need
        // the left's; building the right's directly costs the same.
        pool.push(h);
        hr = histogram(mid, hi);
      } else if (rightLeaf) {
        pool.push(h);
        hl = histogram(lo, mid);
      } else {
        // Histogram of the smaller child; the sibling's is the parent's minus it.
        const leftSmaller = mid - lo <= hi - mid;
        const hs = leftSmaller ? histogram(lo, mid) : histogram(mid, hi);
        for (let k = 0; k < feats.length; k++) {
          const off = k * HB * 2;
          const nb = edges[feats[k]!]!.length + 1;
          for (let b = 0; b < nb; b++) {
            h[off + b] = h[off + b]! - hs[off + b]!;
            h[off + HB + b] = h[off + HB + b]! - hs[off + HB + b]!;
          }
        }
        hl = leftSmaller ? hs : h;
        hr = leftSmaller ? h : hs;
      }
      grow(l, lo, mid, depth + 1, hl);
      grow(r, mid, hi, depth + 1, hr);
    };
    const root = newNode();
    grow(root, 0, m, 0, isLeaf(m, 0) ? undefined : histogram(0, m));
    const tree: Tree = {
      feature: Int32Array.from(tf),
      threshold: Float64Array.from(tt),
      left: Int32Array.from(tl),
      right: Int32Array.from(tr),
      value: Float64Array.from(tv),
    };
    trees.push(tree);
    const splitBin = Int32Array.from(tb);
    for (let i = 0; i < n; i++) {
      let k = 0;
      while (tree.feature[k]! >= 0) {
        k = binned[tree.feature[k]! * n + i]! <= splitBin[k]! ? tree.left[k]! : tree.right[k]!;
      }
      pred[i]! += tree.value[k]!;
    }
    onTree?.(t + 1, o.trees);
  }
  return { base, nFeatures: nF, trees };
}
