/**
 * scvi-ts/infer: stochastic variational inference — ELBO estimators, `SVI`, optimizers and
 * learning-rate schedules.
 * @module
 */
export * from "./elbo/index.js";
export * from "./optim/index.js";
export { SVI, NonFiniteLossError, type SVIOptions } from "./svi.js";
export { ParamCaptureMessenger } from "./param-capture.js";
export * from "./autoguide/index.js";
export { Predictive, PREDICTIVE_PLATE, type PredictiveOptions } from "./predictive.js";
export {
  logEvidence,
  iwaeBound,
  importanceLogWeights,
  logImportanceWeight,
  ImportanceWeightedELBO,
  type ImportanceOptions,
  type LogEvidenceResult,
  type ImportanceWeightedELBOOptions,
} from "./importance.js";
export { logWeightTensor, IMPORTANCE_PLATE, type WeightOptions, type WeightDraws } from "./importance-weights.js";
