/**
 * `Dirichlet`: the distribution over the probability simplex.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { broadcastTo, formatShape, toTensor, type TensorInput } from "../backend/tensor.js";
import { positive, simplex, type Constraint } from "./constraints.js";
import { Distribution, type DistributionOptions } from "./distribution.js";
import { asFloat, checkExpand, logProbShape, shouldCheckParams, trustedOptions, xlogy } from "./family-params.js";
import { FLOAT32_TINY, logStandardGamma } from "./samplers/gamma.js";
import { digamma, lgamma } from "./special.js";

/**
 * The Dirichlet distribution over the simplex `{x ∈ [0,1]^k : Σ x = 1}` with density
 * `Γ(α₀) / Π Γ(αᵢ) · Π xᵢ^(αᵢ - 1)`, `α₀ = Σ αᵢ`. `concentration` has shape
 * `batchShape + [k]`; the event shape is `[k]`.
 *
 * `rsample` normalises independent standard Gamma draws `Gᵢ ~ Γ(αᵢ)`, as a softmax of their
 * logarithms (right even where the Gammas underflow, for tiny concentrations); gradients reach
 * the concentrations through the implicit reparameterization gradient. Components are floored at
 * the smallest normal float32 (1.18e-38). With validation off, `logProb` is -Infinity when a
 * component lies outside `[0, 1]` (the sum is not checked).
 *
 * @example
 * ```ts
 * const d = new Dirichlet([1, 2, 3]);
 * d.mean;          // [1/6, 2/6, 3/6]
 * d.sample([10]);  // [10, 3], rows on the simplex
 * ```
 */
export class Dirichlet extends Distribution {
  /** The concentrations α, `batchShape + [k]`. */
  readonly concentration: tf.Tensor;

  /** @param concentration α, `batchShape + [k]` with k ≥ 1 (each > 0) */
  constructor(concentration: TensorInput, options: DistributionOptions = {}) {
    const alpha = toTensor(concentration, "concentration", "Dirichlet");
    if (alpha.rank < 1 || alpha.shape[alpha.rank - 1]! < 1) {
      throw new Error(
        `Dirichlet: parameter 'concentration' must have shape [..., k] with k ≥ 1, got ${formatShape(alpha.shape)}`,
      );
    }
    super(alpha.shape.slice(0, -1), alpha.shape.slice(-1), options);
    this.concentration = alpha;
    if (shouldCheckParams(options, this.validateArgs)) this.checkParam("concentration", alpha, positive);
  }

  get support(): Constraint {
    return simplex;
  }

  override get hasRsample(): boolean {
    return true;
  }

  override rsample(sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => {
      const logG = logStandardGamma(this.concentration, [...sampleShape]);
      return tf.maximum(tf.softmax(logG, -1), FLOAT32_TINY);
    });
  }

  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const x = asFloat(value);
      logProbShape(this.name, x, this.batchShape, this.eventShape);
      this.checkSupport(x);
      const alpha = this.concentration;
      const inside = tf.all(tf.logicalAnd(tf.greaterEqual(x, 0), tf.lessEqual(x, 1)), -1);
      const safe = tf.where(tf.logicalAnd(tf.greaterEqual(x, 0), tf.lessEqual(x, 1)), x, tf.fill(x.shape, 0.5));
      const kernel = tf.sum(xlogy(tf.sub(alpha, 1), safe), -1);
      const norm = tf.sub(lgamma(tf.sum(alpha, -1)), tf.sum(lgamma(alpha), -1));
      const lp = tf.add(kernel, norm);
      return tf.where(inside, lp, tf.fill(lp.shape, -Infinity));
    });
  }

  /** `α / α₀`. */
  override get mean(): tf.Tensor {
    return tf.tidy(() => tf.div(this.concentration, tf.sum(this.concentration, -1, true)));
  }

  /** `αᵢ (α₀ - αᵢ) / (α₀² (α₀ + 1))`. */
  override get variance(): tf.Tensor {
    return tf.tidy(() => {
      const total = tf.sum(this.concentration, -1, true);
      return tf.div(
        tf.mul(this.concentration, tf.sub(total, this.concentration)),
        tf.mul(tf.square(total), tf.add(total, 1)),
      );
    });
  }

  /** `Σ log Γ(αᵢ) - log Γ(α₀) + (α₀ - k) ψ(α₀) - Σ (αᵢ - 1) ψ(αᵢ)`. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const alpha = this.concentration;
      const k = this.eventShape[0]!;
      const total = tf.sum(alpha, -1);
      return tf.sub(
        tf.add(tf.sub(tf.sum(lgamma(alpha), -1), lgamma(total)), tf.mul(tf.sub(total, k), digamma(total))),
        tf.sum(tf.mul(tf.sub(alpha, 1), digamma(alpha)), -1),
      );
    });
  }

  override expand(batchShape: readonly number[]): Dirichlet {
    checkExpand(this.name, this.batchShape, batchShape);
    return new Dirichlet(broadcastTo(this.concentration, [...batchShape, ...this.eventShape]), trustedOptions(this.validateArgs));
  }
}
