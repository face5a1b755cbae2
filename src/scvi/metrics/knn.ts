/**
 * Exact k nearest neighbours (Euclidean) by brute force: fine for the thousands of cells the
 * metrics are used on.
 *
 * @module
 */
import { checkRowMatrix, squaredDistance, type RowMatrix } from "./points.js";

/**
 * The `k` nearest other rows of each row of `points`, nearest first, as a `rows × k`
 * row-major index array. Ties are broken by the lower index.
 */
export function nearestNeighbors(points: RowMatrix, k: number): Int32Array {
  checkRowMatrix(points, "nearestNeighbors");
  const [n, d] = points.shape;
  if (!Number.isInteger(k) || k < 1 || k > n - 1) throw new Error(`nearestNeighbors: k must be an integer in 1..${n - 1} (rows − 1), got ${k}`);
  const x = points.data;
  const out = new Int32Array(n * k);
  const bestDist = new Float64Array(k);
  const bestIdx = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    let filled = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const dist = squaredDistance(x, i, x, j, d);
      if (filled === k && dist >= bestDist[k - 1]!) continue;
      // Insertion into the sorted list of the k best so far.
      let pos = filled < k ? filled++ : k - 1;
      while (pos > 0 && bestDist[pos - 1]! > dist) {
        bestDist[pos] = bestDist[pos - 1]!;
        bestIdx[pos] = bestIdx[pos - 1]!;
        pos--;
      }
      bestDist[pos] = dist;
      bestIdx[pos] = j;
    }
    out.set(bestIdx, i * k);
  }
  return out;
}
