/**
 * Plate subsampling: a subsample's log-density, scaled by `size / subsampleSize`, averages over
 * subsamples to the full-data value (so the subsampled ELBO is unbiased), and the guide and
 * the model see the same indices.
 * @module
 */
import fc from "fast-check";
import type { ELBOEstimator } from "../../infer/elbo/estimator.js";
import { arbConjugateCase, arbLocalNormal } from "../arbitraries.js";
import type { ConjugateCase } from "../conjugate/case.js";
import type { LocalLatentCase } from "../conjugate/local-normal.js";
import { estimate, expectMeanClose, InvariantError } from "../stats.js";
import { inCase, lossDraws, type CheckOptions } from "./context.js";

/** Options of the subsampling checks. */
export interface SubsampleOptions extends CheckOptions {
  /** Subsample size (default: about half the data, at least 1). */
  subsampleSize?: number;
}

function sizeFor(n: number, options: SubsampleOptions): number {
  const m = options.subsampleSize ?? Math.max(1, Math.floor(n / 2));
  return Math.min(m, n);
}

/**
 * Invariant 7 (global latent): with the data plate subsampled, the mean ELBO over `draws`
 * (default 300) draws of subsample and latent is the full-data expected ELBO
 * `log p(x) − KL(q ‖ p(z | x))`.
 */
export function assertSubsampledElboUnbiased(estimator: ELBOEstimator, c: ConjugateCase, options: SubsampleOptions = {}): void {
  const m = sizeFor(c.data.length, options);
  const model = () => c.likelihood(c.prior(), { subsampleSize: m });
  inCase(c.seed, "subsampled-elbo", () => {
    const elbos = lossDraws(estimator, model, c.guide, [], options.draws ?? 300).map((l) => -l);
    const target = c.logEvidence - c.klToPosterior(c.guideInit);
    expectMeanClose(`E[subsampled ELBO] (${m} of ${c.data.length}) = full-data E[ELBO]`, estimate(elbos), target, options, String(c));
  });
}

/**
 * Invariant 7 (local latents): with one latent per data point and the plate subsampled in
 * guide and model, every estimate's guide and model executions see the same indices (checked
 * pairwise, in order), and the mean ELBO over `draws` (default 300) draws is the full-data
 * expected ELBO.
 */
export function assertLocalSubsamplingConsistent(estimator: ELBOEstimator, c: LocalLatentCase, options: SubsampleOptions = {}): void {
  const m = sizeFor(c.data.length, options);
  const seenByGuide: number[][] = [];
  const seenByModel: number[][] = [];
  const guide = c.guide({ subsampleSize: m, onIndices: (idx) => seenByGuide.push(idx) });
  const model = c.model({ subsampleSize: m, onIndices: (idx) => seenByModel.push(idx) });
  inCase(c.seed, "local-subsampling", () => {
    const elbos = lossDraws(estimator, model, guide, [], options.draws ?? 300).map((l) => -l);
    if (seenByGuide.length !== seenByModel.length) {
      throw new InvariantError(`the guide ran ${seenByGuide.length} times but the model ${seenByModel.length} times\n${String(c)}`);
    }
    seenByGuide.forEach((g, i) => {
      const mIdx = seenByModel[i]!;
      if (g.length !== mIdx.length || g.some((v, j) => v !== mIdx[j])) {
        throw new InvariantError(`execution ${i}: the guide saw indices [${g.join(", ")}] but the model [${mIdx.join(", ")}]\n${String(c)}`);
      }
    });
    expectMeanClose(`E[subsampled ELBO] (${m} of ${c.data.length}, local latents) = full-data E[ELBO]`, estimate(elbos), c.expectedElbo, options, String(c));
  });
}

/** Invariant 7 (global latent) as a property over generated cases with at least 2 data points. */
export function subsampledElboUnbiased(estimator: ELBOEstimator, options: SubsampleOptions & { cases?: fc.Arbitrary<ConjugateCase> } = {}) {
  return fc.property(options.cases ?? arbConjugateCase({ minData: 2 }), (c) => assertSubsampledElboUnbiased(estimator, c, options));
}

/** Invariant 7 (local latents) as a property over generated local cases. */
export function localSubsamplingConsistent(estimator: ELBOEstimator, options: SubsampleOptions & { cases?: fc.Arbitrary<LocalLatentCase> } = {}) {
  return fc.property(options.cases ?? arbLocalNormal(), (c) => assertLocalSubsamplingConsistent(estimator, c, options));
}
