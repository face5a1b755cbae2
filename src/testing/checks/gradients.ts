/**
 * Unbiased gradients: the mean over seeds of an estimator's gradient (of its
 * `differentiableLoss` with respect to the guide's unconstrained params) matches the analytic
 * gradient `∇ KL(q ‖ p(z | x))`, for pathwise (reparameterized) and score-function guide
 * sites.
 * @module
 */
import fc from "fast-check";
import type { ELBOEstimator } from "../../infer/elbo/estimator.js";
import { arbConjugateCase } from "../arbitraries.js";
import type { ConjugateCase } from "../conjugate/case.js";
import { estimate, expectMeanClose } from "../stats.js";
import { analyticLossGradient, createParams, gradientDraws, inCase, type CheckOptions, type PropertyOptions } from "./context.js";

/** Options of the gradient checks. */
export interface GradientOptions extends CheckOptions {
  /** Force the score-function estimator at the latent guide site (default false: pathwise when available). */
  scoreFunction?: boolean;
}

/**
 * Invariant 5: over `draws` (default 200) seeds, the mean gradient of the loss with respect to
 * each unconstrained guide param is within `z` standard errors of the analytic gradient.
 */
export function assertGradientUnbiased(estimator: ELBOEstimator, c: ConjugateCase, options: GradientOptions = {}): void {
  const label = options.scoreFunction ? "score-function" : "pathwise";
  inCase(c.seed, `gradient-${label}`, (store) => {
    const guide = c.guideFamily({ scoreFunction: options.scoreFunction ?? false });
    createParams(guide);
    const names = c.guideParams.map((p) => p.name);
    const draws = gradientDraws(estimator, c.model, guide, [], store, names, options.draws ?? 200);
    const analytic = analyticLossGradient(c);
    names.forEach((name, j) => {
      expectMeanClose(
        `${label} gradient of the loss w.r.t. unconstrained '${name}'`,
        estimate(draws[j]!),
        analytic[j]!,
        { z: options.z, absTol: options.absTol ?? 1e-3 * (1 + Math.abs(analytic[j]!)) },
        `analytic gradient [${analytic.map((g) => g.toPrecision(6)).join(", ")}]\n${String(c)}`,
      );
    });
  });
}

/** Invariant 5 (pathwise) as a property over generated cases. */
export function pathwiseGradientUnbiased(estimator: ELBOEstimator, options: PropertyOptions = {}) {
  return fc.property(options.cases ?? arbConjugateCase(), (c) => assertGradientUnbiased(estimator, c, { ...options, scoreFunction: false }));
}

/** Invariant 5 (score function) as a property over generated cases. */
export function scoreFunctionGradientUnbiased(estimator: ELBOEstimator, options: PropertyOptions = {}) {
  return fc.property(options.cases ?? arbConjugateCase(), (c) => assertGradientUnbiased(estimator, c, { ...options, scoreFunction: true }));
}
