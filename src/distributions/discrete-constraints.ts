/**
 * Supports of discrete families that depend on a parameter tensor (torch's dependent
 * constraints): integers up to a per-element `totalCount`, one-hot vectors, and count vectors
 * summing to `totalCount`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { Constraint } from "./constraints.js";

function isInteger(x: tf.Tensor): tf.Tensor {
  return tf.equal(tf.floor(x), x);
}

/** Integers in `[0, upper]` where `upper` is a tensor broadcasting against the value. */
export class IntegerIntervalTo extends Constraint {
  readonly name = "integerInterval(0, totalCount)";
  override readonly isDiscrete = true;
  constructor(readonly upper: tf.Tensor) {
    super();
  }
  check(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() =>
      tf.logicalAnd(isInteger(value), tf.logicalAnd(tf.greaterEqual(value, 0), tf.lessEqual(value, this.upper))),
    );
  }
}

/** One-hot vectors over the last dimension (entries 0 or 1, exactly one 1). */
export class OneHotConstraint extends Constraint {
  readonly name = "oneHot";
  override readonly isDiscrete = true;
  override readonly eventDim = 1;
  check(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const binary = tf.all(tf.logicalOr(tf.equal(value, 0), tf.equal(value, 1)), -1);
      return tf.logicalAnd(binary, tf.equal(tf.sum(value, -1), 1));
    });
  }
}

/** Nonnegative integer vectors (last dimension) whose sum is `totalCount` (broadcast over the batch). */
export class MultinomialConstraint extends Constraint {
  readonly name = "multinomial(totalCount)";
  override readonly isDiscrete = true;
  override readonly eventDim = 1;
  constructor(readonly totalCount: tf.Tensor) {
    super();
  }
  check(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const counts = tf.all(tf.logicalAnd(isInteger(value), tf.greaterEqual(value, 0)), -1);
      return tf.logicalAnd(counts, tf.equal(tf.sum(value, -1), this.totalCount));
    });
  }
}
