/**
 * `Multinomial`: counts of `totalCount` categorical draws over `K` categories.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { broadcastShapes, broadcastTo, toTensor, type TensorInput } from "../backend/tensor.js";
import { nonnegativeInteger, type Constraint } from "./constraints.js";
import { Binomial } from "./binomial.js";
import { Categorical, categoricalCheck, categoricalParam, type CategoricalParams } from "./categorical.js";
import { MultinomialConstraint } from "./discrete-constraints.js";
import { expandParam, prepareValue } from "./discrete-params.js";
import { checkExpand, shouldCheckParams, trustedOptions } from "./family-params.js";
import { checkEventParam } from "./event-param-check.js";
import { Distribution } from "./distribution.js";
import { sampleMultinomial } from "./samplers/multinomial.js";
import { lgamma } from "./special.js";

/** Parameters of a {@link Multinomial}: `totalCount` (default 1) and exactly one of `probs` and `logits` (`[..., K]`). */
export type MultinomialParams = {
  /** Number of draws, a nonnegative integer (default 1; may vary over the batch). */
  totalCount?: TensorInput;
} & CategoricalParams;

/**
 * The multinomial distribution (torch.distributions semantics): `totalCount` draws (a
 * nonnegative integer, which may vary over the batch, as in NumPyro) over `K` categories with
 * probabilities `probs` (normalised on use) or `logits`. Event shape `[K]`; samples are exact
 * (sequential conditional binomials), float32 counts summing to `totalCount`.
 * `logProb(x) = lgamma(Σx + 1) - Σ lgamma(x + 1) + Σ x log p` (terms with `x = 0` contribute 0
 * even where `p = 0`). `entropy` needs one common `totalCount`, as in torch.
 *
 * @example
 * ```ts
 * const d = new Multinomial({ totalCount: 10, probs: [0.2, 0.3, 0.5] });
 * d.sample([2]);                       // [2, 3], rows sum to 10
 * d.logProb(tf.tensor([2, 3, 5]));
 * ```
 */
export class Multinomial extends Distribution {
  /** The number of draws, as given (broadcasts against the batch). */
  readonly totalCount: tf.Tensor;
  /** Which parameter was given. */
  readonly parameterization: "probs" | "logits";
  private readonly given: tf.Tensor;

  constructor(params: MultinomialParams) {
    const { kind, tensor } = categoricalParam("Multinomial", params);
    const n = toTensor(params.totalCount ?? 1, "totalCount", "Multinomial");
    const batchShape = broadcastShapes([n.shape, tensor.shape.slice(0, -1)], `Multinomial(totalCount, ${kind})`);
    super(batchShape, tensor.shape.slice(-1), params);
    this.totalCount = n;
    this.parameterization = kind;
    this.given = tensor;
    if (shouldCheckParams(params, this.validateArgs)) {
      this.checkParam("totalCount", n, nonnegativeInteger);
      tf.tidy(() => {
        const check = categoricalCheck(kind, tensor);
        checkEventParam(this.name, kind, check.value, check.constraint);
      });
    }
  }

  /** The number of categories K. */
  get numCategories(): number {
    return this.eventShape[0]!;
  }

  /** The categorical distribution of one draw (shares the parameter tensor). */
  get categorical(): Categorical {
    const options = { validateArgs: false };
    return new Categorical(this.parameterization === "probs" ? { probs: this.given, ...options } : { logits: this.given, ...options });
  }

  /** Normalised probabilities, `batchShape + [K]` (a new tensor). */
  get probs(): tf.Tensor {
    return tf.tidy(() => broadcastTo(this.categorical.probs, [...this.batchShape, this.numCategories]));
  }

  /** Normalised logits, `batchShape + [K]` (a new tensor). */
  get logits(): tf.Tensor {
    return tf.tidy(() => broadcastTo(this.categorical.logits, [...this.batchShape, this.numCategories]));
  }

  get support(): Constraint {
    return new MultinomialConstraint(this.totalCount);
  }

  override get mean(): tf.Tensor {
    return tf.tidy(() => tf.mul(tf.expandDims(this.totalCount, -1), this.probs));
  }

  override get variance(): tf.Tensor {
    return tf.tidy(() => {
      const p = this.probs;
      return tf.mul(tf.mul(tf.expandDims(this.totalCount, -1), p), tf.sub(1, p));
    });
  }

  override sample(sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => sampleMultinomial(this.totalCount, this.categorical.probs, this.shape(sampleShape)));
  }

  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const x = prepareValue(value, this.name, [...this.batchShape, this.numCategories]);
      this.checkSupport(x);
      const logits = this.categorical.logits;
      const logPowers = tf.sum(tf.where(tf.equal(x, 0), tf.zerosLike(x), tf.mul(x, logits)), -1);
      const logFactorialN = lgamma(tf.add(tf.sum(x, -1), 1));
      const logFactorialsX = tf.sum(lgamma(tf.add(x, 1)), -1);
      return tf.add(tf.sub(logFactorialN, logFactorialsX), logPowers);
    });
  }

  /**
   * The entropy by torch's decomposition `n H(cat) - log n! + Σ_k Σ_{j=1..n} Binomial(n, p_k)(j) log j!`
   * (requires one common `totalCount`).
   */
  override entropy(): tf.Tensor {
    const values = this.totalCount.dataSync();
    const n = values[0] ?? 0;
    if (!values.every((v) => v === n)) {
      throw new Error(`${this.name}.entropy: needs the same totalCount for every batch element (inhomogeneous totalCount is not supported)`);
    }
    return tf.tidy(() => {
      const term1 = tf.sub(tf.mul(n, this.categorical.entropy()), lgamma(tf.scalar(n + 1)));
      if (n === 0) return broadcastTo(term1, this.batchShape);
      const probs = this.probs; // batch + [K]
      const binomial = new Binomial({ totalCount: n, probs, validateArgs: false });
      const j = tf.reshape(tf.range(1, n + 1, 1, "float32"), [n, ...probs.shape.map(() => 1)]);
      const weights = lgamma(tf.add(j, 1));
      const term2 = tf.sum(tf.mul(tf.exp(binomial.logProb(j)), weights), [0, probs.rank]);
      return broadcastTo(tf.add(term1, term2), this.batchShape);
    });
  }

  override expand(batchShape: readonly number[]): Distribution {
    checkExpand(this.name, this.batchShape, batchShape);
    const totalCount = expandParam(this.totalCount, batchShape);
    const given = expandParam(this.given, batchShape, 1);
    const options = { totalCount, ...trustedOptions(this.validateArgs) };
    return new Multinomial(this.parameterization === "probs" ? { probs: given, ...options } : { logits: given, ...options });
  }
}
