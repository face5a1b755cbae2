/**
 * Importance-weighted bounds `L_K = logsumexp_k log w_k − log K`: `E[L_1]` is the ELBO,
 * `E[L_K]` does not decrease with `K` and stays ≤ `log p(x)`, and with the exact posterior as
 * proposal every `L_K` is `log p(x)`.
 * @module
 */
import fc from "fast-check";
import type { ELBOEstimator } from "../../infer/elbo/estimator.js";
import { ImportanceWeightedELBO } from "../../infer/importance.js";
import { arbConjugateCase } from "../arbitraries.js";
import type { ConjugateCase } from "../conjugate/case.js";
import { estimate, expectEqual, expectMeanAtMost, expectMeanClose, InvariantError, type Estimate } from "../stats.js";
import { inCase, lossDraws, type CheckOptions, type PropertyOptions } from "./context.js";

/** Builds the bound with K importance samples as an estimator (its loss is `−L_K`). */
export type BoundFactory = (numSamples: number) => ELBOEstimator;

/** Our importance-weighted bound, {@link ImportanceWeightedELBO} (samples vectorized). */
export const defaultBoundFactory: BoundFactory = (numSamples) => new ImportanceWeightedELBO({ numSamples, vectorizeSamples: true });

/** Options of the importance-weighted bound check. */
export interface ImportanceBoundOptions extends CheckOptions {
  /** The sample counts K compared, increasing (default [1, 3, 9]; must start at 1). */
  ks?: readonly number[];
}

/**
 * Invariant 4: for each K in `ks` (increasing, starting at 1), the mean of `draws` (default
 * 60) bounds `L_K` is ≤ `log p(x)`; consecutive means do not decrease (within `z` standard
 * errors of their difference); `E[L_1]` is the ELBO `log p(x) − KL`; and with the exact
 * posterior as proposal, `L_K = log p(x)` for every K.
 */
export function assertImportanceBoundsMonotone(factory: BoundFactory, c: ConjugateCase, options: ImportanceBoundOptions = {}): void {
  const ks = options.ks ?? [1, 3, 9];
  if (ks[0] !== 1 || ks.some((k, i) => i > 0 && !(k > ks[i - 1]!))) {
    throw new Error(`assertImportanceBoundsMonotone: ks must increase from 1, got [${ks.join(", ")}]`);
  }
  const draws = options.draws ?? 60;
  inCase(c.seed, "importance-bounds", () => {
    const means: Estimate[] = ks.map((k) => estimate(lossDraws(factory(k), c.model, c.guide, [], draws).map((l) => -l)));
    const context = `K = [${ks.join(", ")}], means [${means.map((m) => `${m.mean.toPrecision(6)}±${m.se.toPrecision(2)}`).join(", ")}]\n${String(c)}`;
    means.forEach((m, i) => expectMeanAtMost(`E[L_${ks[i]}] <= log p(x)`, m, c.logEvidence, options, context));
    const kl = c.klToPosterior(c.guideInit);
    expectMeanClose("E[L_1] = ELBO = log p(x) − KL", means[0]!, c.logEvidence - kl, options, context);
    const z = options.z ?? 4;
    for (let i = 1; i < means.length; i++) {
      const a = means[i - 1]!;
      const b = means[i]!;
      const allowed = z * Math.hypot(a.se, b.se) + 1e-4 * (1 + Math.abs(c.logEvidence));
      if (!(b.mean - a.mean >= -allowed)) {
        throw new InvariantError(`E[L_K] decreased from K=${ks[i - 1]} to K=${ks[i]} by ${a.mean - b.mean} (> ${allowed})\n${context}`);
      }
    }
    const exact = c.exactPosteriorGuide();
    const tol = options.absTol ?? 2e-4 * (1 + Math.abs(c.logEvidence) + c.data.length);
    for (const k of ks) {
      const bound = -factory(k).loss(c.model, exact);
      expectEqual(`L_${k} with the exact posterior as proposal = log p(x)`, bound, c.logEvidence, tol, String(c));
    }
  });
}

/** Invariant 4 as a property over generated cases. */
export function importanceBoundsMonotone(factory: BoundFactory = defaultBoundFactory, options: PropertyOptions & ImportanceBoundOptions = {}) {
  return fc.property(options.cases ?? arbConjugateCase(), (c) => assertImportanceBoundsMonotone(factory, c, options));
}
