/**
 * Modules: the plain and Pyro-style module contracts, and scVI on both paths.
 * @module
 */
export { BaseModuleClass, type TensorDict, type ModuleOutputs, type LossKwargs, type ForwardOptions } from "./base/base-module.js";
export { PyroBaseModuleClass, type ObsPlateVars } from "./base/pyro-base-module.js";
export { LossOutput, type LossOutputInit, type LossRecord } from "./base/loss-output.js";
export { ScviCore, scviInputsFromBatch, type ScviInputs, type ScviEncoding, type ScviDecoding } from "./scvi-core.js";
export { resolveScviOptions, type ScviModuleOptions, type ResolvedScviOptions, type GeneLikelihood, type LatentDistribution } from "./scvi-options.js";
export { VAE, normalKl } from "./vae.js";
export { SCVIPyroModule } from "./scvi-pyro.js";
