/**
 * scvi-ts/distributions: probability distributions, constraints, transforms, KL divergences
 * and special functions.
 * @module
 */
export { Distribution, setValidateArgs, getValidateArgs, type DistributionOptions } from "./distribution.js";
export type { TensorInput } from "../backend/tensor.js";
export * as constraints from "./constraints.js";
export { Constraint } from "./constraints.js";
export {
  lgamma,
  digamma,
  trigamma,
  tetragamma,
  logBeta,
  log1p,
  log1mexp,
  softplus,
  logSigmoid,
  logSumExp,
} from "./special.js";
export { Independent } from "./independent.js";
export { ExpandedDistribution } from "./expanded.js";
export { MaskedDistribution } from "./masked.js";
export { TransformedDistribution } from "./transformed-distribution.js";
export { MultivariateNormal, type MultivariateNormalScale } from "./multivariate-normal.js";
export { LowRankMultivariateNormal } from "./low-rank-multivariate-normal.js";
export { positiveDefinite } from "./positive-definite.js";
export * from "./transforms/index.js";
export * as linalg from "./linalg.js";
export { Normal } from "./normal.js";
export { LogNormal } from "./log-normal.js";
export { HalfNormal } from "./half-normal.js";
export { Exponential } from "./exponential.js";
export { Uniform } from "./uniform.js";
export { Laplace } from "./laplace.js";
export { klDivergence, registerKL, registeredKLPairs, type DistributionClass, type KLFunction } from "./kl/index.js";
export { StudentT } from "./student-t.js";
export { Gamma } from "./gamma.js";
export { Beta } from "./beta.js";
export { Dirichlet } from "./dirichlet.js";
export { standardGamma, logStandardGamma } from "./samplers/gamma.js";
export { Bernoulli, type BernoulliParams } from "./bernoulli.js";
export { Binomial, type BinomialParams } from "./binomial.js";
export { Categorical, type CategoricalParams } from "./categorical.js";
export { OneHotCategorical } from "./one-hot-categorical.js";
export { Multinomial, type MultinomialParams } from "./multinomial.js";
export { Poisson, poissonLogProb } from "./poisson.js";
export { NegativeBinomial, type NegativeBinomialParams, type NegativeBinomialParameterization } from "./negative-binomial.js";
export { GammaPoisson } from "./gamma-poisson.js";
export { ZeroInflatedPoisson } from "./zero-inflated-poisson.js";
export { ZeroInflatedNegativeBinomial, type ZeroInflatedNegativeBinomialParams } from "./zero-inflated-negative-binomial.js";
export { type GateParams } from "./zero-inflation.js";
export { Delta, type DeltaOptions } from "./delta.js";
export { nbLogProb, zinbLogProb } from "./nb-log-prob.js";
export { samplePoisson } from "./samplers/poisson.js";
export { sampleBinomial } from "./samplers/binomial.js";
export { sampleMultinomial } from "./samplers/multinomial.js";
export { sampleCategorical } from "./samplers/categorical.js";
