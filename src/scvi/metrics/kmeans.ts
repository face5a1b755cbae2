/**
 * k-means clustering (Lloyd's algorithm) with greedy k-means++ seeding and several restarts,
 * as scikit-learn's `KMeans(init="k-means++", n_init=...)`, in float64 on plain arrays.
 *
 * @module
 */
import { RandomStream, nextSeed } from "../../backend/random.js";
import { checkRowMatrix, squaredDistance, type RowMatrix } from "./points.js";

/** Options of {@link kmeans}. */
export interface KMeansOptions {
  /** Restarts from fresh k-means++ seeds; the run with the lowest inertia wins (default 10). */
  nInit?: number;
  /** Lloyd iterations per run at most (default 300). */
  maxIter?: number;
  /** Stop when the summed squared shift of the centres falls below `tol` × the mean feature variance (default 1e-4). */
  tol?: number;
  /** Seed of the initialisations (default: a draw from the global stream, so `setSeed` fixes it). */
  seed?: number;
}

/** What {@link kmeans} returns. */
export interface KMeansResult {
  /** The cluster of each row, `0..k-1`. */
  labels: Int32Array;
  /** The centres, `k × cols` row-major. */
  centers: Float64Array;
  /** Sum of squared distances of rows to their centres. */
  inertia: number;
  /** Lloyd iterations of the winning run. */
  nIter: number;
}

/**
 * Greedy k-means++: the first centre uniformly, each next one the best (lowest potential) of
 * `2 + ⌊ln k⌋` candidates drawn with probability proportional to the squared distance to the
 * nearest centre so far.
 */
function kmeansPlusPlus(x: ArrayLike<number>, n: number, d: number, k: number, stream: RandomStream): Float64Array {
  const centers = new Float64Array(k * d);
  const trials = 2 + Math.floor(Math.log(k));
  const setCenter = (c: number, row: number) => {
    for (let j = 0; j < d; j++) centers[c * d + j] = x[row * d + j]!;
  };
  setCenter(0, Math.floor(stream.uniform() * n));
  const closest = new Float64Array(n);
  let potential = 0;
  for (let i = 0; i < n; i++) potential += closest[i] = squaredDistance(x, i, centers, 0, d);
  const trial = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    let bestRow = -1;
    let bestPotential = Infinity;
    let bestDist: Float64Array | undefined;
    for (let t = 0; t < trials; t++) {
      // Sample a row with probability closest[i] / potential (uniform if all are zero).
      let row = n - 1;
      if (potential > 0) {
        let u = stream.uniform() * potential;
        for (let i = 0; i < n; i++) {
          u -= closest[i]!;
          if (u < 0) {
            row = i;
            break;
          }
        }
      } else {
        row = Math.floor(stream.uniform() * n);
      }
      let pot = 0;
      for (let i = 0; i < n; i++) pot += trial[i] = Math.min(closest[i]!, squaredDistance(x, i, x, row, d));
      if (pot < bestPotential) {
        bestPotential = pot;
        bestRow = row;
        bestDist = Float64Array.from(trial);
      }
    }
    setCenter(c, bestRow);
    closest.set(bestDist!);
    potential = bestPotential;
  }
  return centers;
}

/** Assigns each row to its nearest centre; returns the inertia. */
function assign(x: ArrayLike<number>, n: number, d: number, centers: Float64Array, k: number, labels: Int32Array): number {
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestDist = Infinity;
    for (let c = 0; c < k; c++) {
      const dist = squaredDistance(x, i, centers, c, d);
      if (dist < bestDist) {
        bestDist = dist;
        best = c;
      }
    }
    labels[i] = best;
    inertia += bestDist;
  }
  return inertia;
}

/** One Lloyd run from `centers` (updated in place). */
function lloyd(x: ArrayLike<number>, n: number, d: number, k: number, centers: Float64Array, maxIter: number, tolShift: number): KMeansResult {
  const labels = new Int32Array(n);
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  let iter = 0;
  for (; iter < maxIter; iter++) {
    assign(x, n, d, centers, k, labels);
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const c = labels[i]!;
      counts[c]! += 1;
      for (let j = 0; j < d; j++) sums[c * d + j]! += x[i * d + j]!;
    }
    let shift = 0;
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue; // an empty cluster keeps its centre
      for (let j = 0; j < d; j++) {
        const v = sums[c * d + j]! / counts[c]!;
        shift += (v - centers[c * d + j]!) ** 2;
        centers[c * d + j] = v;
      }
    }
    if (shift <= tolShift) {
      iter += 1;
      break;
    }
  }
  const inertia = assign(x, n, d, centers, k, labels);
  return { labels, centers, inertia, nIter: iter };
}

/**
 * Clusters the rows of `points` into `k` groups: `nInit` runs of Lloyd's algorithm from greedy
 * k-means++ seeds, keeping the run of lowest inertia. Deterministic for a given `seed`.
 *
 * @example
 * ```ts
 * const { labels } = kmeans({ shape: [4, 1], data: [0, 0.1, 10, 10.2] }, 2, { seed: 0 });
 * // labels: [a, a, b, b] with a ≠ b
 * ```
 */
export function kmeans(points: RowMatrix, k: number, options: KMeansOptions = {}): KMeansResult {
  checkRowMatrix(points, "kmeans");
  const [n, d] = points.shape;
  if (!Number.isInteger(k) || k < 1 || k > n) throw new Error(`kmeans: k must be an integer in 1..${n} (the number of rows), got ${k}`);
  const nInit = options.nInit ?? 10;
  const maxIter = options.maxIter ?? 300;
  if (!Number.isInteger(nInit) || nInit < 1) throw new Error(`kmeans: nInit must be a positive integer, got ${nInit}`);
  if (!Number.isInteger(maxIter) || maxIter < 1) throw new Error(`kmeans: maxIter must be a positive integer, got ${maxIter}`);
  const x = points.data;
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) throw new Error(`kmeans: row ${Math.floor(i / d)}, column ${i % d} is ${x[i]}`);
  }
  // scikit-learn's tolerance: tol × mean over features of the variance.
  let meanVar = 0;
  for (let j = 0; j < d; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += x[i * d + j]!;
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (x[i * d + j]! - m) ** 2;
    meanVar += v / n;
  }
  const tolShift = (options.tol ?? 1e-4) * (d > 0 ? meanVar / d : 0);
  const stream = new RandomStream(options.seed ?? nextSeed());
  let best: KMeansResult | undefined;
  for (let run = 0; run < nInit; run++) {
    const result = lloyd(x, n, d, k, kmeansPlusPlus(x, n, d, k, stream), maxIter, tolShift);
    if (!best || result.inertia < best.inertia) best = result;
  }
  return best!;
}
