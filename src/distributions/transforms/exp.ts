/**
 * `ExpTransform`: `y = exp(x)`, from the reals onto the positive reals.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { positive, real, type Constraint } from "../constraints.js";
import { Transform } from "./transform.js";

/**
 * `y = exp(x)`; `log|dy/dx| = x`. The default bijection onto `positive` (as in torch and Pyro).
 *
 * @example
 * ```ts
 * new ExpTransform().forward(tf.scalar(0)); // 1
 * ```
 */
export class ExpTransform extends Transform {
  readonly domain: Constraint = real;
  readonly codomain: Constraint = positive;

  override get sign(): number {
    return 1;
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.exp(x);
  }

  inverse(y: tf.Tensor): tf.Tensor {
    return tf.log(y);
  }

  logAbsDetJacobian(x: tf.Tensor, y: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.add(x, tf.zerosLike(y)));
  }
}
