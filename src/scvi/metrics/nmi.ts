/**
 * Mutual information and normalized mutual information of two labellings, as
 * scikit-learn's `mutual_info_score` and `normalized_mutual_info_score` (natural log).
 *
 * @module
 */
import { contingencyTable, type Contingency, type Labels } from "./labels.js";

/** How NMI divides the mutual information: by the arithmetic (default), geometric, min or max mean of the entropies. */
export type NmiAverage = "arithmetic" | "geometric" | "min" | "max";

function entropyOf(counts: Float64Array, n: number): number {
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / n) * Math.log(c / n);
  return h;
}

function mutualInfoOf(c: Contingency): number {
  let mi = 0;
  for (let i = 0; i < c.nTrue; i++) {
    for (let j = 0; j < c.nPred; j++) {
      const nij = c.table[i * c.nPred + j]!;
      if (nij > 0) mi += (nij / c.n) * Math.log((nij * c.n) / (c.rowSums[i]! * c.colSums[j]!));
    }
  }
  return Math.max(0, mi);
}

/** The mutual information (nats) between two labellings. */
export function mutualInfo(labelsTrue: Labels, labelsPred: Labels): number {
  return mutualInfoOf(contingencyTable(labelsTrue, labelsPred));
}

/**
 * The normalized mutual information in [0, 1]: the mutual information divided by a mean of
 * the two entropies (arithmetic by default, scikit-learn's default). Two labellings that do
 * not split the data at all score 1; a zero mutual information scores 0.
 *
 * @example
 * ```ts
 * normalizedMutualInfo([0, 0, 1, 1], [1, 1, 0, 0]); // 1
 * normalizedMutualInfo([0, 0, 0, 0], [0, 1, 2, 3]); // 0
 * ```
 */
export function normalizedMutualInfo(labelsTrue: Labels, labelsPred: Labels, average: NmiAverage = "arithmetic"): number {
  const c = contingencyTable(labelsTrue, labelsPred);
  if (c.nTrue === c.nPred && c.nTrue <= 1) return 1;
  const mi = mutualInfoOf(c);
  if (mi === 0) return 0;
  const ht = entropyOf(c.rowSums, c.n);
  const hp = entropyOf(c.colSums, c.n);
  let norm: number;
  switch (average) {
    case "arithmetic":
      norm = (ht + hp) / 2;
      break;
    case "geometric":
      norm = Math.sqrt(ht * hp);
      break;
    case "min":
      norm = Math.min(ht, hp);
      break;
    case "max":
      norm = Math.max(ht, hp);
      break;
    default:
      throw new Error(`normalizedMutualInfo: average must be arithmetic, geometric, min or max, got '${String(average)}'`);
  }
  return mi / norm;
}
