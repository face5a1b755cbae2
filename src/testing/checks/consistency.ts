/**
 * One seed, one value: `loss`, the value of `differentiableLoss`, and what `SVI.step` returns
 * (the loss before the step) agree when run under the same seed.
 * @module
 */
import fc from "fast-check";
import { RandomStream, withRandomStream } from "../../backend/random.js";
import { SeedMessenger } from "../../ppl/handlers/seed.js";
import type { ELBOEstimator } from "../../infer/elbo/estimator.js";
import { SGD } from "../../infer/optim/sgd.js";
import { SVI } from "../../infer/svi.js";
import { arbConjugateCase } from "../arbitraries.js";
import type { ConjugateCase } from "../conjugate/case.js";
import { expectEqual, InvariantError } from "../stats.js";
import { inCase, type CheckOptions, type PropertyOptions } from "./context.js";

/**
 * Invariant 6: under one seed, `estimator.loss`, the value of
 * `estimator.differentiableLoss`, and the value `SVI.step` returns (it runs the estimator
 * under a seed drawn from the current stream) are equal up to float32 rounding (`absTol`,
 * default `1e-5 · (1 + |loss|)`), for `draws` (default 3) seeds.
 */
export function assertLossesAgree(estimator: ELBOEstimator, c: ConjugateCase, options: CheckOptions = {}): void {
  const draws = options.draws ?? 3;
  inCase(c.seed, "losses-agree", (store) => {
    const svi = new SVI(c.model, c.guide, new SGD({ lr: 1e-3 }), estimator, { store });
    for (let i = 0; i < draws; i++) {
      const streamSeed = `${c.seed}:losses-agree:${i}`;
      // The seed SVI.step will run its estimate under: the first draw of the stream.
      const stepSeed = new RandomStream(streamSeed).nextSeed();
      const loss = new SeedMessenger(stepSeed).run(() => estimator.loss(c.model, c.guide));
      const surrogate = new SeedMessenger(stepSeed).run(() => estimator.differentiableLoss(c.model, c.guide));
      const value = surrogate.dataSync()[0]!;
      surrogate.dispose();
      const stepped = withRandomStream(new RandomStream(streamSeed), () => svi.step());
      if (svi.lastStepSeed !== stepSeed) {
        throw new InvariantError(`SVI.step ran under seed ${svi.lastStepSeed}, expected ${stepSeed} (the first draw of the current stream)`);
      }
      const tol = options.absTol ?? 1e-5 * (1 + Math.abs(loss));
      expectEqual(`draw ${i}: loss vs differentiableLoss value`, loss, value, tol, String(c));
      expectEqual(`draw ${i}: loss vs SVI.step's value`, loss, stepped, tol, String(c));
    }
  });
}

/** Invariant 6 as a property over generated cases. */
export function lossesAgree(estimator: ELBOEstimator, options: PropertyOptions = {}) {
  return fc.property(options.cases ?? arbConjugateCase(), (c) => assertLossesAgree(estimator, c, options));
}
