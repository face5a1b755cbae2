/**
 * `BaseModuleClass`: the plain module contract of scvi-tools — `inference`, `generative` and
 * `loss` — on top of the `nn` {@link Module} container.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { Module } from "../../nn/module.js";
import type { LossOutput } from "./loss-output.js";

/** A minibatch: registry key → tensor (see `REGISTRY_KEYS`). */
export type TensorDict = Record<string, tf.Tensor>;

/** Outputs of `inference` or `generative`: named tensors (or distributions, or anything). */
export type ModuleOutputs = Record<string, unknown>;

/** Keyword arguments the training plan passes to `loss`. */
export interface LossKwargs {
  /** The KL weight of the warm-up schedule (1 when there is no warm-up). */
  klWeight: number;
  /** Cells in the training set (for modules that rescale global terms). */
  nObs?: number;
}

/** Options of {@link BaseModuleClass.forward}. */
export interface ForwardOptions {
  /** Whether to compute the loss (default true). */
  computeLoss?: boolean;
  /** Passed to `loss`. */
  lossKwargs?: Partial<LossKwargs>;
}

/**
 * A module with an inference network, a generative model and a loss (scvi-tools'
 * `BaseModuleClass`). `forward` runs the three in order; the training plan calls it with each
 * minibatch.
 */
export abstract class BaseModuleClass extends Module {
  /** Picks the inputs of `inference` from a minibatch. */
  abstract getInferenceInput(tensors: TensorDict): ModuleOutputs;
  /** The inference (encoder) pass: latent variables and their distributions. */
  abstract inference(inputs: ModuleOutputs): ModuleOutputs;
  /** Picks the inputs of `generative` from a minibatch and the inference outputs. */
  abstract getGenerativeInput(tensors: TensorDict, inferenceOutputs: ModuleOutputs): ModuleOutputs;
  /** The generative (decoder) pass: the likelihood's parameters. */
  abstract generative(inputs: ModuleOutputs): ModuleOutputs;
  /** The loss of a minibatch, with its ELBO parts. */
  abstract loss(
    tensors: TensorDict,
    inferenceOutputs: ModuleOutputs,
    generativeOutputs: ModuleOutputs,
    kwargs: LossKwargs,
  ): LossOutput;

  /** Draws from the generative model's posterior predictive (optional). */
  sample?(tensors: TensorDict, nSamples: number): tf.Tensor;

  /**
   * Runs inference, generative and (unless `computeLoss` is false) loss on a minibatch.
   * Call inside `tf.tidy` (or dispose the outputs).
   */
  forward(tensors: TensorDict, options: ForwardOptions = {}): [ModuleOutputs, ModuleOutputs, LossOutput | undefined] {
    const inferenceOutputs = this.inference(this.getInferenceInput(tensors));
    const generativeOutputs = this.generative(this.getGenerativeInput(tensors, inferenceOutputs));
    if (options.computeLoss === false) return [inferenceOutputs, generativeOutputs, undefined];
    const kwargs: LossKwargs = { klWeight: 1, ...options.lossKwargs };
    return [inferenceOutputs, generativeOutputs, this.loss(tensors, inferenceOutputs, generativeOutputs, kwargs)];
  }
}
