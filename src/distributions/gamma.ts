/**
 * `Gamma`: the gamma distribution with shape (concentration) and rate.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { broadcastTo, type TensorInput } from "../backend/tensor.js";
import { positive, type Constraint } from "./constraints.js";
import { Distribution, type DistributionOptions } from "./distribution.js";
import { asFloat, broadcastParams, checkExpand, shouldCheckParams, trustedOptions, xlogy } from "./family-params.js";
import { standardGamma } from "./samplers/gamma.js";
import { digamma, lgamma } from "./special.js";

/**
 * The gamma distribution with density `rate^α x^(α-1) exp(-rate x) / Γ(α)` on `(0, ∞)`
 * (`α` = concentration).
 *
 * `rsample` divides a standard Gamma draw ({@link standardGamma}: Marsaglia–Tsang, vectorised and
 * seeded) by the rate; gradients reach the concentration through the implicit reparameterization
 * gradient and the rate through the division. Draws are floored at the smallest normal float32
 * (1.18e-38), which matters only for concentrations below ~0.05, where much of the mass lies
 * below it. With validation off, `logProb` is -Infinity for `x < 0`.
 *
 * @example
 * ```ts
 * const d = new Gamma(tf.tensor1d([0.5, 2, 30]), 2);
 * const x = d.rsample([100]);   // [100, 3]
 * ```
 */
export class Gamma extends Distribution {
  /** The shape parameter α, broadcast to `batchShape`. */
  readonly concentration: tf.Tensor;
  /** The rate β (inverse scale), broadcast to `batchShape`. */
  readonly rate: tf.Tensor;

  /**
   * @param concentration shape α (> 0)
   * @param rate rate β (> 0)
   */
  constructor(concentration: TensorInput, rate: TensorInput, options: DistributionOptions = {}) {
    const { values, shape } = broadcastParams("Gamma", [
      ["concentration", concentration],
      ["rate", rate],
    ]);
    super(shape, [], options);
    [this.concentration, this.rate] = values as [tf.Tensor, tf.Tensor];
    if (shouldCheckParams(options, this.validateArgs)) {
      this.checkParam("concentration", this.concentration, positive);
      this.checkParam("rate", this.rate, positive);
    }
  }

  get support(): Constraint {
    return positive;
  }

  override get hasRsample(): boolean {
    return true;
  }

  override rsample(sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => tf.div(standardGamma(this.concentration, [...sampleShape]), this.rate));
  }

  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const x = asFloat(value);
      this.checkSupport(x);
      const a = this.concentration;
      const lp = tf.sub(
        tf.add(tf.mul(a, tf.log(this.rate)), xlogy(tf.sub(a, 1), x)),
        tf.add(tf.mul(this.rate, x), lgamma(a)),
      );
      return tf.where(tf.greaterEqual(x, 0), lp, tf.fill(lp.shape, -Infinity));
    });
  }

  /** `α / β`. */
  override get mean(): tf.Tensor {
    return tf.div(this.concentration, this.rate);
  }

  /** `α / β²`. */
  override get variance(): tf.Tensor {
    return tf.tidy(() => tf.div(this.concentration, tf.square(this.rate)));
  }

  /** `α - log β + log Γ(α) + (1 - α) ψ(α)`. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const a = this.concentration;
      return tf.add(tf.sub(a, tf.log(this.rate)), tf.add(lgamma(a), tf.mul(tf.sub(1, a), digamma(a))));
    });
  }

  override expand(batchShape: readonly number[]): Gamma {
    checkExpand(this.name, this.batchShape, batchShape);
    return new Gamma(
      broadcastTo(this.concentration, batchShape),
      broadcastTo(this.rate, batchShape),
      trustedOptions(this.validateArgs),
    );
  }
}
