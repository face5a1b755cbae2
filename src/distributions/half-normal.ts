/**
 * `HalfNormal`: the distribution of `|y|` for a centred normal `y`.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { broadcastTo, type TensorInput } from "../backend/tensor.js";
import { nextSeed } from "../backend/random.js";
import { nonnegative, positive, type Constraint } from "./constraints.js";
import { Distribution, type DistributionOptions } from "./distribution.js";
import { asFloat, broadcastParams, checkExpand, shouldCheckParams, trustedOptions } from "./family-params.js";

const LOG_2_OVER_PI_HALF = 0.5 * Math.log(2 / Math.PI);

/**
 * The half-normal distribution: `x = |scale · ε|`, `ε ~ N(0, 1)`, reparameterized, on
 * `[0, ∞)`. With validation off, `logProb` is -Infinity for `x < 0`.
 *
 * @example
 * ```ts
 * const d = new HalfNormal(tf.tensor1d([0.5, 2]));
 * d.mean;  // scale · √(2/π)
 * ```
 */
export class HalfNormal extends Distribution {
  /** The scale of the underlying normal, broadcast to `batchShape`. */
  readonly scale: tf.Tensor;

  /** @param scale the standard deviation of the folded normal (> 0) */
  constructor(scale: TensorInput, options: DistributionOptions = {}) {
    const { values, shape } = broadcastParams("HalfNormal", [["scale", scale]]);
    super(shape, [], options);
    this.scale = values[0]!;
    if (shouldCheckParams(options, this.validateArgs)) this.checkParam("scale", this.scale, positive);
  }

  get support(): Constraint {
    return nonnegative;
  }

  override get hasRsample(): boolean {
    return true;
  }

  override rsample(sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => {
      const eps = tf.randomNormal(this.shape(sampleShape), 0, 1, "float32", nextSeed());
      return tf.mul(this.scale, tf.abs(eps));
    });
  }

  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const x = asFloat(value);
      this.checkSupport(x);
      const z = tf.div(x, this.scale);
      const lp = tf.sub(tf.sub(LOG_2_OVER_PI_HALF, tf.mul(0.5, tf.square(z))), tf.log(this.scale));
      return tf.where(tf.greaterEqual(x, 0), lp, tf.fill(lp.shape, -Infinity));
    });
  }

  /** `scale · √(2/π)`. */
  override get mean(): tf.Tensor {
    return tf.mul(this.scale, Math.sqrt(2 / Math.PI));
  }

  /** `scale² (1 - 2/π)`. */
  override get variance(): tf.Tensor {
    return tf.tidy(() => tf.mul(tf.square(this.scale), 1 - 2 / Math.PI));
  }

  /** `½ log(π scale² / 2) + ½`. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => tf.add(tf.log(this.scale), 0.5 * Math.log(Math.PI / 2) + 0.5));
  }

  override expand(batchShape: readonly number[]): HalfNormal {
    checkExpand(this.name, this.batchShape, batchShape);
    return new HalfNormal(broadcastTo(this.scale, batchShape), trustedOptions(this.validateArgs));
  }
}
