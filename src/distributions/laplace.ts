/**
 * `Laplace`: the double-exponential distribution.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { TensorInput } from "../backend/tensor.js";
import { nextSeed } from "../backend/random.js";
import { real, type Constraint } from "./constraints.js";
import type { DistributionOptions } from "./distribution.js";
import { LocationScaleDistribution } from "./location-scale.js";
import { asFloat } from "./family-params.js";
import { log1p } from "./special.js";

/** The float32 just above -1, so that `log1p(-|u|)` stays finite. */
const ABOVE_MINUS_ONE = -1 + 2 ** -24;

/**
 * The Laplace distribution with density `exp(-|x - loc| / scale) / (2 scale)`,
 * reparameterized by inversion: `x = loc - scale · sign(u) · log(1 - |u|)`, `u ~ U(-1, 1)`.
 *
 * @example
 * ```ts
 * const d = new Laplace(0, 1);
 * d.variance;  // 2
 * ```
 */
export class Laplace extends LocationScaleDistribution {
  /**
   * @param loc location (real)
   * @param scale scale (> 0)
   */
  constructor(loc: TensorInput, scale: TensorInput, options: DistributionOptions = {}) {
    super("Laplace", loc, scale, options);
  }

  get support(): Constraint {
    return real;
  }

  override rsample(sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => {
      const u = tf.randomUniform(this.shape(sampleShape), ABOVE_MINUS_ONE, 1, "float32", nextSeed());
      const magnitude = tf.neg(log1p(tf.neg(tf.abs(u))));
      return tf.add(this.loc, tf.mul(this.scale, tf.mul(tf.sign(u), magnitude)));
    });
  }

  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const x = asFloat(value);
      this.checkSupport(x);
      return tf.sub(tf.neg(tf.div(tf.abs(tf.sub(x, this.loc)), this.scale)), tf.add(tf.log(this.scale), Math.LN2));
    });
  }

  override get mean(): tf.Tensor {
    return tf.clone(this.loc);
  }

  /** `2 scale²`. */
  override get variance(): tf.Tensor {
    return tf.tidy(() => tf.mul(tf.square(this.scale), 2));
  }

  /** `1 + log(2 scale)`. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => tf.add(tf.log(this.scale), 1 + Math.LN2));
  }

  /** `½ + ½ sign(x - loc) (1 - exp(-|x - loc| / scale))`. */
  cdf(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const d = tf.sub(asFloat(value), this.loc);
      const tail = tf.neg(tf.expm1(tf.neg(tf.div(tf.abs(d), this.scale))));
      return tf.add(0.5, tf.mul(0.5, tf.mul(tf.sign(d), tail)));
    });
  }

  /** A distribution of this family with `loc` and `scale` (for `expand`). */
  protected withParams(loc: tf.Tensor, scale: tf.Tensor, options: DistributionOptions): this {
    return new Laplace(loc, scale, options) as this;
  }
}
