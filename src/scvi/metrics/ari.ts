/**
 * The adjusted Rand index (Hubert & Arabie 1985), as scikit-learn's `adjusted_rand_score`.
 *
 * @module
 */
import { contingencyTable, type Labels } from "./labels.js";

/**
 * The adjusted Rand index of two labellings: 1 for the same partition (up to renaming), about
 * 0 for independent ones, negative when they agree less than chance. Computed from the pair
 * confusion matrix; identical partitions (including both trivial) give exactly 1.
 *
 * @example
 * ```ts
 * adjustedRandIndex([0, 0, 1, 1], [1, 1, 0, 0]); // 1
 * adjustedRandIndex([0, 0, 1, 2], [0, 0, 1, 1]); // 0.5714...
 * ```
 */
export function adjustedRandIndex(labelsTrue: Labels, labelsPred: Labels): number {
  const c = contingencyTable(labelsTrue, labelsPred);
  let sumSquares = 0;
  for (const v of c.table) sumSquares += v * v;
  let rowSq = 0;
  for (const v of c.rowSums) rowSq += v * v;
  let colSq = 0;
  for (const v of c.colSums) colSq += v * v;
  // Ordered pairs (i ≠ j): same in both, same only in pred, same only in true, different in both.
  const tp = sumSquares - c.n;
  const fp = colSq - sumSquares;
  const fn = rowSq - sumSquares;
  const tn = c.n * c.n - fp - fn - sumSquares;
  if (fn === 0 && fp === 0) return 1;
  return (2 * (tp * tn - fn * fp)) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn));
}
