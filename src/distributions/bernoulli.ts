/**
 * `Bernoulli`: a 0/1 variable with success probability `probs` (or `logits`).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { nextSeed } from "../backend/random.js";
import { broadcastTo, toTensor, type TensorInput } from "../backend/tensor.js";
import { boolean, real, unitInterval, type Constraint } from "./constraints.js";
import { binaryProbsToLogits, expandParam, pickParam, prepareValue } from "./discrete-params.js";
import { checkExpand, shouldCheckParams, trustedOptions } from "./family-params.js";
import { Distribution, type DistributionOptions } from "./distribution.js";
import { softplus } from "./special.js";

/** Parameters of a {@link Bernoulli}: exactly one of `probs` and `logits`. */
export type BernoulliParams = (
  | {
      /** `P(1)`, in [0, 1]. */
      probs: TensorInput;
      /** Give `probs` or `logits`, not both. */
      logits?: undefined;
    }
  | {
      /** Log-odds of 1: `P(1) = σ(logits)`. */
      logits: TensorInput;
      /** Give `probs` or `logits`, not both. */
      probs?: undefined;
    }
) &
  DistributionOptions;

/**
 * The Bernoulli distribution on {0, 1} (torch.distributions semantics): `P(1) = probs =
 * σ(logits)`. `logProb(x) = x·logits - softplus(logits)`, computed from the logits (the
 * probabilities are clamped to [eps, 1 - eps] first when given as `probs`, as torch does).
 * Samples are float32 0/1.
 *
 * @example
 * ```ts
 * const d = new Bernoulli({ probs: [0.2, 0.9] });
 * d.sample([3]);                       // [3, 2] of 0/1
 * d.logProb(tf.tensor([1, 0]));        // [log 0.2, log 0.1]
 * ```
 */
export class Bernoulli extends Distribution {
  /** Which parameter was given. */
  readonly parameterization: "probs" | "logits";
  private readonly given: tf.Tensor;

  constructor(params: BernoulliParams) {
    const { kind, value } = pickParam("Bernoulli", params, ["probs", "logits"] as const);
    const t = toTensor(value, kind, "Bernoulli");
    super(t.shape, [], params);
    this.parameterization = kind;
    this.given = t;
    if (shouldCheckParams(params, this.validateArgs)) this.checkParam(kind, t, kind === "probs" ? unitInterval : real);
  }

  /** The success probabilities, `batchShape` (a new tensor). */
  get probs(): tf.Tensor {
    return tf.tidy(() => (this.parameterization === "probs" ? tf.clone(this.given) : tf.sigmoid(this.given)));
  }

  /** The logits `log(p / (1 - p))`, `batchShape` (a new tensor). */
  get logits(): tf.Tensor {
    return tf.tidy(() => (this.parameterization === "logits" ? tf.clone(this.given) : binaryProbsToLogits(this.given)));
  }

  get support(): Constraint {
    return boolean;
  }

  override get hasEnumerateSupport(): boolean {
    return true;
  }

  override get mean(): tf.Tensor {
    return this.probs;
  }

  override get variance(): tf.Tensor {
    return tf.tidy(() => {
      const p = this.probs;
      return tf.mul(p, tf.sub(1, p));
    });
  }

  override sample(sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => {
      const shape = this.shape(sampleShape);
      const u = tf.randomUniform(shape, 0, 1, "float32", nextSeed());
      return tf.cast(tf.less(u, this.probs), "float32");
    });
  }

  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const x = prepareValue(value, this.name, this.batchShape);
      this.checkSupport(x);
      const l = this.logits;
      return tf.sub(tf.mul(x, l), softplus(l));
    });
  }

  /** `softplus(l) - p·l`, the binary cross-entropy of the distribution with itself. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const l = this.logits;
      return tf.sub(softplus(l), tf.mul(this.probs, l));
    });
  }

  override enumerateSupport(expand = true): tf.Tensor {
    return tf.tidy(() => {
      const values = tf.tensor([0, 1], [2, ...this.batchShape.map(() => 1)], "float32");
      return expand ? broadcastTo(values, [2, ...this.batchShape]) : values;
    });
  }

  override expand(batchShape: readonly number[]): Distribution {
    checkExpand(this.name, this.batchShape, batchShape);
    const given = expandParam(this.given, batchShape);
    const options = trustedOptions(this.validateArgs);
    return new Bernoulli(this.parameterization === "probs" ? { probs: given, ...options } : { logits: given, ...options });
  }
}
