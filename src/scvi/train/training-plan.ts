/**
 * `TrainingPlan`: trains a plain module (`inference` / `generative` / `loss`) with Adam or
 * AdamW, a KL warm-up, optional reduce-on-plateau, and scvi-tools' per-cell metrics.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { sumOfSquares } from "../../backend/heap-ops.js";
import { Adam, AdamW } from "../../infer/optim/adam.js";
import { ReduceLROnPlateau } from "../../infer/optim/lr-scheduler.js";
import type { Optimizer } from "../../infer/optim/optimizer.js";
import type { BaseModuleClass, TensorDict } from "../module/base/base-module.js";
import type { LossOutput } from "../module/base/loss-output.js";
import { BaseTrainingPlan, type BasePlanOptions } from "./base-plan.js";
import { defaultMode } from "./callbacks.js";
import { NonFiniteLossError } from "./errors.js";
import type { StepMetrics } from "./metrics.js";

/** Options of {@link TrainingPlan} (scvi-tools' defaults). */
export interface TrainingPlanOptions extends BasePlanOptions {
  /** `Adam` (default; L2 weight decay, as torch) or `AdamW` (decoupled weight decay). */
  optimizer?: "Adam" | "AdamW";
  /** Learning rate (default 1e-3). */
  lr?: number;
  /** Weight decay (default 1e-6). */
  weightDecay?: number;
  /** Adam's epsilon (default 0.01, scvi-tools' choice). */
  eps?: number;
  /** Clip gradients by global norm (default: no clipping). */
  maxGradNorm?: number;
  /** Reduce the learning rate when `lrSchedulerMetric` plateaus (default false). */
  reduceLrOnPlateau?: boolean;
  /** Factor of each reduction (default 0.6). */
  lrFactor?: number;
  /** Epochs without improvement before a reduction (default 30). */
  lrPatience?: number;
  /** Least improvement, absolute (default 0). */
  lrThreshold?: number;
  /** The watched metric (default `elbo_validation`). */
  lrSchedulerMetric?: string;
  /** The smallest learning rate (default 0). */
  lrMin?: number;
}

const DEFAULTS = {
  optimizer: "Adam",
  lr: 1e-3,
  weightDecay: 1e-6,
  eps: 0.01,
  nEpochsKlWarmup: 400,
  reduceLrOnPlateau: false,
  lrFactor: 0.6,
  lrPatience: 30,
  lrThreshold: 0,
  lrSchedulerMetric: "elbo_validation",
  lrMin: 0,
} as const;

/** Reads a step's scalars (loss, ELBO parts, squared gradient norm, extras) in one sync. */
function readScalars(values: tf.Tensor): Float32Array {
  const out = values.dataSync() as Float32Array;
  values.dispose();
  return out;
}

/** Trains a {@link BaseModuleClass}. */
export class TrainingPlan extends BaseTrainingPlan {
  /** The optimizer over the module's parameters. */
  readonly optimizer: Optimizer;
  /** The plateau scheduler, when enabled. */
  readonly scheduler: ReduceLROnPlateau | undefined;
  /** The watched metric of the scheduler. */
  readonly lrSchedulerMetric: string;
  private readonly variables: tf.Variable[];

  constructor(
    private readonly plainModule: BaseModuleClass,
    options: TrainingPlanOptions = {},
  ) {
    super({
      nEpochsKlWarmup: options.nEpochsKlWarmup === undefined ? DEFAULTS.nEpochsKlWarmup : options.nEpochsKlWarmup,
      nStepsKlWarmup: options.nStepsKlWarmup,
      maxKlWeight: options.maxKlWeight,
      minKlWeight: options.minKlWeight,
    });
    const kind = options.optimizer ?? DEFAULTS.optimizer;
    const common = {
      lr: options.lr ?? DEFAULTS.lr,
      eps: options.eps ?? DEFAULTS.eps,
      weightDecay: options.weightDecay ?? DEFAULTS.weightDecay,
      maxGradNorm: options.maxGradNorm,
    };
    if (kind === "Adam") this.optimizer = new Adam(common);
    else if (kind === "AdamW") this.optimizer = new AdamW(common);
    else throw new Error(`TrainingPlan: optimizer must be "Adam" or "AdamW", got "${String(kind)}"`);
    this.lrSchedulerMetric = options.lrSchedulerMetric ?? DEFAULTS.lrSchedulerMetric;
    this.scheduler = options.reduceLrOnPlateau
      ? new ReduceLROnPlateau(this.optimizer, {
          factor: options.lrFactor ?? DEFAULTS.lrFactor,
          patience: options.lrPatience ?? DEFAULTS.lrPatience,
          threshold: options.lrThreshold ?? DEFAULTS.lrThreshold,
          thresholdMode: "abs",
          minLr: options.lrMin ?? DEFAULTS.lrMin,
          mode: defaultMode(options.lrSchedulerMetric ?? DEFAULTS.lrSchedulerMetric),
        })
      : undefined;
    this.variables = plainModule.parameters();
  }

  get module(): BaseModuleClass {
    return this.plainModule;
  }

  override get needsValidation(): boolean {
    return this.scheduler !== undefined;
  }

  trainingStep(batch: TensorDict): StepMetrics {
    const klWeight = this.klWeight;
    let kept: tf.Tensor | undefined;
    let extraKeys: string[] = [];
    const { value: lossValue, grads } = tf.variableGrads(() => {
      const [, , out] = this.plainModule.forward(batch, { lossKwargs: { klWeight, nObs: this.nObsTraining } });
      const loss = out!.loss;
      extraKeys = Object.keys(out!.extraMetrics);
      kept = tf.keep(tf.stack(this.stepScalars(out!, loss)));
      return loss;
    }, this.variables);
    const pairs = this.variables.filter((v) => grads[v.name] !== undefined).map((v) => [v, grads[v.name]!] as const);
    let values: Float32Array;
    try {
      // The squared gradient norm only guards against non-finite gradients: one heap pass per
      // gradient on wasm (no kernels, no tensors), a reduction elsewhere.
      const gradNormSquared = sumOfSquares(pairs.map(([, g]) => g));
      values = Float32Array.from([...readScalars(kept!), gradNormSquared]);
      const loss = values[0]!;
      if (!Number.isFinite(loss) || !Number.isFinite(gradNormSquared)) {
        throw new NonFiniteLossError(
          !Number.isFinite(loss) ? `the loss is ${loss}` : `a gradient is not finite (loss ${loss})`,
        );
      }
      this.optimizer.apply(pairs);
    } finally {
      lossValue.dispose();
      tf.dispose(Object.values(grads));
    }
    return this.toStepMetrics(values, extraKeys);
  }

  validationStep(batch: TensorDict): StepMetrics {
    let extraKeys: string[] = [];
    const values = readScalars(
      tf.tidy(() => {
        const [, , out] = this.plainModule.forward(batch, { lossKwargs: { klWeight: this.klWeight, nObs: this.nObsTraining } });
        extraKeys = Object.keys(out!.extraMetrics);
        return tf.concat([tf.stack(this.stepScalars(out!, out!.loss)), tf.zeros([1])]);
      }),
    );
    return this.toStepMetrics(values, extraKeys);
  }

  override epochMetrics(): Record<string, number> {
    return { ...super.epochMetrics(), lr: this.optimizer.lr };
  }

  override onEpochEnd(metrics: Readonly<Record<string, number>>): void {
    if (!this.scheduler) return;
    const value = metrics[this.lrSchedulerMetric];
    if (value !== undefined) this.scheduler.step(value);
  }

  private stepScalars(out: LossOutput, loss: tf.Scalar): tf.Tensor[] {
    const extras = Object.values(out.extraMetrics).map((m) => (typeof m === "number" ? tf.scalar(m) : tf.reshape(m, [])));
    return [loss, out.reconstructionLossSum, out.klLocalSum, out.klGlobalSum, tf.scalar(out.nObsMinibatch), ...extras];
  }

  private toStepMetrics(values: Float32Array, extraKeys: readonly string[]): StepMetrics {
    // Layout: loss, rec, klLocal, klGlobal, nObs, extras..., gradNormSq (last).
    const extra: Record<string, number> = {};
    extraKeys.forEach((k, i) => (extra[k] = values[5 + i]!));
    return {
      loss: values[0]!,
      reconstructionLossSum: values[1]!,
      klLocalSum: values[2]!,
      klGlobal: values[3]!,
      nObs: values[4]!,
      extra,
    };
  }
}
