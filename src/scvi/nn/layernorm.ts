/**
 * `LayerNorm` without an affine transform (PyTorch's `nn.LayerNorm(n, elementwise_affine=False)`,
 * as scvi-tools' `FCLayers` uses it).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { Module } from "./module.js";

/** Options of {@link LayerNorm}. */
export interface LayerNormOptions {
  /** Added to the variance before the square root (default 1e-5, PyTorch's). */
  eps?: number;
}

/**
 * Normalises the last axis (of size `n`) of its input to zero mean and unit (biased)
 * variance: `(x − mean) / √(var + eps)`. It has no parameters and behaves the same in
 * training and evaluation mode.
 *
 * @example
 * ```ts
 * const ln = new LayerNorm(128);
 * const y = ln.forward(h); // h: [..., 128]
 * ```
 */
export class LayerNorm extends Module {
  /** The variance offset. */
  readonly eps: number;

  /** @param n the size of the normalised (last) axis */
  constructor(
    readonly n: number,
    options: LayerNormOptions = {},
  ) {
    super();
    if (!Number.isInteger(n) || n < 1) throw new Error(`LayerNorm: n=${n} must be a positive integer`);
    this.eps = options.eps ?? 1e-5;
  }

  /** Normalises the last axis of `x` (`[..., n]`). */
  forward(x: tf.Tensor): tf.Tensor {
    if (x.rank < 1 || x.shape[x.rank - 1] !== this.n) {
      throw new Error(`LayerNorm(${this.n}): input [${x.shape.join(", ")}] does not end in ${this.n}`);
    }
    return tf.tidy(() => {
      const mean = tf.mean(x, -1, true);
      const centred = tf.sub(x, mean);
      const variance = tf.mean(tf.square(centred), -1, true);
      return tf.mul(centred, tf.rsqrt(tf.add(variance, this.eps)));
    });
  }
}
