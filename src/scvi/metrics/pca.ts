/**
 * PCA of log-normalized counts, the usual baseline for a learned latent space: counts scaled
 * to `targetSum` per cell, `log1p`, centred per gene, and the top components of a randomized
 * SVD.
 *
 * @module
 */
import { nextSeed } from "../../backend/random.js";
import type { Matrix } from "../data/matrix/matrix.js";
import { checkRowMatrix, type RowMatrix } from "./points.js";
import { truncatedSvd } from "./svd.js";

/**
 * `log1p(x / rowTotal × targetSum)` per entry as a dense row-major float64 matrix (scanpy's
 * `normalize_total(target_sum)` then `log1p`). Cells without counts stay zero.
 */
export function logNormalize(
  counts: Matrix | RowMatrix,
  targetSum = 1e4,
): {
  /** `[cells, genes]`. */
  shape: [number, number];
  /** `log1p` of the normalized counts, row-major. */
  data: Float64Array;
} {
  const [n, p] = counts.shape;
  let dense: ArrayLike<number>;
  if ("rows" in counts && typeof counts.rows === "function") {
    dense = counts.rows(Int32Array.from({ length: n }, (_, i) => i));
  } else {
    checkRowMatrix(counts as RowMatrix, "logNormalize");
    dense = counts.data;
  }
  const out = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    let total = 0;
    for (let j = 0; j < p; j++) total += dense[i * p + j]!;
    if (total <= 0) continue;
    const f = targetSum / total;
    for (let j = 0; j < p; j++) out[i * p + j] = Math.log1p(dense[i * p + j]! * f);
  }
  return { shape: [n, p], data: out };
}

/** Options of {@link pca}. */
export interface PcaOptions {
  /** Components (default 10). */
  nComps?: number;
  /** Power iterations of the randomized SVD (default 7). */
  nIter?: number;
  /** Seed of the randomized SVD (default: a draw from the global stream). */
  seed?: number;
}

/** What {@link pca} returns. */
export interface PcaResult {
  /** Cells in component space, `rows × nComps` row-major (the usual `X_pca`). */
  scores: Float64Array;
  /** Components (loadings), `nComps × cols` row-major, unit norm. */
  components: Float64Array;
  /** Singular values of the centred data, descending. */
  singularValues: Float64Array;
  /** Variance along each component (`s² / (rows − 1)`). */
  explainedVariance: Float64Array;
  /** Column means that were subtracted. */
  mean: Float64Array;
  /** `[rows, nComps]`. */
  shape: [number, number];
}

/**
 * PCA of the rows of `x`: centres each column and takes the top `nComps` singular triplets.
 * Signs follow scikit-learn's convention for components: the entry of largest magnitude in
 * each component is positive.
 *
 * @example
 * ```ts
 * const { scores } = pca(logNormalize(adata.X!), { nComps: 10, seed: 0 });
 * ```
 */
export function pca(x: RowMatrix, options: PcaOptions = {}): PcaResult {
  checkRowMatrix(x, "pca");
  const [n, p] = x.shape;
  const k = options.nComps ?? 10;
  if (!Number.isInteger(k) || k < 1 || k > Math.min(n, p)) {
    throw new Error(`pca: nComps must be an integer in 1..${Math.min(n, p)} (min of rows and columns), got ${k}`);
  }
  const mean = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) mean[j]! += x.data[i * p + j]!;
  for (let j = 0; j < p; j++) mean[j]! /= n;
  const centred = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) centred[i * p + j] = x.data[i * p + j]! - mean[j]!;
  const svd = truncatedSvd(centred, n, p, k, { nIter: options.nIter, seed: options.seed ?? nextSeed() });
  const components = new Float64Array(k * p);
  const scores = new Float64Array(n * k);
  for (let c = 0; c < k; c++) {
    let maxAbs = 0;
    let sign = 1;
    for (let j = 0; j < p; j++) {
      const v = svd.v[j * k + c]!;
      if (Math.abs(v) > maxAbs) {
        maxAbs = Math.abs(v);
        sign = v < 0 ? -1 : 1;
      }
    }
    for (let j = 0; j < p; j++) components[c * p + j] = sign * svd.v[j * k + c]!;
  }
  // Scores as the projection of the centred data (exact even where the randomized U is not).
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += centred[i * p + j]! * components[c * p + j]!;
      scores[i * k + c] = s;
    }
  }
  const explainedVariance = svd.s.map((s) => (s * s) / Math.max(1, n - 1));
  return { scores, components, singularValues: svd.s, explainedVariance, mean, shape: [n, k] };
}
