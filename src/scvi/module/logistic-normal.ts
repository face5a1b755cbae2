/**
 * The logistic-normal family as LDA uses it: the Laplace approximation of a Dirichlet by a
 * logistic normal (so Dirichlet priors can be reparameterised), and the Monte Carlo mean of a
 * logistic-normal variable `softmax(y)`, `y ~ Normal(loc, scale)`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { nextSeed } from "../../backend/random.js";

/** Mean and standard deviation of a logistic normal, one per category. */
export interface LogisticNormalParams {
  /** The mean of the logits, `[K]`. */
  mu: Float64Array;
  /** The standard deviation of the logits, `[K]`. */
  sigma: Float64Array;
}

/**
 * The logistic-normal (softmax-basis Laplace) approximation of `Dirichlet(alpha)`
 * (Srivastava & Sutton 2017, as scvi-tools' `logistic_normal_approximation`):
 * `μ_k = log α_k − (1/K) Σ_j log α_j` and `σ_k² = (1 − 2/K) / α_k + (1/K²) Σ_j 1/α_j`.
 * Computed in double precision. Needs `K ≥ 2` finite positive concentrations.
 *
 * @example
 * ```ts
 * const { mu, sigma } = logisticNormalApproximation([0.1, 0.1, 0.1]); // mu = [0, 0, 0]
 * ```
 */
export function logisticNormalApproximation(alpha: ArrayLike<number>): LogisticNormalParams {
  const k = alpha.length;
  if (k < 2) throw new Error(`logisticNormalApproximation: needs at least 2 concentrations, got ${k}`);
  let sumLog = 0;
  let sumInv = 0;
  for (let i = 0; i < k; i++) {
    const a = alpha[i]!;
    if (!(a > 0) || !Number.isFinite(a)) {
      throw new Error(`logisticNormalApproximation: concentration ${i} is ${a}; concentrations must be finite and positive`);
    }
    sumLog += Math.log(a);
    sumInv += 1 / a;
  }
  const mu = new Float64Array(k);
  const sigma = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const a = alpha[i]!;
    mu[i] = Math.log(a) - sumLog / k;
    sigma[i] = Math.sqrt((1 - 2 / k) / a + sumInv / (k * k));
  }
  return { mu, sigma };
}

/** Elements per Monte Carlo chunk (bounds the memory of {@link logisticNormalMean}). */
const CHUNK_ELEMENTS = 1 << 21;

/**
 * The Monte Carlo estimate of `E[softmax(y)]` for `y ~ Normal(loc, scale)` (softmax along the
 * last axis) from `nSamples` draws, taken in chunks so memory stays bounded. Every row uses
 * the same standard-normal draws ε (common random numbers): each row's estimate is an
 * ordinary Monte Carlo mean with its usual error, and drawing `nSamples × D` normals instead
 * of `nSamples × rows × D` makes it several times faster (tfjs' normal sampler dominates
 * otherwise). Seeds come from the global stream (`setSeed` makes it reproducible). Returns a
 * tensor of `loc`'s shape whose rows sum to 1.
 *
 * @example
 * ```ts
 * const theta = logisticNormalMean(qm, tf.sqrt(qv), 5000); // [n, K]
 * ```
 */
export function logisticNormalMean(loc: tf.Tensor, scale: tf.Tensor, nSamples: number): tf.Tensor {
  if (!Number.isInteger(nSamples) || nSamples < 1) {
    throw new Error(`logisticNormalMean: nSamples must be a positive integer, got ${nSamples}`);
  }
  const perChunk = Math.max(1, Math.min(nSamples, Math.floor(CHUNK_ELEMENTS / Math.max(1, loc.size))));
  let total: tf.Tensor = tf.zeros(loc.shape);
  for (let done = 0; done < nSamples; done += perChunk) {
    const m = Math.min(perChunk, nSamples - done);
    const next = tf.tidy(() => {
      const d = loc.shape[loc.rank - 1]!;
      const eps = tf.randomNormal([m, ...loc.shape.slice(0, -1).map(() => 1), d], 0, 1, "float32", nextSeed());
      const draws = tf.softmax(tf.add(loc, tf.mul(scale, eps)), -1);
      // Σ over draws as a product with a row of ones: far faster than a sum over axis 0 on wasm.
      const summed = tf.matMul(tf.ones([1, m]), tf.reshape(draws, [m, loc.size]));
      return tf.add(total, tf.reshape(summed, loc.shape));
    });
    total.dispose();
    total = next;
  }
  const mean = tf.div(total, nSamples);
  total.dispose();
  return mean;
}
