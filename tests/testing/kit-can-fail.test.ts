/**
 * The kit can fail: each deliberately biased estimator is caught by the check of the invariant
 * it breaks (and passes the checks of invariants it keeps, so the checks are specific), while
 * the suite runner passes TraceELBO.
 */
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import * as tf from "@tensorflow/tfjs";
import { TraceELBO, importanceLogWeights, type ELBOEstimator, type ModelFn } from "../../src/infer/index.js";
import { logSumExp } from "../../src/infer/importance.js";
import * as kit from "../../src/testing/index.js";
import { DriftingLossELBO, noEntropyELBO, noScoreFunctionELBO, unreplayedPlatesELBO, unscaledELBO } from "./biased-estimators.js";


/** Asserts the property fails with an InvariantError (not a crash), and returns the message. */
function expectCaught(property: kit.KitProperty, numRuns = 5): string {
  let caught: unknown;
  try {
    fc.assert(property as fc.IPropertyWithHooks<[kit.ConjugateCase]>, { seed: 42, numRuns, endOnFailure: true });
  } catch (err) {
    caught = err;
  }
  expect(caught, "the biased estimator passed").toBeDefined();
  const cause = (caught as { cause?: unknown }).cause;
  expect(cause).toBeInstanceOf(kit.InvariantError);
  return (cause as Error).message;
}

const passes = (property: kit.KitProperty, numRuns = 3) =>
  fc.assert(property as fc.IPropertyWithHooks<[kit.ConjugateCase]>, { seed: 42, numRuns });

describe("biased estimators are caught", () => {
  it("dropping the entropy term: caught by invariants 2, 3 and 9", () => {
    const biased = noEntropyELBO();
    expect(expectCaught(kit.gapIsKL(biased, { draws: 40 }))).toMatch(/KL/);
    expect(expectCaught(kit.exactPosteriorIsTight(() => noEntropyELBO()))).toMatch(/exact posterior/);
    expectCaught(kit.estimatorsAgree(new TraceELBO({ numParticles: 16, vectorizeParticles: true }), biased, { draws: 20 }), 3);
  });

  it("ignoring plate and handler scales: caught by invariants 7 and 8", () => {
    const biased = unscaledELBO();
    expect(expectCaught(kit.subsampledElboUnbiased(biased, { draws: 40 }))).toMatch(/subsampled/);
    expect(expectCaught(kit.scaleAndMaskCompose(biased))).toMatch(/scale/);
    // Without subsampling or scale handlers it is a correct ELBO.
    passes(kit.gapIsKL(biased, { draws: 40 }), 2);
  });

  it("forgetting the score-function term: caught by invariant 5 (score function), not by the pathwise check", () => {
    const biased = noScoreFunctionELBO();
    const cases = kit.arbConjugateCase({ families: ["normal-normal"] });
    expect(expectCaught(kit.scoreFunctionGradientUnbiased(biased, { draws: 60, cases }))).toMatch(/score-function gradient/);
    passes(kit.pathwiseGradientUnbiased(biased, { draws: 40 }), 2);
  });

  it("a model that does not replay the guide's subsample: caught by invariant 7", () => {
    let caught: unknown;
    try {
      fc.assert(kit.localSubsamplingConsistent(unreplayedPlatesELBO(), { draws: 20 }), { seed: 42, numRuns: 3, endOnFailure: true });
    } catch (err) {
      caught = err;
    }
    const cause = (caught as { cause?: unknown }).cause;
    expect(cause).toBeInstanceOf(kit.InvariantError);
    expect((cause as Error).message).toMatch(/the guide saw indices/);
  });

  it("a loss that draws other numbers than its differentiable loss: caught by invariant 6, unbiased otherwise", () => {
    const biased = new DriftingLossELBO();
    expect(expectCaught(kit.lossesAgree(biased))).toMatch(/loss vs/);
    passes(kit.gapIsKL(biased, { draws: 40 }), 2);
  });

  it("an importance-weighted bound without − log K: caught by invariant 4", () => {
    const withoutLogK: kit.BoundFactory = (k): ELBOEstimator => ({
      loss: <A extends unknown[]>(model: ModelFn<A>, guide: ModelFn<A>, ...args: A) =>
        -logSumExp(importanceLogWeights(model, guide, { numSamples: k, vectorize: true }, ...args)),
      differentiableLoss: () => tf.scalar(0),
    });
    expect(expectCaught(kit.importanceBoundsMonotone(withoutLogK, { draws: 20 }), 2)).toMatch(/L_/);
  });
});

describe("the suite runner", () => {
  it("passes TraceELBO and names the invariant a biased estimator breaks", () => {
    const options = { numParticles: 32, vectorizeParticles: true, draws: 16, numRuns: 1 };
    kit.assertEstimatorProperties((o) => new TraceELBO(o), options);
    expect(() => kit.assertEstimatorProperties(() => noEntropyELBO(), { ...options, numRuns: 3 })).toThrow(/invariant '(exactPosteriorIsTight|gapIsKL|elboBelowEvidence)' failed/);
  });
});
