/**
 * `Beta`: the beta distribution on the unit interval.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { broadcastTo, type TensorInput } from "../backend/tensor.js";
import { positive, unitInterval, type Constraint } from "./constraints.js";
import { Distribution, type DistributionOptions } from "./distribution.js";
import { asFloat, broadcastParams, checkExpand, shouldCheckParams, trustedOptions, xlogy } from "./family-params.js";
import { FLOAT32_TINY, logStandardGamma } from "./samplers/gamma.js";
import { digamma, log1p, logBeta } from "./special.js";

/** The largest float32 below 1. */
const BELOW_ONE = 1 - 2 ** -24;

/**
 * The beta distribution with density `x^(a-1) (1-x)^(b-1) / B(a, b)` on `[0, 1]`
 * (`a` = concentration1, `b` = concentration0, torch's order).
 *
 * `rsample` is `G₁ / (G₁ + G₂)` for standard Gamma draws `G₁ ~ Γ(a)`, `G₂ ~ Γ(b)`, formed from
 * their logarithms as `sigmoid(log G₁ - log G₂)`, so it stays right when the Gammas themselves
 * underflow (concentrations ~0.01); gradients reach both concentrations through the implicit
 * reparameterization gradient of the Gamma draws. Draws are clamped to
 * `[1.18e-38, 1 - 2⁻²⁴]`, the float32 numbers strictly inside `(0, 1)`, so their log-density is
 * finite. With validation off, `logProb` is -Infinity outside `[0, 1]`.
 *
 * @example
 * ```ts
 * const d = new Beta(2, 5);
 * d.mean;   // 2/7
 * ```
 */
export class Beta extends Distribution {
  /** The first concentration `a` (the exponent of `x`), broadcast to `batchShape`. */
  readonly concentration1: tf.Tensor;
  /** The second concentration `b` (the exponent of `1 - x`), broadcast to `batchShape`. */
  readonly concentration0: tf.Tensor;

  /**
   * @param concentration1 `a` (> 0)
   * @param concentration0 `b` (> 0)
   */
  constructor(concentration1: TensorInput, concentration0: TensorInput, options: DistributionOptions = {}) {
    const { values, shape } = broadcastParams("Beta", [
      ["concentration1", concentration1],
      ["concentration0", concentration0],
    ]);
    super(shape, [], options);
    [this.concentration1, this.concentration0] = values as [tf.Tensor, tf.Tensor];
    if (shouldCheckParams(options, this.validateArgs)) {
      this.checkParam("concentration1", this.concentration1, positive);
      this.checkParam("concentration0", this.concentration0, positive);
    }
  }

  get support(): Constraint {
    return unitInterval;
  }

  override get hasRsample(): boolean {
    return true;
  }

  override rsample(sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => {
      const s = [...sampleShape];
      const logG1 = logStandardGamma(this.concentration1, s);
      const logG0 = logStandardGamma(this.concentration0, s);
      return tf.clipByValue(tf.sigmoid(tf.sub(logG1, logG0)), FLOAT32_TINY, BELOW_ONE);
    });
  }

  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const x = asFloat(value);
      this.checkSupport(x);
      const a = this.concentration1;
      const b = this.concentration0;
      const inside = tf.logicalAnd(tf.greaterEqual(x, 0), tf.lessEqual(x, 1));
      const safe = tf.where(inside, x, tf.fill(x.shape, 0.5));
      // (b - 1) log(1 - x), with 0 · log 0 = 0 and log1p accurate near x = 0.
      const log1mx = log1p(tf.neg(safe));
      // At x = 1 the log is -Infinity: use 0 there when b = 1 (so 0 · log 0 = 0). Elsewhere the
      // gradient in b is log(1 - x), also at b = 1.
      const atOne = tf.greaterEqual(safe, 1);
      const guarded = tf.where(atOne, tf.where(tf.equal(b, 1), tf.zerosLike(log1mx), log1mx), log1mx);
      const bTerm = tf.mul(tf.sub(b, 1), guarded);
      const lp = tf.sub(tf.add(xlogy(tf.sub(a, 1), safe), bTerm), logBeta(a, b));
      return tf.where(inside, lp, tf.fill(lp.shape, -Infinity));
    });
  }

  /** `a / (a + b)`. */
  override get mean(): tf.Tensor {
    return tf.tidy(() => tf.div(this.concentration1, tf.add(this.concentration1, this.concentration0)));
  }

  /** `a b / ((a + b)² (a + b + 1))`. */
  override get variance(): tf.Tensor {
    return tf.tidy(() => {
      const total = tf.add(this.concentration1, this.concentration0);
      return tf.div(tf.mul(this.concentration1, this.concentration0), tf.mul(tf.square(total), tf.add(total, 1)));
    });
  }

  /** `log B(a, b) - (a-1) ψ(a) - (b-1) ψ(b) + (a+b-2) ψ(a+b)`. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const a = this.concentration1;
      const b = this.concentration0;
      const total = tf.add(a, b);
      return tf.add(
        tf.sub(tf.sub(logBeta(a, b), tf.mul(tf.sub(a, 1), digamma(a))), tf.mul(tf.sub(b, 1), digamma(b))),
        tf.mul(tf.sub(total, 2), digamma(total)),
      );
    });
  }

  override expand(batchShape: readonly number[]): Beta {
    checkExpand(this.name, this.batchShape, batchShape);
    return new Beta(
      broadcastTo(this.concentration1, batchShape),
      broadcastTo(this.concentration0, batchShape),
      trustedOptions(this.validateArgs),
    );
  }
}
