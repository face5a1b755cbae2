/**
 * Neural-network building blocks of scvi-ts (scvi-tools' `scvi.nn`): a PyTorch-like
 * {@link Module} base with named parameters, buffers, train/eval modes and state dicts;
 * `Linear`, `BatchNorm1d`, `LayerNorm`, `Dropout`, `ReLU`; and scvi-tools' `FCLayers`,
 * `Encoder` and `DecoderSCVI`. Dense layers use {@link dense}, whose gradient avoids the
 * WebAssembly backend's slow transposed matMul.
 *
 * @module
 */
export { Module, ModuleDict, type StateDict, type StateEntry, type LoadStateDictOptions } from "./module.js";
export { dense, preferredLayout, type DenseLayout } from "./dense.js";
export { uniformInit, linearInitBound } from "./init.js";
export { Linear, type LinearOptions } from "./linear.js";
export { BatchNorm1d, batchNormTrain, type BatchNorm1dOptions, type BatchNormTrainOptions, type RunningStatistics } from "./batchnorm.js";
export { LayerNorm, type LayerNormOptions } from "./layernorm.js";
export { Dropout } from "./dropout.js";
export { ReLU, logSoftmax } from "./activation.js";
export { oneHotCovariates, effectiveCategoryCounts } from "./covariates.js";
export { FCLayers, FCLayer, type FCLayersOptions, type FCLayerOptions } from "./fclayers.js";
export { Encoder, type EncoderOptions, type EncoderOutput, type EncodeArgs } from "./encoder.js";
export {
  DecoderSCVI,
  type DecoderSCVIOptions,
  type DecoderSCVIOutput,
  type Dispersion,
} from "./decoder-scvi.js";
