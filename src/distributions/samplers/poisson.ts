/**
 * Exact Poisson sampling for tensors of rates (TensorFlow.js has no Poisson sampler).
 *
 * - rate < 10: inversion by sequential search of the CDF from 0 (on average `rate + 1` steps);
 * - rate ≥ 10: Hörmann's PTRS, transformed rejection with squeeze ("The transformed rejection
 *   method for generating Poisson random variables", Insurance: Mathematics and Economics 12,
 *   1993), about 1.1 pairs of uniforms per draw at any rate, exact because the final test uses
 *   the exact log-probability.
 *
 * Rates from 0 to beyond 1e6 may be mixed in one tensor; rate 0 gives 0, a NaN or negative
 * rate gives NaN, an infinite rate gives Infinity.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { broadcastTo } from "../../backend/tensor.js";
import { logFactorial, seededUniform, type UniformSource } from "./js-random.js";

/** Below this rate the inversion method is used, at and above it PTRS. */
const INVERSION_LIMIT = 10;

function poissonInversion(rate: number, uniform: UniformSource): number {
  const u = uniform();
  let k = 0;
  let p = Math.exp(-rate);
  let cdf = p;
  // The CDF reaches 1 - 1e-16 well before k = 200 for rate < 10; the cap guards rounding.
  while (u > cdf && k < 200) {
    k += 1;
    p *= rate / k;
    cdf += p;
  }
  return k;
}

function poissonPtrs(rate: number, uniform: UniformSource): number {
  const sqrtRate = Math.sqrt(rate);
  const logRate = Math.log(rate);
  const b = 0.931 + 2.53 * sqrtRate;
  const a = -0.059 + 0.02483 * b;
  const logInvAlpha = Math.log(1.1239 + 1.1328 / (b - 3.4));
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = uniform() - 0.5;
    const v = uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + rate + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    const lhs = Math.log(v) + logInvAlpha - Math.log(a / (us * us) + b);
    if (lhs <= -rate + k * logRate - logFactorial(k)) return k;
  }
}

/** One Poisson draw of mean `rate` from the uniform source. */
export function poissonVariate(rate: number, uniform: UniformSource): number {
  if (!(rate >= 0)) return NaN;
  if (rate === 0) return 0;
  if (rate === Infinity) return Infinity;
  return rate < INVERSION_LIMIT ? poissonInversion(rate, uniform) : poissonPtrs(rate, uniform);
}

/**
 * Poisson draws of shape `shape`, with `rate` broadcast to it (typically
 * `sampleShape + batchShape`). Seeded from the global stream; the result is float32.
 *
 * @example
 * ```ts
 * const counts = samplePoisson(tf.tensor([0.5, 40, 1e4]), [1000, 3]); // [1000, 3]
 * ```
 */
export function samplePoisson(rate: tf.Tensor, shape: readonly number[]): tf.Tensor {
  const rates = tf.tidy(() => broadcastTo(rate, shape).dataSync());
  const uniform = seededUniform();
  const out = new Float32Array(rates.length);
  for (let i = 0; i < rates.length; i++) out[i] = poissonVariate(rates[i]!, uniform);
  return tf.tensor(out, [...shape], "float32");
}
