/**
 * Exact binomial sampling for tensors of trial counts and probabilities.
 *
 * With `p ≤ ½` (larger `p` sample `n - Binomial(n, 1 - p)`):
 * - `n p < 10`: inversion by counting geometric waiting times between successes
 *   (on average `n p + 1` uniforms);
 * - `n p ≥ 10`: Hörmann's BTRS, transformed rejection with squeeze ("The generation of binomial
 *   random variates", J. Statist. Comput. Simul. 46, 1993), the method of TensorFlow's and
 *   PyTorch's samplers, about 1.2 pairs of uniforms per draw for any `n`; its final test uses the
 *   exact log-factorials, so the draws are exact.
 *
 * `n` must be a nonnegative integer and `p` in [0, 1]; otherwise the draw is NaN.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { broadcastTo } from "../../backend/tensor.js";
import { logFactorial, seededUniform, type UniformSource } from "./js-random.js";

function binomialInversion(n: number, p: number, uniform: UniformSource): number {
  const logQ = Math.log1p(-p);
  let successes = 0;
  let position = 0;
  for (;;) {
    position += Math.ceil(Math.log(uniform()) / logQ);
    if (position > n) return successes;
    successes += 1;
  }
}

function binomialBtrs(n: number, p: number, uniform: UniformSource): number {
  const q = 1 - p;
  const spq = Math.sqrt(n * p * q);
  const b = 1.15 + 2.53 * spq;
  const a = -0.0873 + 0.0248 * b + 0.01 * p;
  const c = n * p + 0.5;
  const vr = 0.92 - 4.2 / b;
  const alpha = (2.83 + 5.1 / b) * spq;
  const logOdds = Math.log(p / q);
  const m = Math.floor((n + 1) * p);
  const h = logFactorial(m) + logFactorial(n - m);
  for (;;) {
    const u = uniform() - 0.5;
    const v = uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + c);
    if (k < 0 || k > n) continue;
    if (us >= 0.07 && v <= vr) return k;
    const lhs = Math.log((v * alpha) / (a / (us * us) + b));
    if (lhs <= h - logFactorial(k) - logFactorial(n - k) + (k - m) * logOdds) return k;
  }
}

/** One binomial draw: successes in `n` trials of probability `p`. */
export function binomialVariate(n: number, p: number, uniform: UniformSource): number {
  if (!(n >= 0) || !Number.isInteger(n) || !(p >= 0 && p <= 1)) return NaN;
  if (n === 0 || p === 0) return 0;
  if (p === 1) return n;
  if (p > 0.5) return n - binomialVariate(n, 1 - p, uniform);
  return n * p < 10 ? binomialInversion(n, p, uniform) : binomialBtrs(n, p, uniform);
}

/**
 * Binomial draws of shape `shape`, with `totalCount` and `probs` broadcast to it. Seeded from
 * the global stream; the result is float32.
 *
 * @example
 * ```ts
 * const k = sampleBinomial(tf.scalar(100), tf.tensor([0.1, 0.5]), [50, 2]); // [50, 2]
 * ```
 */
export function sampleBinomial(totalCount: tf.Tensor, probs: tf.Tensor, shape: readonly number[]): tf.Tensor {
  const [ns, ps] = tf.tidy(() => [broadcastTo(totalCount, shape).dataSync(), broadcastTo(probs, shape).dataSync()]);
  const uniform = seededUniform();
  const out = new Float32Array(ns!.length);
  for (let i = 0; i < out.length; i++) out[i] = binomialVariate(ns![i]!, ps![i]!, uniform);
  return tf.tensor(out, [...shape], "float32");
}
