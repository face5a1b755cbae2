/**
 * Importance sampling with a guide as the proposal: log-weights `log p(x, z) − log q(z)`, the
 * log-evidence estimate `log p(x) ≈ logsumexp_i log w_i − log N` with its effective sample
 * size, and the importance-weighted (IWAE) bound (Pyro's `pyro/infer/importance.py`).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ELBOEstimator, ModelFn } from "./elbo/estimator.js";
import { isReparameterized } from "./elbo/site-terms.js";
import { logWeightTensor } from "./importance-weights.js";

/** Options of {@link logEvidence} and {@link importanceLogWeights}. */
export interface ImportanceOptions {
  /** How many importance samples (guide draws). */
  numSamples: number;
  /**
   * Draw all samples at once inside an outer plate (the model and guide must broadcast over a
   * new leftmost batch dim); default false: one guide and model execution per sample.
   */
  vectorize?: boolean;
}

/** The result of {@link logEvidence}. */
export interface LogEvidenceResult {
  /** The estimate of `log p(x)`: `logsumexp_i log w_i − log N`. */
  readonly logEvidence: number;
  /** The effective sample size `(Σ w)² / Σ w²`, between 1 and N. */
  readonly ess: number;
  /** The log-weights `log p(x, z_i) − log q(z_i)`. */
  readonly logWeights: Float32Array;
}

/** `log Σ exp(x_i)` in float64. */
export function logSumExp(x: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) max = Math.max(max, x[i]!);
  if (max === -Infinity || !Number.isFinite(max)) return max;
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.exp(x[i]! - max);
  return max + Math.log(sum);
}

/**
 * The log importance weight of one guide draw, as a scalar tensor: the model's log-density at
 * the guide's draw (scaled and masked, every sample site the guide also samples and every
 * observed site) minus the guide's. Latent model sites that the guide does not sample are
 * drawn from their prior and left out of both sums (the prior is their proposal). Gradients
 * flow pathwise through reparameterized guide draws.
 */
export function logImportanceWeight<A extends unknown[]>(model: ModelFn<A>, guide: ModelFn<A>, ...args: A): tf.Scalar {
  return tf.tidy(() => tf.squeeze(logWeightTensor(model, guide, args, { numSamples: 1 }).logWeights) as tf.Scalar);
}

/** `numSamples` log importance weights (see {@link logImportanceWeight}), in float64. */
export function importanceLogWeights<A extends unknown[]>(
  model: ModelFn<A>,
  guide: ModelFn<A>,
  options: ImportanceOptions,
  ...args: A
): Float64Array {
  const w = tf.tidy(() => logWeightTensor(model, guide, args, options).logWeights);
  const out = Float64Array.from(w.dataSync());
  w.dispose();
  return out;
}

/**
 * Estimates the log-evidence `log p(x)` by importance sampling with the guide as proposal:
 * `logsumexp_i log w_i − log N` with `w_i = p(x, z_i) / q(z_i)`, `z_i ~ q`. The estimate is
 * consistent and, by Jensen, biased low in expectation (it is the IWAE bound with `N` samples).
 * Also returns the effective sample size `(Σ w)² / Σ w²`.
 *
 * @example
 * ```ts
 * const { logEvidence, ess } = logEvidence(model, guide, { numSamples: 1000 }, data);
 * ```
 */
export function logEvidence<A extends unknown[]>(model: ModelFn<A>, guide: ModelFn<A>, options: ImportanceOptions, ...args: A): LogEvidenceResult {
  const lw = importanceLogWeights(model, guide, options, ...args);
  const lse = logSumExp(lw);
  const lse2 = logSumExp(lw.map((v) => 2 * v));
  const ess = Number.isFinite(lse) ? Math.exp(2 * lse - lse2) : 0;
  return { logEvidence: lse - Math.log(lw.length), ess, logWeights: Float32Array.from(lw) };
}

/**
 * One draw of the importance-weighted bound `L_K = logsumexp_k log w_k − log K` (Burda et al.):
 * `E[L_1]` is the ELBO, `E[L_K]` increases with `K` and stays ≤ `log p(x)`.
 */
export function iwaeBound<A extends unknown[]>(model: ModelFn<A>, guide: ModelFn<A>, options: ImportanceOptions, ...args: A): number {
  const lw = importanceLogWeights(model, guide, options, ...args);
  return logSumExp(lw) - Math.log(lw.length);
}

/** Options of {@link ImportanceWeightedELBO}. */
export interface ImportanceWeightedELBOOptions {
  /** Importance samples K per bound (default 8); K = 1 is the ELBO. */
  numSamples?: number;
  /** Draw the K samples at once inside a plate (default false). */
  vectorizeSamples?: boolean;
}

/**
 * The importance-weighted bound `L_K = logsumexp_k log w_k − log K` as an ELBO estimator
 * (Burda et al.'s IWAE; its loss is `−L_K`). `E[L_K]` increases with `K` towards `log p(x)`.
 * Gradients are pathwise: every guide site must be reparameterized (a non-reparameterized
 * site throws naming it).
 *
 * @example
 * ```ts
 * const svi = new SVI(model, guide, new Adam({ lr: 0.01 }), new ImportanceWeightedELBO({ numSamples: 16 }));
 * ```
 */
export class ImportanceWeightedELBO implements ELBOEstimator {
  /** K, the number of importance samples per bound. */
  readonly numSamples: number;
  /** Whether the K samples are vectorized. */
  readonly vectorizeSamples: boolean;

  constructor(options: ImportanceWeightedELBOOptions = {}) {
    this.numSamples = options.numSamples ?? 8;
    if (!Number.isInteger(this.numSamples) || this.numSamples < 1) {
      throw new Error(`ImportanceWeightedELBO: numSamples must be a positive integer, got ${this.numSamples}`);
    }
    this.vectorizeSamples = options.vectorizeSamples ?? false;
  }

  /** `−L_K` for one set of K draws. */
  loss<A extends unknown[]>(model: ModelFn<A>, guide: ModelFn<A>, ...args: A): number {
    return -iwaeBound(model, guide, { numSamples: this.numSamples, vectorize: this.vectorizeSamples }, ...args);
  }

  /** `−L_K` as a differentiable scalar (pathwise gradient). */
  differentiableLoss<A extends unknown[]>(model: ModelFn<A>, guide: ModelFn<A>, ...args: A): tf.Scalar {
    return tf.tidy(() => {
      const { logWeights, guideTraces } = logWeightTensor(model, guide, args, { numSamples: this.numSamples, vectorize: this.vectorizeSamples });
      for (const site of guideTraces.flatMap((t) => t.sampleSites())) {
        if (!isReparameterized(site)) {
          throw new Error(
            `ImportanceWeightedELBO: guide site '${site.name}' (${site.fn?.name}) is not reparameterized; this estimator has pathwise gradients only`,
          );
        }
      }
      return tf.neg(tf.sub(tf.logSumExp(logWeights), Math.log(this.numSamples))) as tf.Scalar;
    });
  }
}
