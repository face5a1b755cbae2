/**
 * `SoftplusTransform`: `y = log(1 + exp(x))`, from the reals onto the positive reals.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { positive, real, type Constraint } from "../constraints.js";
import { softplus } from "../special.js";
import { Transform } from "./transform.js";

/** Threshold below which softplus and its inverse switch to exp and log. */
const SMALL = -15;

/**
 * `y = softplus(x) = log(1 + exp(x))`, computed without overflow; the inverse is
 * `x = y + log(-expm1(-y))` and `log|dy/dx| = -softplus(-x)`.
 *
 * @example
 * ```ts
 * new SoftplusTransform().forward(tf.scalar(0)); // log 2
 * ```
 */
export class SoftplusTransform extends Transform {
  readonly domain: Constraint = real;
  readonly codomain: Constraint = positive;

  override get sign(): number {
    return 1;
  }

  forward(x: tf.Tensor): tf.Tensor {
    // Below SMALL, softplus(x) = exp(x) to float32 precision, and log1p(exp(x)) may round to 0.
    return tf.tidy(() => tf.where(tf.greaterEqual(SMALL, x), tf.exp(tf.minimum(x, SMALL)), softplus(x)));
  }

  inverse(y: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const small = tf.greaterEqual(Math.exp(SMALL), y);
      const safe = tf.maximum(y, Math.exp(SMALL));
      return tf.where(small, tf.log(y), tf.add(safe, tf.log(tf.neg(tf.expm1(tf.neg(safe))))));
    });
  }

  logAbsDetJacobian(x: tf.Tensor, y: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.add(tf.neg(softplus(tf.neg(x))), tf.zerosLike(y)));
  }
}
