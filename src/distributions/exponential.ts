/**
 * `Exponential`: waiting times of a Poisson process.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { broadcastTo, type TensorInput } from "../backend/tensor.js";
import { nextSeed } from "../backend/random.js";
import { nonnegative, positive, type Constraint } from "./constraints.js";
import { Distribution, type DistributionOptions } from "./distribution.js";
import { asFloat, broadcastParams, checkExpand, shouldCheckParams, trustedOptions } from "./family-params.js";
import { log1p } from "./special.js";

/**
 * The exponential distribution with density `rate · exp(-rate x)` on `[0, ∞)`,
 * reparameterized by inversion: `x = -log(1 - u) / rate`, `u ~ U[0, 1)`. With validation off,
 * `logProb` is -Infinity for `x < 0`.
 *
 * @example
 * ```ts
 * const d = new Exponential(2);
 * d.mean;  // 0.5
 * ```
 */
export class Exponential extends Distribution {
  /** The rate (inverse mean), broadcast to `batchShape`. */
  readonly rate: tf.Tensor;

  /** @param rate the rate, `1 / mean` (> 0) */
  constructor(rate: TensorInput, options: DistributionOptions = {}) {
    const { values, shape } = broadcastParams("Exponential", [["rate", rate]]);
    super(shape, [], options);
    this.rate = values[0]!;
    if (shouldCheckParams(options, this.validateArgs)) this.checkParam("rate", this.rate, positive);
  }

  get support(): Constraint {
    return nonnegative;
  }

  override get hasRsample(): boolean {
    return true;
  }

  override rsample(sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => {
      const u = tf.randomUniform(this.shape(sampleShape), 0, 1, "float32", nextSeed());
      return tf.div(tf.neg(log1p(tf.neg(u))), this.rate);
    });
  }

  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const x = asFloat(value);
      this.checkSupport(x);
      const lp = tf.sub(tf.log(this.rate), tf.mul(this.rate, x));
      return tf.where(tf.greaterEqual(x, 0), lp, tf.fill(lp.shape, -Infinity));
    });
  }

  /** `1 / rate`. */
  override get mean(): tf.Tensor {
    return tf.reciprocal(this.rate);
  }

  /** `1 / rate²`. */
  override get variance(): tf.Tensor {
    return tf.tidy(() => tf.reciprocal(tf.square(this.rate)));
  }

  /** `1 - log rate`. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => tf.sub(1, tf.log(this.rate)));
  }

  /** `1 - exp(-rate x)` for `x ≥ 0`. */
  cdf(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.neg(tf.expm1(tf.neg(tf.mul(this.rate, tf.relu(asFloat(value)))))));
  }

  override expand(batchShape: readonly number[]): Exponential {
    checkExpand(this.name, this.batchShape, batchShape);
    return new Exponential(broadcastTo(this.rate, batchShape), trustedOptions(this.validateArgs));
  }
}
