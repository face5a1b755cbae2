/**
 * Optimizers over unconstrained variables and learning-rate schedules.
 * @module
 */
export {
  Optimizer,
  type OptimizerOptions,
  type OptimizerState,
  type VariableStateData,
  type VariableGrad,
  type SlotState,
} from "./optimizer.js";
export { Adam, AdamW, ClippedAdam, type AdamOptions, type ClippedAdamOptions } from "./adam.js";
export { SGD, type SGDOptions } from "./sgd.js";
export { clipGradNorm, globalNorm } from "./clip.js";
export {
  StepLR,
  ExponentialLR,
  ReduceLROnPlateau,
  type LRScheduler,
  type SchedulerState,
  type StepLROptions,
  type ReduceLROnPlateauOptions,
} from "./lr-scheduler.js";
