/**
 * A stable log-sum-exp with a gradient that is never NaN for finite or -Infinity inputs.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { customOp, toTensor, type TensorInput } from "../../backend/tensor.js";

function normaliseAxes(axis: number | readonly number[], rank: number): number[] {
  const axes = typeof axis === "number" ? [axis] : [...axis];
  return axes.map((a) => {
    const b = a < 0 ? a + rank : a;
    if (!Number.isInteger(b) || b < 0 || b >= rank) {
      throw new Error(`logSumExp: axis ${a} is out of range for a rank-${rank} tensor`);
    }
    return b;
  });
}

/** Replaces ±Infinity (and NaN) by 0, so that subtracting it is harmless. */
function finiteOrZero(t: tf.Tensor): tf.Tensor {
  return tf.where(tf.isFinite(t), t, tf.zerosLike(t));
}

/**
 * log Σ exp(x) over `axis` (default: the last axis), computed as m + log Σ exp(x - m) with
 * m the maximum, so large inputs do not overflow.
 *
 * Edge cases: when every term is -Infinity the result is -Infinity (not NaN) and the
 * gradient is 0; otherwise the gradient is softmax(x) along `axis` (0 at -Infinity terms).
 * A +Infinity term gives +Infinity, with NaN in the gradient. Gradients of the gradient
 * work (autodiff of the softmax).
 *
 * @param x any-rank tensor (or numbers).
 * @param axis an axis or axes to reduce; negative values count from the end.
 * @param keepDims keep the reduced axes with length 1.
 *
 * @example
 * ```ts
 * logSumExp(tf.tensor1d([1000, 1000])); // 1000 + log 2
 * logSumExp(tf.tensor1d([-Infinity, -Infinity])); // -Infinity
 * ```
 */
export function logSumExp(x: TensorInput, axis: number | number[] = -1, keepDims = false): tf.Tensor {
  return tf.tidy(() => {
    const input = toTensor(x, "x", "logSumExp");
    const axes = normaliseAxes(axis, input.rank);
    // Forward and backward both work with m, the maximum with ±∞ replaced by 0. The gradient
    // is softmax = e / Σe with e = exp(x - m): Σe ≥ 1 unless every term is -∞ (then e = 0 and
    // the tiny constant turns 0/0 into 0). Normalising e, rather than exp(x - value), keeps
    // the softmax summing to 1 even when log Σe is below the float32 resolution of m.
    const shiftedExp = (t: tf.Tensor): tf.Tensor => tf.exp(tf.sub(t, finiteOrZero(tf.max(t, axes, true))));
    const op = customOp(
      (t) =>
        tf.tidy(() => {
          const m = finiteOrZero(tf.max(t, axes, true));
          return tf.add(tf.log(tf.sum(tf.exp(tf.sub(t, m)), axes, true)), m);
        }),
      (dy, [t]) => {
        const e = shiftedExp(t!);
        return [tf.mul(dy, tf.div(e, tf.add(tf.sum(e, axes, true), 1e-30)))];
      },
    );
    const out = op(input);
    return keepDims ? out : tf.squeeze(out, axes);
  });
}
