/**
 * The whole kit as one suite: every invariant that concerns a single estimator, as named
 * fast-check properties, and a runner that asserts them with a fixed seed.
 * @module
 */
import fc from "fast-check";
import { arbConjugateCase } from "./arbitraries.js";
import type { ConjugateCase } from "./conjugate/case.js";
import type { LocalLatentCase } from "./conjugate/local-normal.js";
import { elboBelowEvidence, exactPosteriorIsTight, gapIsKL } from "./checks/bounds.js";
import { lossesAgree } from "./checks/consistency.js";
import type { EstimatorFactory } from "./checks/context.js";
import { pathwiseGradientUnbiased, scoreFunctionGradientUnbiased } from "./checks/gradients.js";
import { scaleAndMaskCompose } from "./checks/scale-mask.js";
import { localSubsamplingConsistent, subsampledElboUnbiased } from "./checks/subsampling.js";
import { vectorizedMatchesLooped } from "./checks/agreement.js";

/** Options of {@link estimatorProperties} and {@link assertEstimatorProperties}. */
export interface SuiteOptions {
  /** Particles of the estimator used by single-estimator checks (default 1). */
  numParticles?: number;
  /** Whether those particles are vectorized (default false). */
  vectorizeParticles?: boolean;
  /** Monte Carlo draws per statistical check (default: each check's own). */
  draws?: number;
  /** Standard errors allowed (default 4). */
  z?: number;
  /** The conjugate cases to generate (default: every family; score-function checks use Normal–Normal unless given). */
  cases?: fc.Arbitrary<ConjugateCase>;
  /**
   * Leave out invariants by name (e.g. `["vectorizedMatchesLooped"]` for an estimator without
   * vectorization, `["exactPosteriorIsTight"]` for one with an analytic KL term).
   */
  skip?: readonly string[];
}

/** A property of the kit: over conjugate cases (with a particle count and vectorization flag) or local-latent cases. */
export type KitProperty =
  | fc.IPropertyWithHooks<[ConjugateCase]>
  | fc.IPropertyWithHooks<[ConjugateCase, number, boolean]>
  | fc.IPropertyWithHooks<[LocalLatentCase]>;

/**
 * The kit's invariants for the estimators `factory` builds, as named properties (invariants
 * 1, 2, 3, 5, 6, 7, 8 and 10; 4 concerns importance-weighted bounds and 9 a pair of estimators).
 */
export function estimatorProperties(factory: EstimatorFactory, options: SuiteOptions = {}): Record<string, KitProperty> {
  const estimator = factory({ numParticles: options.numParticles ?? 1, vectorizeParticles: options.vectorizeParticles ?? false });
  const cases = options.cases;
  const check = { draws: options.draws, z: options.z, cases };
  const all: Record<string, KitProperty> = {
    elboBelowEvidence: elboBelowEvidence(estimator, check),
    exactPosteriorIsTight: exactPosteriorIsTight(factory, { z: options.z, cases }),
    gapIsKL: gapIsKL(estimator, check),
    pathwiseGradientUnbiased: pathwiseGradientUnbiased(estimator, check),
    scoreFunctionGradientUnbiased: scoreFunctionGradientUnbiased(estimator, { ...check, cases: cases ?? arbConjugateCase({ families: ["normal-normal"] }) }),
    lossesAgree: lossesAgree(estimator, { z: options.z, cases }),
    subsampledElboUnbiased: subsampledElboUnbiased(estimator, { ...check, cases: cases?.filter((c) => c.data.length >= 2) }),
    localSubsamplingConsistent: localSubsamplingConsistent(estimator, { draws: options.draws, z: options.z }),
    scaleAndMaskCompose: scaleAndMaskCompose(estimator, { cases }),
    vectorizedMatchesLooped: vectorizedMatchesLooped(factory, { z: options.z, cases, draws: options.draws }),
  };
  for (const name of options.skip ?? []) delete all[name];
  return all;
}

/**
 * Asserts every property of {@link estimatorProperties} with fast-check (fixed `seed`, default
 * 42; `numRuns` cases each, default 3). A failure names the invariant, fast-check's seed and
 * counterexample, and the numbers.
 *
 * @example
 * ```ts
 * import { assertEstimatorProperties } from "scvi-ts/testing";
 * assertEstimatorProperties((o) => new MyELBO(o), { numRuns: 5 });
 * ```
 */
export function assertEstimatorProperties(factory: EstimatorFactory, options: SuiteOptions & { seed?: number; numRuns?: number } = {}): void {
  const properties = estimatorProperties(factory, options);
  for (const [name, property] of Object.entries(properties)) {
    try {
      fc.assert(property as fc.IPropertyWithHooks<[ConjugateCase]>, { seed: options.seed ?? 42, numRuns: options.numRuns ?? 3 });
    } catch (err) {
      throw new Error(`invariant '${name}' failed:\n${(err as Error).message}`);
    }
  }
}
