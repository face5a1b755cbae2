/**
 * `Normal`: the Gaussian distribution over the reals.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { TensorInput } from "../backend/tensor.js";
import { nextSeed } from "../backend/random.js";
import { real, type Constraint } from "./constraints.js";
import type { DistributionOptions } from "./distribution.js";
import { LocationScaleDistribution } from "./location-scale.js";
import { normalLogDensity, normalRsample } from "./normal-ops.js";
import { asFloat } from "./family-params.js";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * The normal distribution `N(loc, scale²)`, reparameterized: `rsample` is `loc + scale · ε`
 * with `ε ~ N(0, 1)`. `loc` and `scale` broadcast to the batch shape.
 *
 * @example
 * ```ts
 * const d = new Normal(tf.zeros([3]), 2);   // batchShape [3]
 * const x = d.rsample([10]);                // [10, 3]
 * const lp = d.logProb(x);                  // [10, 3]
 * ```
 */
export class Normal extends LocationScaleDistribution {
  /**
   * @param loc the mean (real)
   * @param scale the standard deviation (> 0)
   */
  constructor(loc: TensorInput, scale: TensorInput, options: DistributionOptions = {}) {
    super("Normal", loc, scale, options);
  }

  get support(): Constraint {
    return real;
  }

  override rsample(sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => {
      const eps = tf.randomNormal(this.shape(sampleShape), 0, 1, "float32", nextSeed());
      return normalRsample(this.loc, this.scale, eps);
    });
  }

  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const x = asFloat(value);
      this.checkSupport(x);
      return normalLogDensity(x, this.loc, this.scale);
    });
  }

  override get mean(): tf.Tensor {
    return tf.clone(this.loc);
  }

  override get variance(): tf.Tensor {
    return tf.square(this.scale);
  }

  override get stddev(): tf.Tensor {
    return tf.clone(this.scale);
  }

  override entropy(): tf.Tensor {
    return tf.tidy(() => tf.add(tf.log(this.scale), 0.5 + HALF_LOG_2PI));
  }

  /** The cumulative distribution function `Φ((x - loc) / scale)`. */
  cdf(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const z = tf.div(tf.sub(asFloat(value), this.loc), tf.mul(this.scale, Math.SQRT2));
      return tf.mul(0.5, tf.add(1, tf.erf(z)));
    });
  }

  /** A distribution of this family with `loc` and `scale` (for `expand`). */
  protected withParams(loc: tf.Tensor, scale: tf.Tensor, options: DistributionOptions): this {
    return new Normal(loc, scale, options) as this;
  }
}
