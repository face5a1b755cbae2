/**
 * `Categorical`: one of `K` categories, as an index.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { broadcastTo, formatShape, toTensor, type TensorInput } from "../backend/tensor.js";
import { integerInterval, realVector, simplex, type Constraint } from "./constraints.js";
import {
  FLOAT32_MIN,
  categoricalProbsToLogits,
 
  expandParam,
  normaliseLogits,
  normaliseProbs,
  oneHotFloat,
  pickParam,
  prepareValue,
} from "./discrete-params.js";
import { checkExpand, shouldCheckParams, trustedOptions } from "./family-params.js";
import { checkEventParam } from "./event-param-check.js";
import { Distribution, type DistributionOptions } from "./distribution.js";
import { sampleCategorical } from "./samplers/categorical.js";

/** Parameters of a categorical family: exactly one of `probs` and `logits`, each `[..., K]`. */
export type CategoricalParams = (
  | {
      /** Category probabilities over the last dim (normalised on use). */
      probs: TensorInput;
      /** Give `probs` or `logits`, not both. */
      logits?: undefined;
    }
  | {
      /** Unnormalised log-probabilities over the last dim. */
      logits: TensorInput;
      /** Give `probs` or `logits`, not both. */
      probs?: undefined;
    }
) &
  DistributionOptions;

/** Converts and validates categorical parameters; shared by `Categorical`, `OneHotCategorical`, `Multinomial`. */
export function categoricalParam(family: string, params: CategoricalParams): { kind: "probs" | "logits"; tensor: tf.Tensor } {
  const { kind, value } = pickParam(family, params, ["probs", "logits"] as const);
  const tensor = toTensor(value, kind, family);
  if (tensor.rank < 1) {
    throw new Error(`${family}: parameter '${kind}' must have at least one dimension (the categories), got shape ${formatShape(tensor.shape)}`);
  }
  return { kind, tensor };
}

/**
 * The categorical distribution over `{0, ..., K-1}` (torch.distributions semantics): `probs`
 * (nonnegative, normalised over the last dimension on use) or `logits` (normalised by
 * log-sum-exp on use), of shape `batchShape + [K]`. Samples are float32 indices of shape
 * `sampleShape + batchShape`; `logProb` accepts such indices. `mean` and `variance` are NaN, as
 * in torch (a category index has no meaningful mean).
 *
 * @example
 * ```ts
 * const d = new Categorical({ probs: [0.2, 0.3, 0.5] });
 * d.sample([4]);                       // e.g. [2, 1, 2, 0]
 * d.logProb(tf.tensor([2]));           // [log 0.5]
 * ```
 */
export class Categorical extends Distribution {
  /** Which parameter was given. */
  readonly parameterization: "probs" | "logits";
  private readonly given: tf.Tensor;

  constructor(params: CategoricalParams) {
    const { kind, tensor } = categoricalParam("Categorical", params);
    super(tensor.shape.slice(0, -1), [], params);
    this.parameterization = kind;
    this.given = tensor;
    if (shouldCheckParams(params, this.validateArgs)) {
      tf.tidy(() => {
        const check = categoricalCheck(kind, tensor);
        checkEventParam(this.name, kind, check.value, check.constraint);
      });
    }
  }

  /** The number of categories K. */
  get numCategories(): number {
    return this.given.shape[this.given.rank - 1]!;
  }

  /** Normalised probabilities, `batchShape + [K]` (a new tensor). */
  get probs(): tf.Tensor {
    return tf.tidy(() => (this.parameterization === "probs" ? normaliseProbs(this.given) : tf.softmax(this.given)));
  }

  /** Normalised logits (log-probabilities), `batchShape + [K]` (a new tensor). */
  get logits(): tf.Tensor {
    return tf.tidy(() =>
      this.parameterization === "logits" ? normaliseLogits(this.given) : categoricalProbsToLogits(normaliseProbs(this.given)),
    );
  }

  get support(): Constraint {
    return integerInterval(0, this.numCategories - 1);
  }

  override get hasEnumerateSupport(): boolean {
    return true;
  }

  /** NaN of `batchShape` (torch's convention for a categorical). */
  override get mean(): tf.Tensor {
    return tf.fill(this.batchShape, NaN);
  }

  /** NaN of `batchShape` (torch's convention for a categorical). */
  override get variance(): tf.Tensor {
    return tf.fill(this.batchShape, NaN);
  }

  override sample(sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => sampleCategorical(this.probs, sampleShape));
  }

  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const x = prepareValue(value, this.name, this.batchShape);
      this.checkSupport(x);
      const oneHot = oneHotFloat(x, this.numCategories);
      return tf.sum(tf.mul(oneHot, clampedLogits(this.logits)), -1);
    });
  }

  /** `-Σ p log p` over the categories (categories of probability 0 contribute 0). */
  override entropy(): tf.Tensor {
    return tf.tidy(() => tf.neg(tf.sum(tf.mul(this.probs, clampedLogits(this.logits)), -1)));
  }

  override enumerateSupport(expand = true): tf.Tensor {
    return tf.tidy(() => {
      const k = this.numCategories;
      const values = tf.reshape(tf.range(0, k, 1, "float32"), [k, ...this.batchShape.map(() => 1)]);
      return expand ? broadcastTo(values, [k, ...this.batchShape]) : values;
    });
  }

  override expand(batchShape: readonly number[]): Distribution {
    checkExpand(this.name, this.batchShape, batchShape);
    const given = expandParam(this.given, batchShape, 1);
    const options = trustedOptions(this.validateArgs);
    return new Categorical(this.parameterization === "probs" ? { probs: given, ...options } : { logits: given, ...options });
  }
}

/** Logits with -Infinity replaced by the most negative float, so that `0 · logit` is 0 (torch's entropy). */
export function clampedLogits(logits: tf.Tensor): tf.Tensor {
  return tf.maximum(logits, FLOAT32_MIN);
}

/**
 * What to validate for categorical parameters, as torch does: normalised probabilities must
 * lie on the simplex (negative entries are kept as given so the error shows them, a zero sum
 * gives NaN); logits must not be NaN. Call inside `tf.tidy`.
 */
export function categoricalCheck(kind: "probs" | "logits", tensor: tf.Tensor): { value: tf.Tensor; constraint: Constraint } {
  if (kind === "logits") return { value: tensor, constraint: realVector };
  return { value: tf.where(tf.greaterEqual(tensor, 0), normaliseProbs(tensor), tensor), constraint: simplex };
}
