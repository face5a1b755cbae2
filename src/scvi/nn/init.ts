/**
 * Seeded weight initialisation with PyTorch's defaults.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { nextSeed } from "../../backend/random.js";

/**
 * Uniform draws on `[-bound, bound]` with a seed from the global stream (so `setSeed(n)`
 * makes initialisation reproducible).
 */
export function uniformInit(shape: number[], bound: number): tf.Tensor {
  const seed = nextSeed();
  if (bound === 0) return tf.zeros(shape);
  return tf.randomUniform(shape, -bound, bound, "float32", seed);
}

/**
 * The bound of PyTorch's default `nn.Linear` initialisation for `fanIn` inputs:
 * `kaiming_uniform_(a=√5)` gives `U(-1/√fanIn, 1/√fanIn)` for the weight, and the bias uses
 * the same bound (0 when `fanIn` is 0).
 */
export function linearInitBound(fanIn: number): number {
  return fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
}
