/**
 * `SigmoidTransform`: `y = 1 / (1 + exp(-x))`, from the reals onto the unit interval.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { customOp } from "../../backend/tensor.js";
import { real, unitInterval, type Constraint } from "../constraints.js";
import { logSigmoid, softplus } from "../special.js";
import { Transform } from "./transform.js";

/** Smallest positive normal float32. */
const TINY = 1.1754943508222875e-38;
/** float32 machine epsilon. */
const EPS = 1.1920928955078125e-7;

/**
 * σ(x) clipped to `[TINY, 1 - EPS]` so that it never reaches 0 or 1 in float32 (as torch's
 * clipped sigmoid), but with the gradient of the unclipped σ, `σ(x)σ(-x)`, computed in log
 * space: gradients neither vanish nor become NaN for large `|x|`.
 */
export const clippedSigmoid: (x: tf.Tensor) => tf.Tensor = customOp(
  (x) => tf.clipByValue(tf.sigmoid(x), TINY, 1 - EPS),
  (dy, [x]) => [tf.mul(dy, tf.exp(tf.add(logSigmoid(x!), logSigmoid(tf.neg(x!)))))],
);

/** `log(y) - log(1 - y)`, with `y` first clipped into `[TINY, 1 - EPS]`. */
export function logit(y: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const c = tf.clipByValue(y, TINY, 1 - EPS);
    return tf.sub(tf.log(c), tf.log1p(tf.neg(c)));
  });
}

/**
 * `y = σ(x)`; `log|dy/dx| = log σ(x) + log σ(-x)`, computed with `logSigmoid` so it stays
 * finite (and its gradient NaN-free) at any `x`. The bijection onto `unitInterval`.
 *
 * @example
 * ```ts
 * new SigmoidTransform().forward(tf.scalar(0)); // 0.5
 * ```
 */
export class SigmoidTransform extends Transform {
  readonly domain: Constraint = real;
  readonly codomain: Constraint = unitInterval;

  override get sign(): number {
    return 1;
  }

  forward(x: tf.Tensor): tf.Tensor {
    return clippedSigmoid(x);
  }

  inverse(y: tf.Tensor): tf.Tensor {
    return logit(y);
  }

  logAbsDetJacobian(x: tf.Tensor, y: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.add(tf.neg(tf.add(softplus(x), softplus(tf.neg(x)))), tf.zerosLike(y)));
  }
}
