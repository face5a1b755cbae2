/**
 * `Dropout` (PyTorch's `nn.Dropout`): inverted dropout, seeded from the global stream.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { nextSeed } from "../../backend/random.js";
import { Module } from "./module.js";

/**
 * In training mode, zeroes each element with probability `p` and scales the others by
 * `1 / (1 − p)` (so the expectation is unchanged); in evaluation mode, the identity. Each
 * call draws a fresh seed from the global stream, so `setSeed(n)` makes the masks reproducible.
 *
 * @example
 * ```ts
 * const drop = new Dropout(0.1);
 * const y = drop.forward(h);       // training: about 10% zeros, the rest × 1/0.9
 * const same = drop.eval().forward(h); // the identity
 * ```
 */
export class Dropout extends Module {
  /** @param p the probability of zeroing an element, in [0, 1] */
  constructor(readonly p: number) {
    super();
    if (!(p >= 0 && p <= 1)) throw new Error(`Dropout: p=${p} must be in [0, 1]`);
  }

  /** Applies dropout to `x` in training mode; returns `x` itself in evaluation mode or when p is 0. */
  forward(x: tf.Tensor): tf.Tensor {
    if (!this.training || this.p === 0) return x;
    if (this.p === 1) return tf.mul(x, 0);
    return tf.dropout(x, this.p, undefined, nextSeed());
  }
}
