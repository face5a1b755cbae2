/**
 * `Uniform`: the flat distribution on an interval.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { broadcastTo, type TensorInput } from "../backend/tensor.js";
import { nextSeed } from "../backend/random.js";
import { Constraint, real } from "./constraints.js";
import { Distribution, type DistributionOptions } from "./distribution.js";
import { asFloat, broadcastParams, checkExpand, shouldCheckParams, trustedOptions } from "./family-params.js";

/** `low <= x < high` for tensor bounds (the support of a {@link Uniform}). */
class HalfOpenTensorInterval extends Constraint {
  readonly name = "halfOpenInterval(low, high)";
  constructor(
    private readonly low: tf.Tensor,
    private readonly high: tf.Tensor,
  ) {
    super();
  }
  check(value: tf.Tensor): tf.Tensor {
    return tf.logicalAnd(tf.greaterEqual(value, this.low), tf.less(value, this.high));
  }
}

/** `x > low` for a tensor `low` (the domain of a {@link Uniform}'s `high`). */
class GreaterThanLow extends Constraint {
  readonly name = "greater than 'low'";
  constructor(private readonly low: tf.Tensor) {
    super();
  }
  check(value: tf.Tensor): tf.Tensor {
    return tf.greater(value, this.low);
  }
}

/**
 * The uniform distribution on `[low, high)`, reparameterized: `x = low + (high - low) u`,
 * `u ~ U[0, 1)`. Its support is the half-open interval as in torch's `log_prob`. With
 * validation off, `logProb` is -Infinity outside it.
 *
 * @example
 * ```ts
 * const d = new Uniform(-1, tf.tensor1d([1, 3]));  // batchShape [2]
 * d.logProb(tf.scalar(0));                          // [-log 2, -log 4]
 * ```
 */
export class Uniform extends Distribution {
  /** Lower bound (inclusive), broadcast to `batchShape`. */
  readonly low: tf.Tensor;
  /** Upper bound (exclusive), broadcast to `batchShape`. */
  readonly high: tf.Tensor;

  /**
   * @param low lower bound (real)
   * @param high upper bound (> low)
   */
  constructor(low: TensorInput, high: TensorInput, options: DistributionOptions = {}) {
    const { values, shape } = broadcastParams("Uniform", [
      ["low", low],
      ["high", high],
    ]);
    super(shape, [], options);
    [this.low, this.high] = values as [tf.Tensor, tf.Tensor];
    if (shouldCheckParams(options, this.validateArgs)) {
      this.checkParam("low", this.low, real);
      this.checkParam("high", this.high, new GreaterThanLow(this.low));
    }
  }

  get support(): Constraint {
    return new HalfOpenTensorInterval(this.low, this.high);
  }

  override get hasRsample(): boolean {
    return true;
  }

  override rsample(sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => {
      const u = tf.randomUniform(this.shape(sampleShape), 0, 1, "float32", nextSeed());
      return tf.add(this.low, tf.mul(tf.sub(this.high, this.low), u));
    });
  }

  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const x = asFloat(value);
      this.checkSupport(x);
      const inside = tf.logicalAnd(tf.greaterEqual(x, this.low), tf.less(x, this.high));
      const lp = tf.neg(tf.log(tf.sub(this.high, this.low)));
      const full = tf.broadcastTo(lp, inside.shape);
      return tf.where(inside, full, tf.fill(inside.shape, -Infinity));
    });
  }

  /** `(low + high) / 2`. */
  override get mean(): tf.Tensor {
    return tf.tidy(() => tf.mul(tf.add(this.low, this.high), 0.5));
  }

  /** `(high - low)² / 12`. */
  override get variance(): tf.Tensor {
    return tf.tidy(() => tf.div(tf.square(tf.sub(this.high, this.low)), 12));
  }

  /** `log(high - low)`. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => tf.log(tf.sub(this.high, this.low)));
  }

  /** `(x - low) / (high - low)`, clamped to `[0, 1]`. */
  cdf(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.clipByValue(tf.div(tf.sub(asFloat(value), this.low), tf.sub(this.high, this.low)), 0, 1));
  }

  override expand(batchShape: readonly number[]): Uniform {
    checkExpand(this.name, this.batchShape, batchShape);
    return new Uniform(broadcastTo(this.low, batchShape), broadcastTo(this.high, batchShape), trustedOptions(this.validateArgs));
  }
}
