/**
 * The kit's pairwise and importance-weighted invariants on our estimators: TraceELBO and
 * TraceMeanFieldELBO agree, vectorized and looped particles agree, importance-weighted bounds
 * increase towards log p(x).
 */
import { describe, it } from "vitest";
import fc from "fast-check";
import { TraceELBO, TraceMeanFieldELBO } from "../../src/infer/index.js";
import * as kit from "../../src/testing/index.js";

const run = (p: kit.KitProperty, numRuns: number) => fc.assert(p as fc.IPropertyWithHooks<[kit.ConjugateCase]>, { seed: 42, numRuns });

describe("pairs of estimators", () => {
  it("9. TraceELBO and TraceMeanFieldELBO agree in expectation and expected gradient", () => {
    const a = new TraceELBO({ numParticles: 32, vectorizeParticles: true });
    const b = new TraceMeanFieldELBO({ numParticles: 32, vectorizeParticles: true });
    run(kit.estimatorsAgree(a, b, { draws: 16 }), 3);
  });

  it("10. vectorized and looped particles agree (exactly with one particle)", () => {
    run(kit.vectorizedMatchesLooped((o) => new TraceELBO(o), { draws: 20 }), 3);
    run(kit.vectorizedMatchesLooped((o) => new TraceMeanFieldELBO(o), { draws: 20 }), 2);
  });

  it("TraceMeanFieldELBO also satisfies invariants 3 and 6 (2 holds only in expectation with an analytic KL)", () => {
    run(kit.gapIsKL(new TraceMeanFieldELBO({ numParticles: 32, vectorizeParticles: true }), { draws: 20 }), 3);
    run(kit.lossesAgree(new TraceMeanFieldELBO()), 3);
  });
});

describe("importance-weighted bounds", () => {
  it("4. E[L_K] increases with K, stays ≤ log p(x), is the ELBO at K = 1 and exact with the posterior as proposal", () => {
    run(kit.importanceBoundsMonotone(kit.defaultBoundFactory, { draws: 30 }), 3);
  });
});
