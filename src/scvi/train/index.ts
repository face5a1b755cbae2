/**
 * Training: plans for both module paths, the shared trainer, callbacks and the KL warm-up.
 * @module
 */
export { BaseTrainingPlan, type BasePlanOptions } from "./base-plan.js";
export { TrainingPlan, type TrainingPlanOptions } from "./training-plan.js";
export { PyroTrainingPlan, type PyroTrainingPlanOptions } from "./pyro-training-plan.js";
export { Trainer, type TrainerOptions, type FitResult, type BatchSource } from "./trainer.js";
export { TrainRunner } from "./train-runner.js";
export { EarlyStopping, type EarlyStoppingOptions, type Callback, type EpochContext } from "./callbacks.js";
export { computeKlWeight, warmupWarning, type KlWarmupOptions } from "./kl-weight.js";
export { EpochMetrics, type StepMetrics } from "./metrics.js";
export { appendEpoch, historyToCsv, type History } from "./history.js";
export { ProgressBar, type ProgressSink } from "./progress.js";
export { NonFiniteLossError } from "./errors.js";
