/**
 * Exact multinomial sampling by sequential conditional binomials: category `j` receives
 * `Binomial(n_remaining, p_j / Σ_{i≥j} p_i)` draws, the last category the rest. The conditional
 * probabilities use suffix sums of `p`, so a category of probability zero never receives a draw
 * and the counts always sum to `n`. Cost per event: at most `K` binomial draws, stopping early
 * once nothing remains.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { broadcastTo } from "../../backend/tensor.js";
import { binomialVariate } from "./binomial.js";
import { seededUniform, type UniformSource } from "./js-random.js";

/** Fills `out[offset .. offset + k)` with one multinomial draw of `n` over probabilities `p[pOffset ..]`. */
function multinomialInto(
  n: number,
  p: ArrayLike<number>,
  pOffset: number,
  k: number,
  out: Float32Array,
  offset: number,
  suffix: Float64Array,
  uniform: UniformSource,
): void {
  let acc = 0;
  for (let j = k - 1; j >= 0; j--) {
    acc += p[pOffset + j]!;
    suffix[j] = acc;
  }
  if (!(n >= 0) || !Number.isInteger(n) || !(acc > 0)) {
    for (let j = 0; j < k; j++) out[offset + j] = NaN;
    return;
  }
  let remaining = n;
  for (let j = 0; j < k; j++) {
    if (remaining === 0) {
      out[offset + j] = 0;
      continue;
    }
    if (j === k - 1) {
      out[offset + j] = remaining;
      break;
    }
    const conditional = suffix[j]! > 0 ? Math.min(1, Math.max(0, p[pOffset + j]! / suffix[j]!)) : 0;
    const c = binomialVariate(remaining, conditional, uniform);
    out[offset + j] = c;
    remaining -= c;
  }
}

/**
 * Multinomial draws of shape `shape` (whose last dimension is the number of categories `K`):
 * `totalCount` broadcasts to `shape` without its last dimension, `probs` (nonnegative, not
 * necessarily normalised) to `shape`. Seeded from the global stream; the result is float32.
 *
 * @example
 * ```ts
 * const counts = sampleMultinomial(tf.scalar(10), tf.tensor([0.2, 0.3, 0.5]), [4, 3]); // rows sum to 10
 * ```
 */
export function sampleMultinomial(totalCount: tf.Tensor, probs: tf.Tensor, shape: readonly number[]): tf.Tensor {
  const k = shape[shape.length - 1]!;
  const outer = shape.slice(0, -1);
  const [ns, ps] = tf.tidy(() => [broadcastTo(totalCount, outer).dataSync(), broadcastTo(probs, shape).dataSync()]);
  const uniform = seededUniform();
  const out = new Float32Array(ps!.length);
  const suffix = new Float64Array(k);
  for (let e = 0; e < ns!.length; e++) multinomialInto(ns![e]!, ps!, e * k, k, out, e * k, suffix, uniform);
  return tf.tensor(out, [...shape], "float32");
}
