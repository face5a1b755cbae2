/**
 * `Poisson`: counts with mean and variance `rate`.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { toTensor, type TensorInput, broadcastTo } from "../backend/tensor.js";
import { nonnegative, nonnegativeInteger, type Constraint } from "./constraints.js";
import { HALF_LOG_2PI, logOfRatio, stirlingRemainderParts } from "./count-math.js";
import { expandParam, prepareValue } from "./discrete-params.js";
import { checkExpand, shouldCheckParams, trustedOptions } from "./family-params.js";
import { Distribution, type DistributionOptions } from "./distribution.js";
import { samplePoisson } from "./samplers/poisson.js";

/** Floor added to the rate inside logarithms so that `0 · log 0` is 0 and gradients stay finite. */
const RATE_FLOOR = 1e-30;

/**
 * `log Poisson(x; rate)` = `x log rate - rate - lgamma(x + 1)`, accurate in float32 for large
 * counts: with Stirling's `lgamma(x + 1) = (x + ½) log(x + 1) - (x + 1) + ½ log 2π + r(x + 1)`,
 * it is `x log(rate/(x+1)) + (x + 1 - rate) - ½ log(x + 1) - ½ log 2π - r(x + 1)`, whose log
 * of a ratio near one is taken without rounding loss. `log p(0) = -rate` exactly;
 * `rate = 0` gives `-Infinity` for `x > 0`. Differentiable in `rate`.
 */
export function poissonLogProb(x: tf.Tensor, rate: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const xp1 = tf.add(x, 1);
    const rateS = tf.add(rate, RATE_FLOOR);
    const logRatio = logOfRatio(tf.div(rateS, xp1), tf.div(tf.sub(rateS, xp1), xp1));
    const { smooth, ratio } = stirlingRemainderParts(xp1, 2);
    const positive = tf.sub(
      tf.add(tf.mul(x, logRatio), tf.sub(xp1, rate)),
      tf.add(tf.add(smooth, tf.log(tf.mul(ratio, tf.sqrt(xp1)))), HALF_LOG_2PI),
    );
    const nonzero = tf.step(x);
    // x = 0: exactly -rate (the x > 0 expression is the same up to rounding of O(1) terms).
    const value = tf.add(tf.mul(nonzero, positive), tf.mul(tf.sub(nonzero, 1), rate));
    // -Infinity where rate = 0 < x, via log(1 - [x > 0][rate = 0]) (a comparison inside
    // tf.where would put a kernel without gradient on the tape).
    const impossible = tf.mul(nonzero, tf.sub(1, tf.step(rate)));
    return tf.add(value, tf.log(tf.sub(1, impossible)));
  });
}

/**
 * The Poisson distribution (torch.distributions semantics) with `rate ≥ 0`. `logProb` is the
 * float32-accurate {@link poissonLogProb}; samples are exact (inversion below rate 10, Hörmann's
 * PTRS above; rates from 0 to beyond 1e6 may be mixed in one tensor), float32.
 *
 * @example
 * ```ts
 * const d = new Poisson([0.5, 40, 1e4]);
 * d.sample([2]);                       // [2, 3]
 * d.logProb(tf.tensor([0, 38, 10050]));
 * ```
 */
export class Poisson extends Distribution {
  /** The rates, as given. */
  readonly rate: tf.Tensor;

  constructor(rate: TensorInput, options: DistributionOptions = {}) {
    const r = toTensor(rate, "rate", "Poisson");
    super(r.shape, [], options);
    this.rate = r;
    if (shouldCheckParams(options, this.validateArgs)) this.checkParam("rate", r, nonnegative);
  }

  get support(): Constraint {
    return nonnegativeInteger;
  }

  override get mean(): tf.Tensor {
    return tf.tidy(() => broadcastTo(tf.clone(this.rate), this.batchShape));
  }

  override get variance(): tf.Tensor {
    return this.mean;
  }

  override sample(sampleShape: readonly number[] = []): tf.Tensor {
    return samplePoisson(this.rate, this.shape(sampleShape));
  }

  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const x = prepareValue(value, this.name, this.batchShape);
      this.checkSupport(x);
      return poissonLogProb(x, this.rate);
    });
  }

  override expand(batchShape: readonly number[]): Distribution {
    checkExpand(this.name, this.batchShape, batchShape);
    return new Poisson(expandParam(this.rate, batchShape), trustedOptions(this.validateArgs));
  }
}
