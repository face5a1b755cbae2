/**
 * scvi-ts/distributions: probability distributions, constraints, transforms, KL divergences
 * and special functions.
 * @module
 */
export { Distribution, setValidateArgs, getValidateArgs, type DistributionOptions } from "./distribution.js";
export * as constraints from "./constraints.js";
export { Constraint } from "./constraints.js";
export { lgamma, digamma, trigamma, logBeta, log1mexp, softplus, logSigmoid, logSumExp } from "./special.js";
