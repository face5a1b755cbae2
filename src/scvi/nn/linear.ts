/**
 * `Linear`: the affine layer `y = x · W + b` (PyTorch's `nn.Linear`).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { dense, preferredLayout, type DenseLayout } from "./dense.js";
import { linearInitBound, uniformInit } from "./init.js";
import { Module } from "./module.js";

/** Options of {@link Linear}. */
export interface LinearOptions {
  /** Whether the layer has a bias (default true). */
  bias?: boolean;
  /**
   * How the weight is stored (see {@link DenseLayout}); by default the faster one on the current
   * backend ({@link preferredLayout}). The state dict has PyTorch's layout either way.
   */
  layout?: DenseLayout;
}

/**
 * A fully connected layer from `nIn` to `nOut` features, initialised as PyTorch does
 * (`U(-1/√nIn, 1/√nIn)` for weight and bias, seeded from the global stream).
 *
 * The weight is stored in the layout {@link LinearOptions.layout} says (the state-dict entry
 * always has PyTorch's `[nOut, nIn]`); the forward pass and gradient are {@link dense}.
 *
 * @example
 * ```ts
 * setSeed(0);
 * const lin = new Linear(2000, 128);
 * const y = lin.forward(tf.ones([4, 2000])); // [4, 128]
 * ```
 */
export class Linear extends Module {
  /** The weight: `[nIn, nOut]` for layout `"io"`, `[nOut, nIn]` for `"oi"`. */
  readonly weight: tf.Variable;
  /** How the weight is stored. */
  readonly layout: DenseLayout;
  /** The bias, `[nOut]`, or undefined without bias. */
  readonly bias: tf.Variable | undefined;

  /**
   * @param nIn input features
   * @param nOut output features
   */
  constructor(
    readonly nIn: number,
    readonly nOut: number,
    options: LinearOptions = {},
  ) {
    super();
    if (!Number.isInteger(nIn) || nIn < 0 || !Number.isInteger(nOut) || nOut < 1) {
      throw new Error(`Linear: nIn=${nIn} and nOut=${nOut} must be integers (nIn >= 0, nOut >= 1)`);
    }
    this.layout = options.layout ?? preferredLayout(nIn, nOut);
    const bound = linearInitBound(nIn);
    // Drawn in PyTorch's [nOut, nIn] layout whatever the storage, so a seed gives the same
    // layer in both layouts.
    this.weight = this.registerParameter(
      "weight",
      tf.tidy(() => (this.layout === "io" ? tf.transpose(uniformInit([nOut, nIn], bound)) : uniformInit([nOut, nIn], bound))),
    );
    this.bias = (options.bias ?? true) ? this.registerParameter("bias", uniformInit([nOut], bound)) : undefined;
  }

  /** `x · W + b` for `x` of shape `[..., nIn]`; returns `[..., nOut]`. */
  forward(x: tf.Tensor): tf.Tensor {
    return dense(x, this.weight, this.bias, this.layout);
  }

  protected override storedTransposed(name: string): boolean {
    return name === "weight" && this.layout === "io";
  }
}
