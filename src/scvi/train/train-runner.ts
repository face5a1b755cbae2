/**
 * `TrainRunner`: wires a model's data splitter, training plan and trainer together and runs
 * them (scvi-tools' `TrainRunner`), for either module path.
 *
 * @module
 */
import type { DataSplitter } from "../data/loaders/data-splitter.js";
import type { BaseTrainingPlan } from "./base-plan.js";
import type { FitResult, Trainer } from "./trainer.js";

/** Runs a plan over a splitter's loaders with a trainer. */
export class TrainRunner {
  constructor(
    /** The training plan (either module path). */
    readonly plan: BaseTrainingPlan,
    /** The train / validation / test split and its loaders. */
    readonly splitter: DataSplitter,
    /** The loop. */
    readonly trainer: Trainer,
  ) {}

  /**
   * Sets the plan's split sizes, warns once when the KL warm-up outlasts the run, and trains.
   * The module is left in eval mode.
   */
  run(): FitResult {
    const train = this.splitter.trainDataloader();
    const validation = this.splitter.validationDataloader();
    this.plan.nObsTraining = train.nObs;
    this.plan.nObsValidation = validation?.nObs ?? 0;
    const warning = this.plan.onTrainStart(this.trainer.options.maxEpochs, train.length);
    if (warning) process.stderr.write(`scvi-ts: ${warning}\n`);
    return this.trainer.fit(this.plan, train, validation);
  }
}
