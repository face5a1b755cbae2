/**
 * `StudentT`: Student's t distribution with location and scale.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { broadcastTo, type TensorInput } from "../backend/tensor.js";
import { nextSeed } from "../backend/random.js";
import { positive, real, type Constraint } from "./constraints.js";
import { Distribution, type DistributionOptions } from "./distribution.js";
import { asFloat, broadcastParams, checkExpand, shouldCheckParams, trustedOptions } from "./family-params.js";
import { logStandardGamma } from "./samplers/gamma.js";
import { digamma, log1p, logBeta } from "./special.js";

/** Above this `x`, `ψ(x + ½) - ψ(x)` comes from its asymptotic series instead of two digammas. */
const HALF_STEP_SERIES_FROM = 5;

/**
 * `ψ(x + ½) - ψ(x)` to float32 accuracy. For large `x` the two digammas nearly cancel (at
 * df = 1000 the entropy multiplies their difference by 500), so there the asymptotic series
 * `1/(2x) + 1/(8x²) - 1/(64x⁴) + 1/(128x⁶)` is used (relative error < 2e-7 at x = 5, less above).
 */
function digammaHalfStep(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const large = tf.greaterEqual(x, HALF_STEP_SERIES_FROM);
    const xl = tf.where(large, x, tf.fill(x.shape, HALF_STEP_SERIES_FROM));
    const r = tf.reciprocal(xl);
    const r2 = tf.square(r);
    const series = tf.mul(r, tf.add(0.5, tf.mul(r, tf.add(1 / 8, tf.mul(r2, tf.add(-1 / 64, tf.mul(r2, 1 / 128)))))));
    const xs = tf.where(large, tf.fill(x.shape, 1), x);
    const direct = tf.sub(digamma(tf.add(xs, 0.5)), digamma(xs));
    return tf.where(large, series, direct);
  });
}

/**
 * Student's t distribution with `df` degrees of freedom, location `loc` and scale `scale`.
 *
 * `rsample` is `loc + scale · Z / √(V / df)` with `Z ~ N(0, 1)` and `V = 2 G ~ χ²(df)`,
 * `G ~ Γ(df/2)` drawn by the vectorised Gamma sampler (in log space, so small `df` is fine);
 * gradients reach `df` through the implicit reparameterization gradient of `G`. The mean is NaN
 * for `df ≤ 1`; the variance is Infinity for `1 < df ≤ 2` and NaN for `df ≤ 1` (as torch).
 *
 * The normaliser `log Γ((df+1)/2) - log Γ(df/2) - ½ log(df π)` is computed as
 * `-log B(df/2, ½) - ½ log df`, which keeps float32 accuracy for large `df` (the two log-gammas
 * are ~2600 at df = 1000 and their difference ~3).
 *
 * @example
 * ```ts
 * const d = new StudentT(3);        // loc 0, scale 1
 * d.variance;                       // 3
 * ```
 */
export class StudentT extends Distribution {
  /** Degrees of freedom, broadcast to `batchShape`. */
  readonly df: tf.Tensor;
  /** Location, broadcast to `batchShape`. */
  readonly loc: tf.Tensor;
  /** Scale, broadcast to `batchShape`. */
  readonly scale: tf.Tensor;

  /**
   * @param df degrees of freedom (> 0)
   * @param loc location (real), default 0
   * @param scale scale (> 0), default 1
   */
  constructor(df: TensorInput, loc: TensorInput = 0, scale: TensorInput = 1, options: DistributionOptions = {}) {
    const { values, shape } = broadcastParams("StudentT", [
      ["df", df],
      ["loc", loc],
      ["scale", scale],
    ]);
    super(shape, [], options);
    [this.df, this.loc, this.scale] = values as [tf.Tensor, tf.Tensor, tf.Tensor];
    if (shouldCheckParams(options, this.validateArgs)) {
      this.checkParam("df", this.df, positive);
      this.checkParam("loc", this.loc, real);
      this.checkParam("scale", this.scale, positive);
    }
  }

  get support(): Constraint {
    return real;
  }

  override get hasRsample(): boolean {
    return true;
  }

  override rsample(sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => {
      const s = [...sampleShape];
      const z = tf.randomNormal(this.shape(s), 0, 1, "float32", nextSeed());
      const logG = logStandardGamma(tf.mul(this.df, 0.5), s);
      // 1 / √(2G / df) = exp(-½ (log 2 + log G - log df)).
      const inverseRoot = tf.exp(tf.mul(-0.5, tf.sub(tf.add(logG, Math.LN2), tf.log(this.df))));
      return tf.add(this.loc, tf.mul(this.scale, tf.mul(z, inverseRoot)));
    });
  }

  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const x = asFloat(value);
      this.checkSupport(x);
      const df = this.df;
      const y = tf.div(tf.sub(x, this.loc), this.scale);
      const kernel = tf.mul(tf.mul(tf.add(df, 1), 0.5), log1p(tf.div(tf.square(y), df)));
      const norm = tf.add(tf.add(logBeta(tf.mul(df, 0.5), tf.fill(df.shape, 0.5)), tf.mul(0.5, tf.log(df))), tf.log(this.scale));
      return tf.neg(tf.add(kernel, norm));
    });
  }

  /** `loc` for `df > 1`, NaN otherwise. */
  override get mean(): tf.Tensor {
    return tf.tidy(() => tf.where(tf.greater(this.df, 1), this.loc, tf.fill(this.batchShape, NaN)));
  }

  /** `scale² df / (df - 2)` for `df > 2`, Infinity for `1 < df ≤ 2`, NaN for `df ≤ 1`. */
  override get variance(): tf.Tensor {
    return tf.tidy(() => {
      const df = this.df;
      const finite = tf.div(tf.mul(tf.square(this.scale), df), tf.sub(df, 2));
      const undefinedOrInfinite = tf.where(tf.greater(df, 1), tf.fill(this.batchShape, Infinity), tf.fill(this.batchShape, NaN));
      return tf.where(tf.greater(df, 2), finite, undefinedOrInfinite);
    });
  }

  /** `log scale + (df+1)/2 (ψ((df+1)/2) - ψ(df/2)) + ½ log df + log B(df/2, ½)`. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const half = tf.mul(this.df, 0.5);
      const spread = tf.mul(tf.add(half, 0.5), digammaHalfStep(half));
      return tf.add(
        tf.add(tf.log(this.scale), spread),
        tf.add(tf.mul(0.5, tf.log(this.df)), logBeta(half, tf.fill(half.shape, 0.5))),
      );
    });
  }

  override expand(batchShape: readonly number[]): StudentT {
    checkExpand(this.name, this.batchShape, batchShape);
    return new StudentT(
      broadcastTo(this.df, batchShape),
      broadcastTo(this.loc, batchShape),
      broadcastTo(this.scale, batchShape),
      trustedOptions(this.validateArgs),
    );
  }
}
