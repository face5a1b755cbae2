/**
 * `PyroTrainingPlan`: trains a model/guide module by SVI, with KL warm-up applied by scaling
 * the latent sites, per-cell metrics read from the ELBO's own traces, and a validation ELBO
 * (which scvi-tools' Pyro plan lacks, their issue #1073), so early stopping works here too.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { tidyScope } from "../../backend/scope.js";
import { TraceELBO } from "../../infer/elbo/trace-elbo.js";
import type { ELBOEstimator } from "../../infer/elbo/estimator.js";
import { Adam } from "../../infer/optim/adam.js";
import type { Optimizer } from "../../infer/optim/optimizer.js";
import { SVI, NonFiniteLossError as SVINonFiniteLossError } from "../../infer/svi.js";
import { findHandler, Messenger, type Message } from "../../ppl/runtime.js";
import { TraceMessenger } from "../../ppl/handlers/trace.js";
import type { Trace } from "../../ppl/trace-struct.js";
import type { PyroBaseModuleClass } from "../module/base/pyro-base-module.js";
import type { TensorDict } from "../module/base/base-module.js";
import { BaseTrainingPlan, type BasePlanOptions } from "./base-plan.js";
import { NonFiniteLossError } from "./errors.js";
import type { StepMetrics } from "./metrics.js";

/** Options of {@link PyroTrainingPlan}. */
export interface PyroTrainingPlanOptions extends BasePlanOptions {
  /** The ELBO estimator (default `new TraceELBO()`). */
  loss?: ELBOEstimator;
  /** The optimizer (default: Adam with `lr`, `eps` and `weightDecay` below). */
  optim?: Optimizer;
  /** Learning rate of the default Adam (default 1e-3). */
  lr?: number;
  /** Epsilon of the default Adam (default 1e-8, Pyro's). */
  eps?: number;
  /** L2 weight decay of the default Adam (default 0). */
  weightDecay?: number;
  /** Multiply the whole ELBO by this (default 1), against very large values. */
  scaleElbo?: number;
}

/** Scales the log-density of latent (unobserved) sample sites: KL annealing. */
class LatentScaleMessenger extends Messenger {
  constructor(private readonly factor: number) {
    super();
  }

  override process(msg: Message): void {
    if (msg.type === "sample" && !msg.isObserved) msg.scale *= this.factor;
  }
}

/** Scales every site (the `scaleElbo` option). */
class ElboScaleMessenger extends Messenger {
  constructor(private readonly factor: number) {
    super();
  }

  override process(msg: Message): void {
    if (msg.type === "sample") msg.scale *= this.factor;
  }
}

function sumLogProb(trace: Trace, name: string): tf.Tensor {
  const site = trace.nodes.get(name)!;
  const lp = site.logProb!;
  if (site.mask === null || site.mask === true) return tf.sum(lp);
  if (site.mask === false) return tf.scalar(0);
  return tf.sum(tf.where(tf.cast(site.mask, "bool"), lp, tf.zerosLike(lp)));
}

/** Trains a {@link PyroBaseModuleClass} through SVI. */
export class PyroTrainingPlan<A extends unknown[] = unknown[]> extends BaseTrainingPlan {
  /** The SVI driver. */
  readonly svi: SVI<A>;
  /** The ELBO estimator. */
  readonly loss: ELBOEstimator;
  /** The optimizer. */
  readonly optim: Optimizer;
  private readonly scaleElbo: number;
  private guideTraces: Trace[] = [];
  private stepScalars: tf.Tensor[] = [];

  constructor(
    private readonly pyroModule: PyroBaseModuleClass<A>,
    options: PyroTrainingPlanOptions = {},
  ) {
    super({
      nEpochsKlWarmup: options.nEpochsKlWarmup === undefined ? 400 : options.nEpochsKlWarmup,
      nStepsKlWarmup: options.nStepsKlWarmup,
      maxKlWeight: options.maxKlWeight,
      minKlWeight: options.minKlWeight ?? 1e-6,
    });
    this.loss = options.loss ?? new TraceELBO();
    this.optim = options.optim ?? new Adam({ lr: options.lr ?? 1e-3, eps: options.eps ?? 1e-8, weightDecay: options.weightDecay ?? 0 });
    this.scaleElbo = options.scaleElbo ?? 1;
    this.svi = new SVI<A>(
      (...args: A) => this.runModel(args),
      (...args: A) => this.runGuide(args),
      this.optim,
      this.loss,
    );
  }

  get module(): PyroBaseModuleClass<A> {
    return this.pyroModule;
  }

  trainingStep(batch: TensorDict): StepMetrics {
    this.pyroModule.nObs = this.nObsTraining;
    // The scope disposes whatever getFnArgsFromBatch creates (e.g. default covariates).
    return tidyScope(() => {
      const args = this.pyroModule.getFnArgsFromBatch(batch);
      try {
        const loss = this.svi.step(...args);
        return { ...this.readMetrics(), loss };
      } catch (err) {
        if (err instanceof SVINonFiniteLossError) throw new NonFiniteLossError(err.message);
        throw err;
      } finally {
        this.dropCaptured();
      }
    });
  }

  validationStep(batch: TensorDict): StepMetrics {
    this.pyroModule.nObs = this.nObsTraining;
    return tidyScope(() => {
      const args = this.pyroModule.getFnArgsFromBatch(batch);
      try {
        const loss = this.loss.loss((...a: A) => this.runModel(a), (...a: A) => this.runGuide(a), ...args);
        return { ...this.readMetrics(), loss };
      } finally {
        this.dropCaptured();
      }
    });
  }

  override epochMetrics(): Record<string, number> {
    return { ...super.epochMetrics(), lr: this.optim.lr };
  }

  /** The module's guide under the plan's scaling; records the guide trace for the metrics. */
  private runGuide(args: A): unknown {
    const tracer = findHandler(TraceMessenger);
    const result = this.scaled(() => this.pyroModule.guide(...args));
    if (tracer) this.guideTraces.push(tracer.trace);
    return result;
  }

  /** The module's model under the plan's scaling; computes the step's ELBO parts from its trace. */
  private runModel(args: A): unknown {
    const tracer = findHandler(TraceMessenger);
    const result = this.scaled(() => this.pyroModule.model(...args));
    const guideTrace = this.guideTraces.pop();
    if (tracer && guideTrace) this.stepScalars.push(tf.keep(this.elboParts(tracer.trace, guideTrace)));
    return result;
  }

  private scaled<R>(fn: () => R): R {
    const klWeight = this.klWeight;
    const annealed = klWeight === 1 ? fn : () => new LatentScaleMessenger(klWeight).run(fn);
    return this.scaleElbo === 1 ? annealed() : new ElboScaleMessenger(this.scaleElbo).run(annealed);
  }

  /**
   * [reconstruction loss sum, local KL sum, global KL, cells] of one model/guide trace pair,
   * from unscaled log-densities (the ELBO reuses them: they are computed once per site).
   */
  private elboParts(modelTrace: Trace, guideTrace: Trace): tf.Tensor {
    // Log-densities are computed in the caller's scope: the ELBO reuses them after this returns.
    modelTrace.computeLogProbs();
    guideTrace.computeLogProbs();
    return tf.tidy(() => {
      let rec: tf.Tensor = tf.scalar(0);
      let klLocal: tf.Tensor = tf.scalar(0);
      let klGlobal: tf.Tensor = tf.scalar(0);
      let nCells = 0;
      for (const site of modelTrace.sampleSites()) {
        const cellPlate = site.plates.find((p) => p.name === this.pyroModule.obsPlateName);
        if (cellPlate) nCells = cellPlate.size;
        if (site.isObserved) {
          rec = tf.sub(rec, sumLogProb(modelTrace, site.name));
          continue;
        }
        const guideSite = guideTrace.nodes.get(site.name);
        const kl = guideSite ? tf.sub(sumLogProb(guideTrace, site.name), sumLogProb(modelTrace, site.name)) : tf.neg(sumLogProb(modelTrace, site.name));
        if (cellPlate) klLocal = tf.add(klLocal, kl);
        else klGlobal = tf.add(klGlobal, kl);
      }
      return tf.stack([rec, klLocal, klGlobal, tf.scalar(nCells)]);
    });
  }

  /** Averages the captured ELBO parts over particles and reads them in one sync. */
  private readMetrics(): Omit<StepMetrics, "loss"> {
    if (this.stepScalars.length === 0) return { reconstructionLossSum: 0, klLocalSum: 0, klGlobal: 0, nObs: 0 };
    const mean = tf.tidy(() => tf.div(tf.addN(this.stepScalars), this.stepScalars.length));
    const values = mean.dataSync();
    mean.dispose();
    return { reconstructionLossSum: values[0]!, klLocalSum: values[1]!, klGlobal: values[2]!, nObs: Math.round(values[3]!) };
  }

  private dropCaptured(): void {
    tf.dispose(this.stepScalars);
    this.stepScalars = [];
    this.guideTraces = [];
  }
}
