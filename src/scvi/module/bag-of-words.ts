/**
 * The count likelihood of LDA: a bag of words drawn from a mixture of topics, with the
 * mixture's log-probabilities computed stably in log space.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { broadcastShapes, toTensor, type TensorInput } from "../../backend/tensor.js";
import type { Constraint } from "../../distributions/constraints.js";
import { nonnegativeInteger } from "../../distributions/constraints.js";
import { MultinomialConstraint } from "../../distributions/discrete-constraints.js";
import { Distribution, type DistributionOptions } from "../../distributions/distribution.js";
import { Multinomial } from "../../distributions/multinomial.js";
import { logSoftmax } from "../nn/activation.js";
import { dense } from "../nn/dense.js";

/** Options of {@link BagOfWords}. */
export interface BagOfWordsOptions extends DistributionOptions {
  /**
   * The logits are already finite, normalised log-probabilities (as
   * {@link topicMixtureLogProbs} returns): `logProb` skips the normalisation and the
   * zero-count guard (default false).
   */
  normalized?: boolean;
}

/**
 * The bag-of-words likelihood of counts `x` (scvi-tools' `CategoricalBoW`): the probability of
 * one ordered sequence of `Σx` words with these counts, `log p(x) = Σ_g x_g log p_g`. It is the
 * multinomial log-mass without the coefficient `log (Σx)! / Π x_g!`, which does not depend on
 * the parameters; ELBOs and perplexities of LDA are stated per word on this basis. Draws are
 * multinomial counts. Batch shape `broadcast(totalCount, logits[..., :-1])`, event shape `[G]`.
 *
 * `logits` are normalised on use (unless `normalized`); a zero count contributes 0 even where
 * `p_g = 0`.
 *
 * @example
 * ```ts
 * const d = new BagOfWords(tf.tensor1d([3]), tf.log(tf.tensor2d([[0.2, 0.3, 0.5]])));
 * d.logProb(tf.tensor2d([[1, 0, 2]])); // [log 0.2 + 2 log 0.5]
 * ```
 */
export class BagOfWords extends Distribution {
  /** The number of words per batch element (the library size). */
  readonly totalCount: tf.Tensor;
  /** Log-probabilities of the words up to a constant per row, `[..., G]`. */
  readonly logits: tf.Tensor;
  /** Whether `logits` are known to be finite normalised log-probabilities. */
  readonly normalized: boolean;

  constructor(totalCount: TensorInput, logits: TensorInput, options: BagOfWordsOptions = {}) {
    const n = toTensor(totalCount, "totalCount", "BagOfWords");
    const l = toTensor(logits, "logits", "BagOfWords");
    if (l.rank < 1) throw new Error("BagOfWords: logits must have at least one dimension (the words)");
    super(broadcastShapes([n.shape, l.shape.slice(0, -1)], "BagOfWords(totalCount, logits)"), l.shape.slice(-1), options);
    this.totalCount = n;
    this.logits = l;
    this.normalized = options.normalized ?? false;
    this.checkParam("totalCount", n, nonnegativeInteger);
  }

  get support(): Constraint {
    return new MultinomialConstraint(this.totalCount);
  }

  override get mean(): tf.Tensor {
    return tf.tidy(() => tf.mul(tf.expandDims(this.totalCount, -1), tf.softmax(this.logits, -1)));
  }

  override sample(sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => {
      const full = [...this.batchShape, ...this.eventShape];
      const logits = tf.broadcastTo(this.logits, full);
      const n = tf.broadcastTo(this.totalCount, this.batchShape);
      return new Multinomial({ totalCount: n, logits, validateArgs: false }).sample(sampleShape);
    });
  }

  logProb(value: tf.Tensor): tf.Tensor {
    this.checkSupport(value);
    return tf.tidy(() => {
      if (this.normalized) return tf.sum(tf.mul(value, this.logits), -1);
      const logP = logSoftmax(this.logits);
      return tf.sum(tf.where(tf.equal(value, 0), tf.zerosLike(logP), tf.mul(value, logP)), -1);
    });
  }
}

/** The smallest positive normal float32: mixture probabilities are clamped here before the log. */
const TINY = 1.1754944e-38;

/** The pieces of the log-matmul-exp that the gradient reuses. */
interface MixtureParts {
  /** `exp(la − max_k la)`, `[n, K]`. */
  a: tf.Tensor;
  /** `exp(lb − max_k lb)`, `[K, G]`. */
  b: tf.Tensor;
  /** `softmax(cellTopic)`, `[n, K]`. */
  sa: tf.Tensor;
  /** `softmax(topicFeature)`, `[K, G]`. */
  sb: tf.Tensor;
  /** The shifted product `a · b` (clamped at the smallest normal float), `[n, G]`. */
  product: tf.Tensor;
  /** `log p`, `[n, G]`. */
  value: tf.Tensor;
}

function mixtureParts(cellTopicLogits: tf.Tensor, topicFeatureLogits: tf.Tensor): MixtureParts {
  const sa = tf.softmax(cellTopicLogits, -1);
  const sb = tf.softmax(topicFeatureLogits, -1);
  const la = logSoftmax(cellTopicLogits);
  const lb = logSoftmax(topicFeatureLogits);
  const ma = tf.max(la, -1, true);
  const mb = tf.max(lb, -2, true);
  const a = tf.exp(tf.sub(la, ma));
  const b = tf.exp(tf.sub(lb, mb));
  const product = tf.maximum(a.rank === 2 && b.rank === 2 ? dense(a, b) : tf.matMul(a, b), TINY);
  const value = tf.add(tf.add(tf.log(product), ma), mb);
  return { a, b, sa, sb, product, value };
}

/**
 * The gradient of `log p = log(softmax(x) · softmax(y))` for an upstream `dy`: with
 * `r = dy / (a · b)`, `∂/∂la = a ⊙ (r · bᵀ)` and `∂/∂lb = b ⊙ (aᵀ · r)` (the shifts are
 * constants: the value does not depend on them), then back through the two log-softmaxes.
 */
function mixtureGradient(dy: tf.Tensor, parts: Omit<MixtureParts, "value">): [tf.Tensor, tf.Tensor] {
  const { a, b, sa, sb, product } = parts;
  const r = tf.div(dy, product);
  // Small operands are transposed explicitly (a transposed matMul is slow on wasm).
  const dla = tf.mul(a, tf.matMul(r, tf.transpose(b)));
  const dlb = tf.mul(b, tf.matMul(tf.transpose(a), r));
  const dx = tf.sub(dla, tf.mul(sa, tf.sum(dla, -1, true)));
  const dyb = tf.sub(dlb, tf.mul(sb, tf.sum(dlb, -1, true)));
  return [dx, dyb];
}

const mixtureOp = tf.customGrad(((x: tf.Tensor, y: tf.Tensor, save: tf.GradSaveFunc) => {
  const parts = mixtureParts(x, y);
  save([parts.a, parts.b, parts.sa, parts.sb, parts.product]);
  return {
    value: parts.value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [a, b, sa, sb, product] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      return mixtureGradient(dy, { a, b, sa, sb, product });
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor, y: tf.Tensor) => tf.Tensor;

/**
 * `log(softmax(cellTopic) · softmax(topicFeature))`: the log-probability of each feature in
 * each cell under its mixture of topics, `[n, G]` from `[n, K]` and `[K, G]` logits. Computed
 * as a log-matmul-exp: each factor is shifted by its largest log-probability along the topic
 * axis (per cell, per feature) before the product, so a feature whose probability is tiny in
 * every topic does not underflow to `log 0`; the product itself is a plain matrix multiply,
 * and the op has a closed-form gradient (two small matrix products and one division over the
 * `[n, G]` output). The shifted product is clamped at the smallest normal float32, so the
 * result is always finite (it differs from the exact value only where that value is below
 * about `−87` plus the shifts, i.e. for a feature no topic can produce).
 *
 * @example
 * ```ts
 * const logP = topicMixtureLogProbs(cellTopicLogits, topicFeatureLogits); // rows: log-simplex
 * ```
 */
export function topicMixtureLogProbs(cellTopicLogits: tf.Tensor, topicFeatureLogits: tf.Tensor): tf.Tensor {
  if (cellTopicLogits.rank < 2 || topicFeatureLogits.rank < 2) {
    throw new Error(
      `topicMixtureLogProbs: expected [..., n, K] and [..., K, G] logits, got [${cellTopicLogits.shape.join(", ")}] and [${topicFeatureLogits.shape.join(", ")}]`,
    );
  }
  if (cellTopicLogits.rank === 2 && topicFeatureLogits.rank === 2) return mixtureOp(cellTopicLogits, topicFeatureLogits);
  // Leading sample dimensions (vectorised particles): the same computation, by autodiff (the
  // shifts' gradients cancel exactly).
  return tf.tidy(() => mixtureParts(cellTopicLogits, topicFeatureLogits).value);
}
