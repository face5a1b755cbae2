/**
 * The kit's invariants hold for TraceELBO, looped and with vectorized particles. Statistical
 * checks use many vectorized particles per estimate so that few estimates give small standard
 * errors (the tolerance is derived from them).

 */
import { describe, it } from "vitest";
import fc from "fast-check";
import { TraceELBO } from "../../src/infer/index.js";
import * as kit from "../../src/testing/index.js";

const factory: kit.EstimatorFactory = (o) => new TraceELBO(o);
const looped = new TraceELBO();
const vectorized = new TraceELBO({ numParticles: 32, vectorizeParticles: true });
const run = (p: kit.KitProperty, numRuns: number) => fc.assert(p as fc.IPropertyWithHooks<[kit.ConjugateCase]>, { seed: 42, numRuns });

describe("TraceELBO satisfies the kit's invariants", () => {
  it("1. E[ELBO] ≤ log p(x) (looped and vectorized)", () => {
    run(kit.elboBelowEvidence(looped, { draws: 40 }), 2);
    run(kit.elboBelowEvidence(vectorized, { draws: 16 }), 3);
  });

  it("2. with the exact posterior guide every ELBO sample is log p(x), for any particle count", () => {
    run(kit.exactPosteriorIsTight(factory), 12);
  });

  it("3. log p(x) − E[ELBO] = KL(q ‖ p(z|x)) (looped and vectorized)", () => {
    run(kit.gapIsKL(looped, { draws: 40 }), 2);
    run(kit.gapIsKL(vectorized, { draws: 20 }), 5);
  });

  it("5. pathwise and score-function gradients are unbiased", () => {
    run(kit.pathwiseGradientUnbiased(vectorized, { draws: 20 }), 4);
    run(kit.scoreFunctionGradientUnbiased(vectorized, { draws: 20 }), 4);
  });

  it("6. loss, differentiableLoss and SVI.step agree under one seed", () => {
    run(kit.lossesAgree(looped), 4);
    run(kit.lossesAgree(vectorized), 3);
  });

  it("7. subsampled plates: unbiased ELBO, guide and model see the same indices", () => {
    run(kit.subsampledElboUnbiased(vectorized, { draws: 20 }), 4);
    fc.assert(kit.localSubsamplingConsistent(vectorized, { draws: 20 }), { seed: 42, numRuns: 4 });
    fc.assert(kit.localSubsamplingConsistent(looped, { draws: 40 }), { seed: 42, numRuns: 2 });
  });

  it("8. scale multiplies, nested scales multiply, mask(false) zeroes, masks combine by AND", () => {
    run(kit.scaleAndMaskCompose(looped), 6);
    run(kit.scaleAndMaskCompose(vectorized), 3);
  });
});
