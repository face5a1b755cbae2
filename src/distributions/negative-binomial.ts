/**
 * `NegativeBinomial`: overdispersed counts, in torch's `(totalCount, logits | probs)` and in
 * scvi-tools' `(mu, theta)` parametrisation.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { broadcastShapes, broadcastTo, toTensor, type TensorInput } from "../backend/tensor.js";
import { halfOpenInterval, nonnegative, nonnegativeInteger, positive, real, type Constraint } from "./constraints.js";
import { binaryProbsToLogits, expandParam, prepareValue } from "./discrete-params.js";
import { Distribution, type DistributionOptions } from "./distribution.js";
import { checkExpand, shouldCheckParams, trustedOptions } from "./family-params.js";
import { nbLogProb } from "./nb-log-prob.js";
import { standardGamma } from "./samplers/gamma.js";
import { samplePoisson } from "./samplers/poisson.js";

/**
 * Parameters of a {@link NegativeBinomial}: either scvi-tools' mean `mu` (≥ 0) and inverse
 * dispersion `theta` (> 0), or torch's `totalCount` (> 0) with exactly one of `logits` and
 * `probs` (the success probability in [0, 1)).
 */
export type NegativeBinomialParams = (
  | {
      /** The mean (≥ 0), scvi-tools' parametrisation with `theta`. */
      mu: TensorInput;
      /** The inverse dispersion (> 0): variance `mu + mu² / theta`. */
      theta: TensorInput;
      /** Only with `logits` or `probs`. */
      totalCount?: undefined;
      /** Only with `totalCount`. */
      logits?: undefined;
      /** Only with `totalCount`. */
      probs?: undefined;
    }
  | {
      /** The number of failures until stopping (> 0), Pyro's parametrisation. */
      totalCount: TensorInput;
      /** Log-odds of success of each trial. */
      logits: TensorInput;
      /** Give `logits` or `probs`, not both. */
      probs?: undefined;
      /** Only in the mean-dispersion parametrisation. */
      mu?: undefined;
      /** Only in the mean-dispersion parametrisation. */
      theta?: undefined;
    }
  | {
      /** The number of failures until stopping (> 0), Pyro's parametrisation. */
      totalCount: TensorInput;
      /** Success probability of each trial, in [0, 1). */
      probs: TensorInput;
      /** Give `logits` or `probs`, not both. */
      logits?: undefined;
      /** Only in the mean-dispersion parametrisation. */
      mu?: undefined;
      /** Only in the mean-dispersion parametrisation. */
      theta?: undefined;
    }
) &
  DistributionOptions;

/** Which of the three parametrisations a negative binomial was built with. */
export type NegativeBinomialParameterization = "meanDispersion" | "logits" | "probs";

/** Converts and checks which parametrisation `params` uses (shared with the zero-inflated NB). */
export function nbParams(
  family: string,
  params: { mu?: TensorInput; theta?: TensorInput; totalCount?: TensorInput; logits?: TensorInput; probs?: TensorInput },
): { kind: NegativeBinomialParameterization; first: tf.Tensor; count: tf.Tensor } {
  const has = (k: keyof typeof params) => params[k] !== undefined;
  if (has("mu") || has("theta")) {
    if (!has("mu") || !has("theta") || has("totalCount") || has("logits") || has("probs")) {
      throw new Error(`${family}: the (mu, theta) parametrisation needs both 'mu' and 'theta' and none of 'totalCount', 'logits', 'probs'`);
    }
    return { kind: "meanDispersion", first: toTensor(params.mu!, "mu", family), count: toTensor(params.theta!, "theta", family) };
  }
  if (!has("totalCount") || has("logits") === has("probs")) {
    throw new Error(`${family}: give either 'mu' and 'theta', or 'totalCount' with exactly one of 'logits' and 'probs'`);
  }
  const kind = has("logits") ? "logits" : "probs";
  return { kind, first: toTensor(params[kind]!, kind, family), count: toTensor(params.totalCount!, "totalCount", family) };
}

/**
 * The negative binomial distribution over {0, 1, 2, ...}: the number of successes before
 * `totalCount` failures with success probability `probs` (torch.distributions semantics), i.e. a
 * Gamma–Poisson mixture with mean `μ = totalCount · exp(logits)` and variance `μ + μ²/θ` where
 * `θ = totalCount`. scvi-tools' parametrisation gives `mu` and `theta` directly;
 * `{ mu, theta }` equals `{ totalCount: theta, logits: log(mu / theta) }`.
 *
 * `logProb` is the fused, float32-accurate {@link nbLogProb} (accurate to ~1e-6 relative for
 * counts to 1e5 and θ from 1e-4 to 1e6, with hand-written gradients); `totalCount` may be
 * any positive real. Samples draw `w ~ Gamma(θ, θ/μ)` then `Poisson(w)` (exact), float32.
 *
 * @example
 * ```ts
 * const px = new NegativeBinomial({ mu: tf.tensor([[2, 30]]), theta: tf.tensor([5, 0.5]) });
 * px.logProb(tf.tensor([[1, 0]]));     // [1, 2]
 * const torchStyle = new NegativeBinomial({ totalCount: 5, probs: 0.3 });
 * ```
 */
export class NegativeBinomial extends Distribution {
  /** Which parametrisation was given. */
  readonly parameterization: NegativeBinomialParameterization;
  /** `mu`, `logits` or `probs` as given. */
  private readonly first: tf.Tensor;
  /** `theta` / `totalCount` as given. */
  private readonly count: tf.Tensor;

  constructor(params: NegativeBinomialParams) {
    const { kind, first, count } = nbParams("NegativeBinomial", params);
    super(broadcastShapes([first.shape, count.shape], "NegativeBinomial parameters"), [], params);
    this.parameterization = kind;
    this.first = first;
    this.count = count;
    if (shouldCheckParams(params, this.validateArgs)) {
      if (kind === "meanDispersion") {
        this.checkParam("mu", first, nonnegative);
        this.checkParam("theta", count, positive);
      } else {
        this.checkParam("totalCount", count, positive);
        this.checkParam(kind, first, kind === "probs" ? halfOpenInterval(0, 1) : real);
      }
    }
  }

  /**
   * The mean `μ` and inverse dispersion `θ` as differentiable tensors, not broadcast (the hot
   * path of `logProb`; a dispersion shared across a batch stays small). Owned by the caller.
   */
  meanDispersion(): {
    /** The mean. */
    mu: tf.Tensor;
    /** The inverse dispersion. */
    theta: tf.Tensor;
  } {
    return tf.tidy(() => {
      const theta = tf.clone(this.count);
      let mu: tf.Tensor;
      if (this.parameterization === "meanDispersion") mu = tf.clone(this.first);
      else if (this.parameterization === "logits") mu = tf.mul(this.count, tf.exp(this.first));
      else mu = tf.mul(this.count, tf.div(this.first, tf.sub(1, this.first)));
      return { mu, theta };
    }) as { mu: tf.Tensor; theta: tf.Tensor };
  }

  /** The mean `μ`, `batchShape` (a new tensor). */
  get mu(): tf.Tensor {
    return tf.tidy(() => broadcastTo(this.meanDispersion().mu, this.batchShape));
  }

  /** The inverse dispersion `θ` (= `totalCount`), `batchShape` (a new tensor). */
  get theta(): tf.Tensor {
    return tf.tidy(() => broadcastTo(tf.clone(this.count), this.batchShape));
  }

  /** `totalCount` (= `theta`), `batchShape` (a new tensor). */
  get totalCount(): tf.Tensor {
    return this.theta;
  }

  /** The success logits `log(μ/θ)`, `batchShape` (a new tensor). */
  get logits(): tf.Tensor {
    return tf.tidy(() => {
      const l =
        this.parameterization === "logits"
          ? tf.clone(this.first)
          : this.parameterization === "probs"
            ? binaryProbsToLogits(this.first)
            : tf.sub(tf.log(this.first), tf.log(this.count));
      return broadcastTo(l, this.batchShape);
    });
  }

  /** The success probability `μ/(θ + μ)` = `σ(logits)`, `batchShape` (a new tensor). */
  get probs(): tf.Tensor {
    return tf.tidy(() => {
      if (this.parameterization === "probs") return broadcastTo(tf.clone(this.first), this.batchShape);
      if (this.parameterization === "logits") return broadcastTo(tf.sigmoid(this.first), this.batchShape);
      return broadcastTo(tf.div(this.first, tf.add(this.first, this.count)), this.batchShape);
    });
  }

  get support(): Constraint {
    return nonnegativeInteger;
  }

  override get mean(): tf.Tensor {
    return this.mu;
  }

  /** `μ + μ²/θ`. */
  override get variance(): tf.Tensor {
    return tf.tidy(() => {
      const { mu, theta } = this.meanDispersion();
      return broadcastTo(tf.add(mu, tf.div(tf.square(mu), theta)), this.batchShape);
    });
  }

  override sample(sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => {
      const { mu, theta } = this.meanDispersion();
      const gamma = standardGamma(broadcastTo(theta, this.batchShape), [...sampleShape]);
      return samplePoisson(tf.mul(gamma, tf.div(mu, theta)), this.shape(sampleShape));
    });
  }

  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const x = prepareValue(value, this.name, this.batchShape);
      this.checkSupport(x);
      if (this.parameterization === "meanDispersion") return nbLogProb(x, this.first, this.count);
      const { mu, theta } = this.meanDispersion();
      return nbLogProb(x, mu, theta);
    });
  }

  override expand(batchShape: readonly number[]): Distribution {
    checkExpand(this.name, this.batchShape, batchShape);
    const first = expandParam(this.first, batchShape);
    const count = expandParam(this.count, batchShape);
    const options = trustedOptions(this.validateArgs);
    switch (this.parameterization) {
      case "meanDispersion":
        return new NegativeBinomial({ mu: first, theta: count, ...options });
      case "logits":
        return new NegativeBinomial({ totalCount: count, logits: first, ...options });
      case "probs":
        return new NegativeBinomial({ totalCount: count, probs: first, ...options });
    }
  }
}
