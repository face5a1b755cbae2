/**
 * scvi-ts/infer: stochastic variational inference — ELBO estimators, `SVI`, optimizers and
 * learning-rate schedules.
 * @module
 */
export * from "./elbo/index.js";
export * from "./optim/index.js";
export { SVI, NonFiniteLossError, type SVIOptions } from "./svi.js";
export { ParamCaptureMessenger } from "./param-capture.js";
