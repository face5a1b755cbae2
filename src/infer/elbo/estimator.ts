/**
 * The `ELBOEstimator` interface that every ELBO implements (ours and researchers' own), and
 * the shapes of models and guides.
 * @module
 */
import type * as tf from "@tensorflow/tfjs";

/** A model or guide: a synchronous function of the data that calls `sample`, `param`, `plate`. */
export type ModelFn<A extends unknown[]> = (...args: A) => unknown;

/** Where a non-finite log-density was found (see {@link ELBOEstimator.findNonFiniteSite}). */
export interface NonFiniteSite {
  /** Which program the site is in. */
  readonly program: "model" | "guide";
  /** The site's name. */
  readonly name: string;
  /** The particle (0-based) whose traces showed it (0 for vectorized particles). */
  readonly particle: number;
  /** The trace's shape table, for the error message. */
  readonly shapes: string;
}

/**
 * An estimator of the negative evidence lower bound (the loss minimised by SVI).
 *
 * `loss` returns the estimate as a number; `differentiableLoss` returns a scalar tensor whose
 * value is the same estimate (for the same draws) and whose gradient with respect to every
 * parameter is an unbiased estimate of the loss' gradient. The caller owns (and disposes) the
 * returned tensor.
 *
 * @example
 * ```ts
 * const elbo: ELBOEstimator = new TraceELBO({ numParticles: 4 });
 * const value = elbo.loss(model, guide, data);
 * ```
 */
export interface ELBOEstimator {
  /** The negative ELBO estimate, as a number (no gradient work). */
  loss<A extends unknown[]>(model: ModelFn<A>, guide: ModelFn<A>, ...args: A): number;
  /** The negative ELBO estimate as a differentiable scalar (surrogate gradient). */
  differentiableLoss<A extends unknown[]>(model: ModelFn<A>, guide: ModelFn<A>, ...args: A): tf.Scalar;
  /**
   * Optional diagnosis: re-runs the estimator's traces (under the caller's random stream, so a
   * seeded re-run reproduces a step) and returns the first site whose log-density is not
   * finite, or undefined. SVI falls back to one guide trace and a replayed model trace when an
   * estimator does not implement it.
   */
  findNonFiniteSite?<A extends unknown[]>(model: ModelFn<A>, guide: ModelFn<A>, ...args: A): NonFiniteSite | undefined;
}
