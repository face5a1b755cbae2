/**
 * `Binomial`: the number of successes in `totalCount` independent trials.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { broadcastShapes, broadcastTo, toTensor, type TensorInput } from "../backend/tensor.js";
import { nonnegativeInteger, real, unitInterval, type Constraint } from "./constraints.js";
import { IntegerIntervalTo } from "./discrete-constraints.js";
import { binaryProbsToLogits, expandParam, pickParam, prepareValue } from "./discrete-params.js";
import { checkExpand, shouldCheckParams, trustedOptions } from "./family-params.js";
import { Distribution, type DistributionOptions } from "./distribution.js";
import { sampleBinomial } from "./samplers/binomial.js";
import { lgamma, softplus } from "./special.js";

/** Parameters of a {@link Binomial}: `totalCount` (default 1) and exactly one of `probs` and `logits`. */
export type BinomialParams = {
  /** Number of trials, a nonnegative integer (default 1). */
  totalCount?: TensorInput;
} & (
  | {
      /** Success probability of each trial, in [0, 1]. */
      probs: TensorInput;
      /** Give `probs` or `logits`, not both. */
      logits?: undefined;
    }
  | {
      /** Log-odds of success: `probs = σ(logits)`. */
      logits: TensorInput;
      /** Give `probs` or `logits`, not both. */
      probs?: undefined;
    }
) &
  DistributionOptions;

/**
 * The binomial distribution (torch.distributions semantics): `totalCount` trials (a
 * nonnegative integer, per batch element) with success probability `probs = σ(logits)`.
 * `logProb(k) = k·logits - n·softplus(logits) + log C(n, k)`. Samples are exact (inversion for
 * `n p < 10`, Hörmann's BTRS above), float32. `enumerateSupport` and `entropy` need the same
 * `totalCount` for every batch element, as in torch.
 *
 * @example
 * ```ts
 * const d = new Binomial({ totalCount: 10, probs: [0.1, 0.5] });
 * d.mean;                              // [1, 5]
 * d.logProb(tf.tensor([0, 5]));
 * ```
 */
export class Binomial extends Distribution {
  /** The number of trials, as given (broadcasts against the probabilities). */
  readonly totalCount: tf.Tensor;
  /** Which probability parameter was given. */
  readonly parameterization: "probs" | "logits";
  private readonly given: tf.Tensor;

  constructor(params: BinomialParams) {
    const { kind, value } = pickParam("Binomial", params, ["probs", "logits"] as const);
    const n = toTensor(params.totalCount ?? 1, "totalCount", "Binomial");
    const p = toTensor(value, kind, "Binomial");
    super(broadcastShapes([n.shape, p.shape], `Binomial(totalCount, ${kind})`), [], params);
    this.totalCount = n;
    this.parameterization = kind;
    this.given = p;
    if (shouldCheckParams(params, this.validateArgs)) {
      this.checkParam("totalCount", n, nonnegativeInteger);
      this.checkParam(kind, p, kind === "probs" ? unitInterval : real);
    }
  }

  /** The success probabilities, `batchShape` (a new tensor). */
  get probs(): tf.Tensor {
    return tf.tidy(() =>
      broadcastTo(this.parameterization === "probs" ? tf.clone(this.given) : tf.sigmoid(this.given), this.batchShape),
    );
  }

  /** The logits, `batchShape` (a new tensor). */
  get logits(): tf.Tensor {
    return tf.tidy(() =>
      broadcastTo(this.parameterization === "logits" ? tf.clone(this.given) : binaryProbsToLogits(this.given), this.batchShape),
    );
  }

  get support(): Constraint {
    return new IntegerIntervalTo(this.totalCount);
  }

  override get hasEnumerateSupport(): boolean {
    return true;
  }

  override get mean(): tf.Tensor {
    return tf.tidy(() => tf.mul(this.totalCount, this.probs));
  }

  override get variance(): tf.Tensor {
    return tf.tidy(() => {
      const p = this.probs;
      return tf.mul(tf.mul(this.totalCount, p), tf.sub(1, p));
    });
  }

  override sample(sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => sampleBinomial(this.totalCount, this.probs, this.shape(sampleShape)));
  }

  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const k = prepareValue(value, this.name, this.batchShape);
      this.checkSupport(k);
      const n = this.totalCount;
      const l = this.logits;
      const logChoose = tf.sub(tf.sub(lgamma(tf.add(n, 1)), lgamma(tf.add(k, 1))), lgamma(tf.add(tf.sub(n, k), 1)));
      return tf.add(tf.sub(tf.mul(k, l), tf.mul(n, softplus(l))), logChoose);
    });
  }

  /** `-Σ_k p(k) log p(k)` over the enumerated support (requires one common `totalCount`). */
  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const lp = this.logProb(this.enumerateSupport(false));
      return tf.neg(tf.sum(tf.mul(tf.exp(lp), lp), 0));
    });
  }

  override enumerateSupport(expand = true): tf.Tensor {
    const n = this.uniformTotalCount("enumerateSupport");
    return tf.tidy(() => {
      const values = tf.reshape(tf.range(0, n + 1, 1, "float32"), [n + 1, ...this.batchShape.map(() => 1)]);
      return expand ? broadcastTo(values, [n + 1, ...this.batchShape]) : values;
    });
  }

  override expand(batchShape: readonly number[]): Distribution {
    checkExpand(this.name, this.batchShape, batchShape);
    const totalCount = expandParam(this.totalCount, batchShape);
    const given = expandParam(this.given, batchShape);
    const options = { totalCount, ...trustedOptions(this.validateArgs) };
    return new Binomial(this.parameterization === "probs" ? { probs: given, ...options } : { logits: given, ...options });
  }

  /** The common `totalCount`, or a named error when the batch elements differ. */
  private uniformTotalCount(method: string): number {
    const values = this.totalCount.dataSync();
    const n = values[0] ?? 0;
    if (!values.every((v) => v === n)) {
      throw new Error(`${this.name}.${method}: needs the same totalCount for every batch element (inhomogeneous totalCount is not supported)`);
    }
    return n;
  }
}
