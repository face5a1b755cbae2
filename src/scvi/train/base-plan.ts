/**
 * The part of a training plan the {@link Trainer} drives: steps, epoch bookkeeping, the KL
 * warm-up and the hooks at epoch ends. `TrainingPlan` (plain modules) and `PyroTrainingPlan`
 * (model/guide modules) both extend it, so one trainer serves both module paths.
 *
 * @module
 */
import type { Module } from "../nn/module.js";
import type { TensorDict } from "../module/base/base-module.js";
import { computeKlWeight, warmupWarning, type KlWarmupOptions } from "./kl-weight.js";
import type { StepMetrics } from "./metrics.js";

/** Options every plan shares: the KL warm-up. */
export interface BasePlanOptions extends KlWarmupOptions {}

/** A training plan as the trainer sees it. */
export abstract class BaseTrainingPlan {
  /** The epoch being trained (0-based); set by the trainer. */
  currentEpoch = 0;
  /** Optimisation steps taken so far; advanced by the trainer. */
  globalStep = 0;
  /** Cells in the training split (set by the runner before training). */
  nObsTraining = 0;
  /** Cells in the validation split (set by the runner before training). */
  nObsValidation = 0;
  /** The warm-up settings. */
  readonly klWarmup: KlWarmupOptions;

  protected constructor(options: BasePlanOptions) {
    this.klWarmup = {
      nEpochsKlWarmup: options.nEpochsKlWarmup,
      nStepsKlWarmup: options.nStepsKlWarmup,
      maxKlWeight: options.maxKlWeight,
      minKlWeight: options.minKlWeight,
    };
  }

  /** The module being trained. */
  abstract get module(): Module;

  /**
   * One optimisation step on a minibatch; returns its metrics. Throws `NonFiniteLossError`
   * (without applying the update) when the loss or a gradient is not finite.
   */
  abstract trainingStep(batch: TensorDict): StepMetrics;

  /** Evaluates a validation minibatch (no update; module in eval mode). */
  abstract validationStep(batch: TensorDict): StepMetrics;

  /** Whether validation must run each epoch for the plan's own needs (e.g. reduce-on-plateau). */
  get needsValidation(): boolean {
    return false;
  }

  /** The KL weight at the current epoch and step. */
  get klWeight(): number {
    return computeKlWeight(this.currentEpoch, this.globalStep, this.klWarmup);
  }

  /** Called before the first epoch; returns a warning when the warm-up outlasts the run. */
  onTrainStart(maxEpochs: number, stepsPerEpoch: number): string | undefined {
    return warmupWarning(this.klWarmup, maxEpochs, stepsPerEpoch);
  }

  /** Extra per-epoch metrics of the plan (the KL weight, the learning rate, ...). */
  epochMetrics(): Record<string, number> {
    return { kl_weight: this.klWeight };
  }

  /** Called after each epoch with its metrics (for learning-rate schedules). */
  onEpochEnd(_metrics: Readonly<Record<string, number>>): void {}
}
