/**
 * KL divergences: the registry and every registered pair (importing this module registers
 * them all).
 * @module
 */
import "./wrappers.js";
import "./normal.js";
import "./gamma.js";
import "./beta.js";
import "./dirichlet.js";
import "./bernoulli.js";
import "./categorical.js";
import "./multivariate-normal.js";
import "./delta.js";

export { klDivergence, registerKL, registeredKLPairs, type DistributionClass, type KLFunction } from "./registry.js";
