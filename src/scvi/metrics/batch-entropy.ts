/**
 * kNN batch-mixing entropy: how well cells from different batches intermix in an embedding.
 *
 * @module
 */
import { encodeLabels, type Labels } from "./labels.js";
import { nearestNeighbors } from "./knn.js";
import type { RowMatrix } from "./points.js";

/** Options of {@link batchMixingEntropy}. */
export interface BatchEntropyOptions {
  /** Neighbours per cell (default 50, or rows − 1 when fewer). */
  k?: number;
  /** Divide by ln(number of batches) so that 1 is a perfect mix (default true). */
  normalize?: boolean;
}

/**
 * The mean over cells of the Shannon entropy (nats) of the batch proportions among each
 * cell's `k` nearest neighbours. High when batches are mixed (at most ln B for B equally
 * frequent batches), 0 when every neighbourhood holds a single batch. With `normalize`
 * (default) the result is divided by ln B, so it lies in [0, 1].
 *
 * @example
 * ```ts
 * const mixing = batchMixingEntropy(model.getLatentRepresentation(), batchLabels, { k: 30 });
 * ```
 */
export function batchMixingEntropy(points: RowMatrix, batches: Labels, options: BatchEntropyOptions = {}): number {
  const n = points.shape[0];
  if (batches.length !== n) throw new Error(`batchMixingEntropy: ${n} rows but ${batches.length} batch labels`);
  const { codes, classes } = encodeLabels(batches);
  const nBatches = classes.length;
  if (nBatches < 2) throw new Error("batchMixingEntropy: needs at least two batches");
  const k = options.k ?? Math.min(50, n - 1);
  const nn = nearestNeighbors(points, k);
  const counts = new Float64Array(nBatches);
  let total = 0;
  for (let i = 0; i < n; i++) {
    counts.fill(0);
    for (let t = 0; t < k; t++) counts[codes[nn[i * k + t]!]!]! += 1;
    let h = 0;
    for (const c of counts) if (c > 0) h -= (c / k) * Math.log(c / k);
    total += h;
  }
  const mean = total / n;
  return options.normalize === false ? mean : mean / Math.log(nBatches);
}
