/**
 * scvi-ts/testing: a property-test kit for ELBO estimators. fast-check arbitraries generate
 * conjugate models with closed-form evidence and posterior (Normal–Normal, Gamma–Poisson,
 * Beta–Bernoulli, and a local-latent Normal model for subsampling), and checks assert the
 * invariants every correct estimator satisfies, with tolerances derived from Monte Carlo
 * standard errors under fixed seeds.
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { gapIsKL } from "scvi-ts/testing";
 * fc.assert(gapIsKL(new MyELBO()), { seed: 42, numRuns: 5 });
 * ```
 * @module
 */
export {
  arbNormalNormal,
  arbGammaPoisson,
  arbBetaBernoulli,
  arbConjugateCase,
  arbLocalNormal,
  type CaseSizeOptions,
} from "./arbitraries.js";
export {
  buildCase,
  type ConjugateCase,
  type ConjugateFamily,
  type GuideParamSpec,
  type GuideOptions,
  type GuideParams,
  type LikelihoodOptions,
  type FamilySpec,
} from "./conjugate/case.js";
export { normalNormalCase, klNormal, type NormalNormalInputs } from "./conjugate/normal-normal.js";
export { gammaPoissonCase, klGamma, type GammaPoissonInputs } from "./conjugate/gamma-poisson.js";
export { betaBernoulliCase, klBeta, type BetaBernoulliInputs } from "./conjugate/beta-bernoulli.js";
export { localNormalCase, type LocalLatentCase, type LocalNormalInputs, type LocalRunOptions } from "./conjugate/local-normal.js";
export { lgamma64, digamma64, logBeta64, normalLogPdf64, gammaLogPdf64, betaLogPdf64, poissonLogPmf64 } from "./special64.js";
export {
  estimate,
  differences,
  expectMeanClose,
  expectMeanAtMost,
  expectEqual,
  InvariantError,
  type Estimate,
  type Tolerance,
} from "./stats.js";
export {
  inCase,
  createParams,
  lossDraws,
  gradientDraws,
  analyticLossGradient,
  readGuideParams,
  type CheckOptions,
  type PropertyOptions,
  type EstimatorFactory,
} from "./checks/context.js";
export {
  assertElboBelowEvidence,
  elboBelowEvidence,
  assertExactPosteriorIsTight,
  exactPosteriorIsTight,
  assertGapIsKL,
  gapIsKL,
} from "./checks/bounds.js";
export {
  assertImportanceBoundsMonotone,
  importanceBoundsMonotone,
  defaultBoundFactory,
  type BoundFactory,
  type ImportanceBoundOptions,
} from "./checks/importance-bounds.js";
export {
  assertGradientUnbiased,
  pathwiseGradientUnbiased,
  scoreFunctionGradientUnbiased,
  type GradientOptions,
} from "./checks/gradients.js";
export { assertLossesAgree, lossesAgree } from "./checks/consistency.js";
export {
  assertSubsampledElboUnbiased,
  subsampledElboUnbiased,
  assertLocalSubsamplingConsistent,
  localSubsamplingConsistent,
  type SubsampleOptions,
} from "./checks/subsampling.js";
export { assertScaleAndMask, scaleAndMaskCompose } from "./checks/scale-mask.js";
export {
  assertEstimatorsAgree,
  estimatorsAgree,
  assertVectorizedMatchesLooped,
  vectorizedMatchesLooped,
  type VectorizeOptions,
} from "./checks/agreement.js";
export { estimatorProperties, assertEstimatorProperties, type SuiteOptions, type KitProperty } from "./suite.js";
