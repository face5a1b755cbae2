/**
 * `Trainer`: the loop over epochs and minibatches shared by both module paths, with
 * validation, early stopping, callbacks, a progress display, a NaN guard and the history.
 *
 * @module
 */
import { tidyScope } from "../../backend/scope.js";
import type { TensorDict } from "../module/base/base-module.js";
import type { BaseTrainingPlan } from "./base-plan.js";
import { EarlyStopping, type Callback } from "./callbacks.js";
import { NonFiniteLossError } from "./errors.js";
import { appendEpoch, type History } from "./history.js";
import { EpochMetrics } from "./metrics.js";
import { ProgressBar, type ProgressSink } from "./progress.js";

/** Options of {@link Trainer}. */
export interface TrainerOptions {
  /** Epochs to train. */
  maxEpochs: number;
  /** Validate every this many epochs (default 1 when validation is needed). */
  checkValEveryNEpoch?: number;
  /** Stop when the monitored metric stops improving (default false). */
  earlyStopping?: boolean;
  /** The metric early stopping watches (default `elbo_validation`). */
  earlyStoppingMonitor?: string;
  /** Checks without improvement before stopping (default 45). */
  earlyStoppingPatience?: number;
  /** Least improvement (default 0). */
  earlyStoppingMinDelta?: number;
  /** `min` or `max` (default: `max` for `elbo_*` metrics, `min` for losses). */
  earlyStoppingMode?: "min" | "max";
  /** Show progress (default true). */
  enableProgressBar?: boolean;
  /** Where progress goes (default stderr). */
  progressSink?: ProgressSink;
  /** Extra callbacks. */
  callbacks?: Callback[];
}

/** What {@link Trainer.fit} returns. */
export interface FitResult {
  /** Metric → per-epoch values. */
  history: History;
  /** Epochs run. */
  epochs: number;
  /** Why training stopped before `maxEpochs`, if it did. */
  stoppedEarly?: string;
  /** Seconds per epoch (mean over the run). */
  secondsPerEpoch: number;
}

/** A source of minibatches: iterating it again starts a new epoch. */
export type BatchSource = Iterable<TensorDict>;

/** Runs training plans over data loaders. */
export class Trainer {
  /** The options it was built with. */
  readonly options: Readonly<TrainerOptions>;
  /** The early-stopping callback, when enabled. */
  readonly earlyStopping: EarlyStopping | undefined;

  constructor(options: TrainerOptions) {
    if (!Number.isInteger(options.maxEpochs) || options.maxEpochs < 1) {
      throw new Error(`Trainer: maxEpochs must be a positive integer, got ${options.maxEpochs}`);
    }
    this.options = { ...options };
    this.earlyStopping = options.earlyStopping
      ? new EarlyStopping({
          monitor: options.earlyStoppingMonitor,
          patience: options.earlyStoppingPatience,
          minDelta: options.earlyStoppingMinDelta,
          mode: options.earlyStoppingMode,
        })
      : undefined;
  }

  /**
   * Trains `plan` on `train`, validating on `validation` when early stopping, the plan, or
   * `checkValEveryNEpoch` asks for it. A non-finite loss stops training with a
   * `NonFiniteLossError` naming the epoch and step; the module keeps its last good weights.
   */
  fit(plan: BaseTrainingPlan, train: BatchSource, validation?: BatchSource): FitResult {
    const { maxEpochs } = this.options;
    const callbacks: Callback[] = [...(this.earlyStopping ? [this.earlyStopping] : []), ...(this.options.callbacks ?? [])];
    const validateEvery =
      this.options.checkValEveryNEpoch ?? (this.earlyStopping || plan.needsValidation ? 1 : Number.POSITIVE_INFINITY);
    const progress = new ProgressBar(maxEpochs, this.options.enableProgressBar === false ? undefined : (this.options.progressSink ?? process.stderr));
    const history: History = {};
    const start = Date.now();
    let epochs = 0;
    let stoppedEarly: string | undefined;

    for (const cb of callbacks) cb.onTrainStart?.();
    try {
      for (let epoch = 0; epoch < maxEpochs; epoch++) {
        plan.currentEpoch = epoch;
        const metrics: Record<string, number> = { ...plan.epochMetrics(), ...this.trainEpoch(plan, train, epoch) };
        if (validation !== undefined && (epoch + 1) % validateEvery === 0) {
          Object.assign(metrics, this.validateEpoch(plan, validation));
        }
        appendEpoch(history, epoch, metrics);
        epochs = epoch + 1;
        plan.onEpochEnd(metrics);
        progress.update(epoch, metrics);
        let stop = false;
        for (const cb of callbacks) if (cb.onEpochEnd?.({ epoch, metrics, history }) === "stop") stop = true;
        if (stop) {
          stoppedEarly = this.earlyStopping?.reason ?? "a callback stopped training";
          break;
        }
      }
    } finally {
      plan.module.eval();
      for (const cb of callbacks) cb.onTrainEnd?.();
    }
    progress.finish(stoppedEarly ? `Stopped early after ${epochs} epochs: ${stoppedEarly}` : undefined);
    return { history, epochs, stoppedEarly, secondsPerEpoch: (Date.now() - start) / 1000 / Math.max(1, epochs) };
  }

  private trainEpoch(plan: BaseTrainingPlan, train: BatchSource, epoch: number): Record<string, number> {
    plan.module.train();
    const acc = new EpochMetrics();
    let step = 0;
    for (const batch of train) {
      try {
        acc.add(plan.trainingStep(batch));
      } catch (err) {
        if (err instanceof NonFiniteLossError) {
          throw new NonFiniteLossError(`epoch ${epoch}, step ${step}: ${err.message}`, epoch, step);
        }
        throw err;
      }
      plan.globalStep += 1;
      step += 1;
    }
    if (acc.isEmpty) throw new Error("Trainer: the training loader yielded no minibatch");
    return acc.summary("train", plan.nObsTraining);
  }

  private validateEpoch(plan: BaseTrainingPlan, validation: BatchSource): Record<string, number> {
    plan.module.eval();
    const acc = new EpochMetrics();
    try {
      for (const batch of validation) acc.add(tidyScope(() => plan.validationStep(batch)));
    } finally {
      plan.module.train();
    }
    return acc.summary("validation", plan.nObsValidation);
  }
}
