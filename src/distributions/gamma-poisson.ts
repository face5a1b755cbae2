/**
 * `GammaPoisson`: Pyro's Gamma–Poisson compound, a negative binomial in (concentration, rate).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { broadcastShapes, broadcastTo, toTensor, type TensorInput } from "../backend/tensor.js";
import { nonnegativeInteger, positive, type Constraint } from "./constraints.js";
import { expandParam, prepareValue } from "./discrete-params.js";
import { Distribution, type DistributionOptions } from "./distribution.js";
import { checkExpand, shouldCheckParams, trustedOptions } from "./family-params.js";
import { nbLogProb } from "./nb-log-prob.js";
import { standardGamma } from "./samplers/gamma.js";
import { samplePoisson } from "./samplers/poisson.js";

/**
 * Pyro's `GammaPoisson(concentration, rate)`: `λ ~ Gamma(concentration, rate)` then
 * `x ~ Poisson(λ)`. It is the negative binomial with `θ = concentration` and
 * `μ = concentration / rate`: mean `α/β`, variance `α/β² (1 + β)`. `logProb` uses the
 * float32-accurate {@link nbLogProb}.
 *
 * @example
 * ```ts
 * const d = new GammaPoisson(2, 0.5);  // mean 4, variance 12
 * d.logProb(tf.tensor([3]));
 * ```
 */
export class GammaPoisson extends Distribution {
  /** The Gamma concentration α (> 0), as given. */
  readonly concentration: tf.Tensor;
  /** The Gamma rate β (> 0), as given. */
  readonly rate: tf.Tensor;

  constructor(concentration: TensorInput, rate: TensorInput, options: DistributionOptions = {}) {
    const a = toTensor(concentration, "concentration", "GammaPoisson");
    const b = toTensor(rate, "rate", "GammaPoisson");
    super(broadcastShapes([a.shape, b.shape], "GammaPoisson(concentration, rate)"), [], options);
    this.concentration = a;
    this.rate = b;
    if (shouldCheckParams(options, this.validateArgs)) {
      this.checkParam("concentration", a, positive);
      this.checkParam("rate", b, positive);
    }
  }

  get support(): Constraint {
    return nonnegativeInteger;
  }

  /** `α/β`. */
  override get mean(): tf.Tensor {
    return tf.tidy(() => broadcastTo(tf.div(this.concentration, this.rate), this.batchShape));
  }

  /** `α/β² · (1 + β)`. */
  override get variance(): tf.Tensor {
    return tf.tidy(() =>
      broadcastTo(tf.mul(tf.div(this.concentration, tf.square(this.rate)), tf.add(1, this.rate)), this.batchShape),
    );
  }

  override sample(sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => {
      const gamma = standardGamma(broadcastTo(this.concentration, this.batchShape), [...sampleShape]);
      return samplePoisson(tf.div(gamma, this.rate), this.shape(sampleShape));
    });
  }

  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const x = prepareValue(value, this.name, this.batchShape);
      this.checkSupport(x);
      return nbLogProb(x, tf.div(this.concentration, this.rate), this.concentration);
    });
  }

  override expand(batchShape: readonly number[]): Distribution {
    checkExpand(this.name, this.batchShape, batchShape);
    return new GammaPoisson(
      expandParam(this.concentration, batchShape),
      expandParam(this.rate, batchShape),
      trustedOptions(this.validateArgs),
    );
  }
}
