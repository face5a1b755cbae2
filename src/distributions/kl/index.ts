/**
 * KL divergences: the registry and every registered pair (importing this module registers
 * them all).
 * @module
 */
import "./wrappers.js";
import "./normal.js";
import "./multivariate-normal.js";

export { klDivergence, registerKL, registeredKLPairs, type DistributionClass, type KLFunction } from "./registry.js";
