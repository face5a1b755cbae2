/**
 * Categorical sampling by inverse CDF with a seeded uniform, vectorised as tensor ops: the
 * index of a draw `u` is the number of cumulative probabilities `≤ u · total` among the first
 * `K - 1` categories, so categories of probability zero are never drawn (their cumulative sum
 * equals the previous one) and the index never exceeds `K - 1`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { nextSeed } from "../../backend/random.js";

/**
 * Category indices (float32) of shape `sampleShape + batchShape` for probabilities `probs` of
 * shape `batchShape + [K]` (nonnegative, not necessarily normalised).
 *
 * @example
 * ```ts
 * const idx = sampleCategorical(tf.tensor([[0.2, 0.8], [1, 0]]), [100]); // [100, 2]
 * ```
 */
export function sampleCategorical(probs: tf.Tensor, sampleShape: readonly number[]): tf.Tensor {
  return tf.tidy(() => {
    const k = probs.shape[probs.rank - 1]!;
    const batchShape = probs.shape.slice(0, -1);
    // A positive axis: tfjs 4.22's wasm Cumsum fails on axis -1.
    const cdf = tf.cumsum(probs, probs.rank - 1);
    const total = tf.slice(cdf, new Array(probs.rank - 1).fill(0).concat(k - 1), [...batchShape, 1]);
    const u = tf.randomUniform([...sampleShape, ...batchShape, 1], 0, 1, "float32", nextSeed());
    const threshold = tf.mul(u, total);
    if (k === 1) return tf.zeros([...sampleShape, ...batchShape]);
    const inner = tf.slice(cdf, new Array(probs.rank).fill(0), [...batchShape, k - 1]);
    return tf.sum(tf.cast(tf.lessEqual(inner, threshold), "float32"), -1);
  });
}
