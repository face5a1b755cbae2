/**
 * Stable log/exp compositions: `log1p`, `log1mexp`, `softplus`, `logSigmoid`.
 *
 * `log1p` exists because TensorFlow.js' own `tf.log1p` is inaccurate on the WebAssembly
 * backend: it computes log(1 + x) in float32, so `tf.log1p(1e-8)` is 0 and `tf.log1p(1e-6)`
 * is 5% off (measured with tfjs-backend-wasm 4.22; the cpu backend is accurate). Use this
 * one wherever x can be small.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { customOp, toTensor, type TensorInput } from "../../backend/tensor.js";

/**
 * log(1 + x) to float32 accuracy on every backend, without a branch: with u = fl(1 + x)
 * and its rounding error δ = (u - 1) - x (exact in float arithmetic),
 * log(1 + x) = log(u - δ) ≈ log u - δ/u. The tiny constant keeps u = 0 (x = -1) from
 * turning δ/u = 0/0 into NaN.
 */
function log1pForward(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const u = tf.add(x, 1);
    const delta = tf.sub(tf.sub(u, 1), x);
    return tf.sub(tf.log(u), tf.div(delta, tf.add(u, 1e-30)));
  });
}

const log1pOp = customOp(
  (x) => log1pForward(x),
  (dy, [x]) => [tf.div(dy, tf.add(x!, 1))],
);

/**
 * log(1 + x), elementwise, accurate for small |x| on every backend (unlike `tf.log1p` on
 * wasm, see the module notes). -Infinity at x = -1, NaN below; NaN at x = +Infinity (the
 * rounding-error term is ∞ - ∞; a branch to fix it would cost more than the function).
 * Gradient 1/(1 + x). Measured relative error ≤ 1.2e-7 against mpmath on [-1, 1e6].
 *
 * @example
 * ```ts
 * log1p(tf.scalar(1e-8)); // 1e-8 (tf.log1p gives 0 on the wasm backend)
 * ```
 */
export function log1p(x: TensorInput): tf.Tensor {
  return tf.tidy(() => log1pOp(toTensor(x, "x", "log1p")));
}

/**
 * log(1 - exp(x)) for x ≤ 0, choosing between log(-expm1(x)) (x near 0) and
 * log1p(-exp(x)) (x very negative) at -log 2 (Mächler, 2012).
 */
function log1mexpForward(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const nearZero = tf.greater(x, -Math.LN2);
    return tf.where(nearZero, tf.log(tf.neg(tf.expm1(x))), log1pForward(tf.neg(tf.exp(x))));
  });
}

const log1mexpOp = customOp(
  (x) => log1mexpForward(x),
  // d/dx log(1 - eˣ) = -eˣ/(1 - eˣ) = -1/expm1(-x): -Infinity at 0, -0 as x → -∞.
  // (0 - x, not neg(x): at x = 0 it is +0, so the division gives -Infinity, not +Infinity.)
  (dy, [x]) => [tf.div(tf.neg(dy), tf.expm1(tf.sub(0, x!)))],
);

/**
 * log(1 - exp(x)), elementwise, for x ≤ 0: stable as x → 0⁻ (→ log(-x)) and as x → -∞
 * (→ -exp(x)). -Infinity at x = 0, 0 at x = -Infinity, NaN for x > 0.
 * Gradient -1/expm1(-x), computed without NaN at both ends.
 *
 * @example
 * ```ts
 * log1mexp(tf.tensor1d([-1e-10, -1, -50])); // [log 1e-10, log(1 - 1/e), -e⁻⁵⁰]
 * ```
 */
export function log1mexp(x: TensorInput): tf.Tensor {
  return tf.tidy(() => log1mexpOp(toTensor(x, "x", "log1mexp")));
}

/**
 * softplus(x) = log(1 + exp(x)), elementwise, without overflow or underflow (exp(x) for
 * x ≪ 0, x for x ≫ 0). Gradient σ(x), finite for all x. This is TensorFlow.js' `Softplus`
 * kernel, whose accuracy is checked against mpmath on the wasm and cpu backends.
 *
 * @example
 * ```ts
 * softplus(tf.tensor1d([-1e4, 0, 1e4])); // [0, log 2, 1e4]
 * ```
 */
export function softplus(x: TensorInput): tf.Tensor {
  return tf.tidy(() => tf.softplus(toTensor(x, "x", "softplus")));
}

const logSigmoidOp = customOp(
  (x) => tf.neg(tf.softplus(tf.neg(x))),
  (dy, [x]) => [tf.mul(dy, tf.sigmoid(tf.neg(x!)))],
);

/**
 * log σ(x) = -softplus(-x), elementwise, stable for all x. Gradient σ(-x).
 *
 * (Not `tf.logSigmoid`: its gradient reads its input from a closure, which fails with
 * "Cannot read properties of undefined" when the input is an intermediate of `tf.grad`.)
 *
 * @example
 * ```ts
 * logSigmoid(tf.tensor1d([-1e4, 0, 1e4])); // [-1e4, -log 2, -0]
 * ```
 */
export function logSigmoid(x: TensorInput): tf.Tensor {
  return tf.tidy(() => logSigmoidOp(toTensor(x, "x", "logSigmoid")));
}
