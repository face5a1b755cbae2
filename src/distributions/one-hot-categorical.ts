/**
 * `OneHotCategorical`: one of `K` categories, as a one-hot vector.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { broadcastTo } from "../backend/tensor.js";
import type { Constraint } from "./constraints.js";
import { Categorical, categoricalCheck, categoricalParam, clampedLogits, type CategoricalParams } from "./categorical.js";
import { OneHotConstraint } from "./discrete-constraints.js";
import { expandParam, oneHotFloat, prepareValue } from "./discrete-params.js";
import { checkExpand, shouldCheckParams, trustedOptions } from "./family-params.js";
import { checkEventParam } from "./event-param-check.js";
import { Distribution } from "./distribution.js";

const ONE_HOT = new OneHotConstraint();

/**
 * The categorical distribution with one-hot values (torch.distributions semantics): event
 * shape `[K]`, samples are float32 one-hot vectors of shape `sampleShape + batchShape + [K]`.
 * `mean = probs`, `variance = probs (1 - probs)`, entropy as the {@link Categorical}.
 *
 * @example
 * ```ts
 * const d = new OneHotCategorical({ logits: [0, 1, 2] });
 * d.sample();                          // e.g. [0, 0, 1]
 * d.logProb(tf.tensor([0, 0, 1]));     // log softmax(logits)[2]
 * ```
 */
export class OneHotCategorical extends Distribution {
  /** Which parameter was given. */
  readonly parameterization: "probs" | "logits";
  private readonly given: tf.Tensor;

  constructor(params: CategoricalParams) {
    const { kind, tensor } = categoricalParam("OneHotCategorical", params);
    super(tensor.shape.slice(0, -1), tensor.shape.slice(-1), params);
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
    return this.eventShape[0]!;
  }

  /** The same distribution over indices (shares the parameter tensor). */
  get categorical(): Categorical {
    const options = { validateArgs: false };
    return new Categorical(this.parameterization === "probs" ? { probs: this.given, ...options } : { logits: this.given, ...options });
  }

  /** Normalised probabilities, `batchShape + [K]` (a new tensor). */
  get probs(): tf.Tensor {
    return this.categorical.probs;
  }

  /** Normalised logits, `batchShape + [K]` (a new tensor). */
  get logits(): tf.Tensor {
    return this.categorical.logits;
  }

  get support(): Constraint {
    return ONE_HOT;
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
      const indices = this.categorical.sample(sampleShape);
      return oneHotFloat(indices, this.numCategories);
    });
  }

  /** `Σ_k x_k log p_k` for a one-hot `x`. */
  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const x = prepareValue(value, this.name, [...this.batchShape, this.numCategories]);
      this.checkSupport(x);
      return tf.sum(tf.mul(x, clampedLogits(this.logits)), -1);
    });
  }

  override entropy(): tf.Tensor {
    return this.categorical.entropy();
  }

  /** The K one-hot vectors, `[K] + batchShape + [K]` (or `[K] + [1, ...] + [K]` unexpanded). */
  override enumerateSupport(expand = true): tf.Tensor {
    return tf.tidy(() => {
      const k = this.numCategories;
      const values = tf.reshape(tf.eye(k), [k, ...this.batchShape.map(() => 1), k]);
      return expand ? broadcastTo(values, [k, ...this.batchShape, k]) : values;
    });
  }

  override expand(batchShape: readonly number[]): Distribution {
    checkExpand(this.name, this.batchShape, batchShape);
    const given = expandParam(this.given, batchShape, 1);
    const options = trustedOptions(this.validateArgs);
    return new OneHotCategorical(this.parameterization === "probs" ? { probs: given, ...options } : { logits: given, ...options });
  }
}
