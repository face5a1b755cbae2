/**
 * `LogNormal`: the distribution of `exp(y)` for a normal `y`.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { TensorInput } from "../backend/tensor.js";
import { nextSeed } from "../backend/random.js";
import { positive, real, type Constraint } from "./constraints.js";
import type { DistributionOptions } from "./distribution.js";
import { LocationScaleDistribution } from "./location-scale.js";
import { asFloat } from "./family-params.js";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * The log-normal distribution: `x = exp(loc + scale · ε)`, `ε ~ N(0, 1)`, reparameterized.
 * `loc` and `scale` are the mean and standard deviation of `log x`. With validation off,
 * `logProb` is -Infinity for `x ≤ 0`.
 *
 * @example
 * ```ts
 * const d = new LogNormal(0, 0.5);
 * const x = d.rsample([100]);    // positive, [100]
 * ```
 */
export class LogNormal extends LocationScaleDistribution {
  /**
   * @param loc mean of the logarithm (real)
   * @param scale standard deviation of the logarithm (> 0)
   */
  constructor(loc: TensorInput, scale: TensorInput, options: DistributionOptions = {}) {
    super("LogNormal", loc, scale, options);
  }

  get support(): Constraint {
    return positive;
  }

  override rsample(sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => {
      const eps = tf.randomNormal(this.shape(sampleShape), 0, 1, "float32", nextSeed());
      return tf.exp(tf.add(this.loc, tf.mul(this.scale, eps)));
    });
  }

  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const x = asFloat(value);
      this.checkSupport(x);
      const inside = tf.greater(x, 0);
      const logX = tf.log(tf.where(inside, x, tf.onesLike(x)));
      const z = tf.div(tf.sub(logX, this.loc), this.scale);
      const lp = tf.sub(tf.mul(-0.5, tf.square(z)), tf.add(tf.add(tf.log(this.scale), HALF_LOG_2PI), logX));
      return tf.where(inside, lp, tf.fill(lp.shape, -Infinity));
    });
  }

  /** `exp(loc + scale² / 2)`. */
  override get mean(): tf.Tensor {
    return tf.tidy(() => tf.exp(tf.add(this.loc, tf.mul(0.5, tf.square(this.scale)))));
  }

  /** `(exp(scale²) - 1) · exp(2 loc + scale²)`. */
  override get variance(): tf.Tensor {
    return tf.tidy(() => {
      const s2 = tf.square(this.scale);
      return tf.mul(tf.expm1(s2), tf.exp(tf.add(tf.mul(2, this.loc), s2)));
    });
  }

  /** `loc + ½ + ½ log 2π + log scale`. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => tf.add(tf.add(this.loc, tf.log(this.scale)), 0.5 + HALF_LOG_2PI));
  }

  /** A distribution of this family with `loc` and `scale` (for `expand`). */
  protected withParams(loc: tf.Tensor, scale: tf.Tensor, options: DistributionOptions): this {
    return new LogNormal(loc, scale, options) as this;
  }
}
