/**
 * Two estimators of the same ELBO agree: in expectation (mean loss) and in expected gradient
 * (e.g. `TraceELBO` and `TraceMeanFieldELBO`); vectorized and looped particles agree in
 * expectation and, with one particle under one seed, exactly.
 * @module
 */
import fc from "fast-check";
import { RandomStream, withRandomStream } from "../../backend/random.js";
import type { ELBOEstimator } from "../../infer/elbo/estimator.js";
import { arbConjugateCase } from "../arbitraries.js";
import type { ConjugateCase } from "../conjugate/case.js";
import { estimate, expectEqual, InvariantError, type Estimate } from "../stats.js";
import { createParams, gradientDraws, inCase, lossDraws, type CheckOptions, type EstimatorFactory, type PropertyOptions } from "./context.js";

function expectSameMean(what: string, a: Estimate, b: Estimate, options: CheckOptions, context: string): void {
  const z = options.z ?? 4;
  const allowed = z * Math.hypot(a.se, b.se) + (options.absTol ?? 1e-4 * (1 + Math.abs(a.mean) + Math.abs(b.mean)));
  if (!(Math.abs(a.mean - b.mean) <= allowed)) {
    throw new InvariantError(
      `${what}: ${a.mean.toPrecision(6)} ± ${a.se.toPrecision(3)} vs ${b.mean.toPrecision(6)} ± ${b.se.toPrecision(3)} differ by ${(a.mean - b.mean).toPrecision(4)} (> ${allowed.toPrecision(4)})\n${context}`,
    );
  }
}

/**
 * Invariant 9: over `draws` (default 200) independent draws each, estimators `a` and `b` have
 * the same mean loss and the same mean gradient with respect to every unconstrained guide
 * param (within `z` standard errors of the difference).
 */
export function assertEstimatorsAgree(a: ELBOEstimator, b: ELBOEstimator, c: ConjugateCase, options: CheckOptions = {}): void {
  const draws = options.draws ?? 200;
  const names = c.guideParams.map((p) => p.name);
  const run = (est: ELBOEstimator, label: string) =>
    inCase(c.seed, `agree-${label}`, (store) => {
      createParams(c.guide);
      return {
        loss: estimate(lossDraws(est, c.model, c.guide, [], draws)),
        grads: gradientDraws(est, c.model, c.guide, [], store, names, draws).map((g) => estimate(g)),
      };
    });
  const ra = run(a, "a");
  const rb = run(b, "b");
  expectSameMean("mean losses of the two estimators", ra.loss, rb.loss, options, String(c));
  names.forEach((name, j) => expectSameMean(`mean gradients w.r.t. unconstrained '${name}'`, ra.grads[j]!, rb.grads[j]!, options, String(c)));
}

/** Invariant 9 as a property over generated cases. */
export function estimatorsAgree(a: ELBOEstimator, b: ELBOEstimator, options: PropertyOptions = {}) {
  return fc.property(options.cases ?? arbConjugateCase(), (c) => assertEstimatorsAgree(a, b, c, options));
}

/** Options of the vectorized-versus-looped check. */
export interface VectorizeOptions extends CheckOptions {
  /** Particles of the expectation comparison (default 4). */
  numParticles?: number;
  /** Seeds of the one-particle exact comparison (default 3). */
  exactDraws?: number;
}

/**
 * Invariant 10: with one particle, the vectorized and looped estimators give the same loss
 * under the same seed (to float32 rounding), for `exactDraws` (default 3) seeds; with
 * `numParticles` (default 4) particles their mean losses over `draws` (default 40) estimates
 * each agree.
 */
export function assertVectorizedMatchesLooped(factory: EstimatorFactory, c: ConjugateCase, options: VectorizeOptions = {}): void {
  const single = options.exactDraws ?? 3;
  inCase(c.seed, "vectorized-vs-looped", () => {
    const looped1 = factory({ numParticles: 1, vectorizeParticles: false });
    const vector1 = factory({ numParticles: 1, vectorizeParticles: true });
    for (let i = 0; i < single; i++) {
      const seed = `${c.seed}:vectorized-vs-looped:${i}`;
      const l = withRandomStream(new RandomStream(seed), () => looped1.loss(c.model, c.guide));
      const v = withRandomStream(new RandomStream(seed), () => vector1.loss(c.model, c.guide));
      expectEqual(`one particle, seed ${i}: looped vs vectorized loss`, l, v, options.absTol ?? 1e-5 * (1 + Math.abs(l)), String(c));
    }
    const k = options.numParticles ?? 4;
    const many = options.draws ?? 40;
    const looped = estimate(lossDraws(factory({ numParticles: k, vectorizeParticles: false }), c.model, c.guide, [], many));
    const vector = estimate(lossDraws(factory({ numParticles: k, vectorizeParticles: true }), c.model, c.guide, [], many));
    expectSameMean(`${k} particles: looped vs vectorized mean loss`, looped, vector, options, String(c));
  });
}

/** Invariant 10 as a property over generated cases. */
export function vectorizedMatchesLooped(factory: EstimatorFactory, options: PropertyOptions & VectorizeOptions = {}) {
  return fc.property(options.cases ?? arbConjugateCase(), (c) => assertVectorizedMatchesLooped(factory, c, options));
}
