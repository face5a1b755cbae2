/**
 * The `positiveDefinite` constraint: symmetric positive-definite matrices (covariance and
 * precision matrices).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { Constraint } from "./constraints.js";
import { cholesky, diagPart, matrixTranspose } from "./linalg.js";

class PositiveDefinite extends Constraint {
  readonly name = "positiveDefinite";
  override readonly eventDim = 2;
  /** Symmetric (within 1e-5 relative) and with a Cholesky factor whose diagonal is finite and positive. */
  check(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const scale = tf.add(tf.max(tf.abs(value), [-2, -1]), 1e-30);
      const asym = tf.div(tf.max(tf.abs(tf.sub(value, matrixTranspose(value))), [-2, -1]), scale);
      const symmetric = tf.lessEqual(asym, 1e-5);
      const d = diagPart(cholesky(value));
      const factorOk = tf.all(tf.logicalAnd(tf.greater(d, 0), tf.isFinite(d)), -1);
      return tf.logicalAnd(symmetric, factorOk);
    });
  }
}

/** Symmetric positive-definite matrices (event dim 2). */
export const positiveDefinite: Constraint = new PositiveDefinite();
