/**
 * The ELBO's relation to the evidence: `E[ELBO] ≤ log p(x)`; `log p(x) − E[ELBO]` is exactly
 * `KL(q ‖ p(z | x))`; and with the exact posterior as guide every ELBO sample is `log p(x)`.
 * @module
 */
import fc from "fast-check";
import type { ELBOEstimator } from "../../infer/elbo/estimator.js";
import { arbConjugateCase } from "../arbitraries.js";
import type { ConjugateCase } from "../conjugate/case.js";
import { estimate, expectEqual, expectMeanAtMost, expectMeanClose, InvariantError } from "../stats.js";
import { inCase, lossDraws, type CheckOptions, type EstimatorFactory, type PropertyOptions } from "./context.js";

/**
 * Invariant 1: the mean ELBO (`−loss`) over `draws` (default 200) draws with the case's
 * guide does not exceed `log p(x)` by more than `z` standard errors.
 */
export function assertElboBelowEvidence(estimator: ELBOEstimator, c: ConjugateCase, options: CheckOptions = {}): void {
  inCase(c.seed, "elbo-below-evidence", () => {
    const elbos = lossDraws(estimator, c.model, c.guide, [], options.draws ?? 200).map((l) => -l);
    expectMeanAtMost("E[ELBO] <= log p(x)", estimate(elbos), c.logEvidence, options, String(c));
  });
}

/** Invariant 1 as a property over generated cases. */
export function elboBelowEvidence(estimator: ELBOEstimator, options: PropertyOptions = {}) {
  return fc.property(options.cases ?? arbConjugateCase(), (c) => assertElboBelowEvidence(estimator, c, options));
}

/**
 * Invariant 3: `log p(x) − E[ELBO]` equals `KL(q ‖ p(z | x))` (closed form) within `z`
 * standard errors of the mean over `draws` (default 200) draws.
 */
export function assertGapIsKL(estimator: ELBOEstimator, c: ConjugateCase, options: CheckOptions = {}): void {
  inCase(c.seed, "gap-is-kl", () => {
    const elbos = lossDraws(estimator, c.model, c.guide, [], options.draws ?? 200).map((l) => -l);
    const kl = c.klToPosterior(c.guideInit);
    expectMeanClose("E[ELBO] = log p(x) − KL(q ‖ p(z|x))", estimate(elbos), c.logEvidence - kl, options, `KL = ${kl}\n${String(c)}`);
  });
}

/** Invariant 3 as a property over generated cases. */
export function gapIsKL(estimator: ELBOEstimator, options: PropertyOptions = {}) {
  return fc.property(options.cases ?? arbConjugateCase(), (c) => assertGapIsKL(estimator, c, options));
}

/**
 * The float32 allowance for "equal to log p(x)": the model and guide log-densities are
 * computed in float32, so allow `absTol` (default `2e-4 · (1 + |log p(x)| + n)`).
 */
function exactTolerance(c: ConjugateCase, options: CheckOptions): number {
  return options.absTol ?? 2e-4 * (1 + Math.abs(c.logEvidence) + c.data.length);
}

/**
 * Invariant 2: with the exact posterior as guide, every ELBO sample equals `log p(x)` (zero
 * variance), for the given particle count and vectorization; `draws` (default 3) estimates.
 * This holds for estimators built from the sampled log-ratio `log p(x, z) − log q(z)` (such
 * as `TraceELBO`); an estimator that replaces part of it by its expectation (an analytic KL,
 * as `TraceMeanFieldELBO` does) is exact only in expectation, which invariant 3 checks.
 */
export function assertExactPosteriorIsTight(
  factory: EstimatorFactory,
  c: ConjugateCase,
  particles: { numParticles: number; vectorizeParticles: boolean },
  options: CheckOptions = {},
): void {
  inCase(c.seed, "exact-posterior", () => {
    const estimator = factory(particles);
    const draws = lossDraws(estimator, c.model, c.exactPosteriorGuide(), [], options.draws ?? 3);
    const tol = exactTolerance(c, options);
    const context = `${particles.numParticles} particle(s)${particles.vectorizeParticles ? ", vectorized" : ""}\n${String(c)}`;
    draws.forEach((loss, i) => expectEqual(`ELBO sample ${i} with the exact posterior guide = log p(x)`, -loss, c.logEvidence, tol, context));
    const spread = Math.max(...draws) - Math.min(...draws);
    if (!(spread <= tol)) throw new InvariantError(`ELBO samples with the exact posterior guide vary by ${spread} (> ${tol})\n${context}`);
  });
}

/** Invariant 2 as a property over cases, particle counts 1..`maxParticles` (default 6) and vectorization. */
export function exactPosteriorIsTight(factory: EstimatorFactory, options: PropertyOptions & { maxParticles?: number } = {}) {
  return fc.property(
    options.cases ?? arbConjugateCase(),
    fc.integer({ min: 1, max: options.maxParticles ?? 6 }),
    fc.boolean(),
    (c, numParticles, vectorizeParticles) => assertExactPosteriorIsTight(factory, c, { numParticles, vectorizeParticles }, options),
  );
}
