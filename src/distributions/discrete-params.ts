/**
 * Parameter plumbing shared by the discrete families: choosing exactly one of several
 * parametrisations, converting between probabilities and logits as torch.distributions
 * does, and preparing `logProb` values.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { broadcastShapes, broadcastTo, formatShape, toTensor, type TensorInput } from "../backend/tensor.js";

/** float32 machine epsilon: torch's `clamp_probs` keeps probabilities in [eps, 1 - eps]. */
export const FLOAT32_EPS = 1.1920928955078125e-7;

/** The most negative finite float32: torch clamps `-Infinity` logits to it before `p · logit`. */
export const FLOAT32_MIN = -3.4028234663852886e38;

/**
 * Returns the one key of `keys` that `params` defines, throwing a named error when none or
 * several are given (e.g. both `probs` and `logits`).
 */
export function pickOne<K extends string>(family: string, params: object, keys: readonly K[]): K {
  const given = keys.filter((k) => (params as Record<string, unknown>)[k] !== undefined);
  if (given.length !== 1) {
    const list = keys.map((k) => `'${k}'`).join(" or ");
    throw new Error(
      `${family}: give exactly one of ${list} (got ${given.length === 0 ? "none" : given.map((k) => `'${k}'`).join(" and ")})`,
    );
  }
  return given[0]!;
}

/** {@link pickOne} and the value given for it. */
export function pickParam<K extends string>(family: string, params: object, keys: readonly K[]): { kind: K; value: TensorInput } {
  const kind = pickOne(family, params, keys);
  return { kind, value: (params as unknown as Record<K, TensorInput>)[kind] };
}

/** Clamps probabilities to [eps, 1 - eps] (torch's `clamp_probs`). */
export function clampProbs(probs: tf.Tensor): tf.Tensor {
  return tf.clipByValue(probs, FLOAT32_EPS, 1 - FLOAT32_EPS);
}

/** Logits of Bernoulli probabilities, `log p - log(1 - p)` of the clamped probabilities. */
export function binaryProbsToLogits(probs: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const p = clampProbs(probs);
    return tf.sub(tf.log(p), tf.log(tf.sub(1, p)));
  });
}

/** Unnormalised categorical logits of probabilities: `log p` of the clamped probabilities. */
export function categoricalProbsToLogits(probs: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.log(clampProbs(probs)));
}

/** Probabilities normalised over the last axis. */
export function normaliseProbs(probs: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.div(probs, tf.sum(probs, -1, true)));
}

/** Logits normalised over the last axis: `l - logsumexp(l)`. */
export function normaliseLogits(logits: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sub(logits, tf.logSumExp(logits, -1, true)));
}

/** Converts a parameter, naming it and the family on error. */
export function paramTensor(x: TensorInput, name: string, family: string): tf.Tensor {
  return toTensor(x, name, family);
}

/**
 * Converts a `logProb` value to float32 and checks that its shape broadcasts against
 * `batchShape + eventShape`, with an error naming the family.
 */
export function prepareValue(value: tf.Tensor | TensorInput, family: string, shape: readonly number[]): tf.Tensor {
  const v = toTensor(value as TensorInput, "value", `${family}.logProb`);
  broadcastShapes([v.shape, shape], `${family}.logProb: value of shape ${formatShape(v.shape)} against batch + event shape ${formatShape(shape)}`);
  return v;
}

/** Broadcasts a parameter whose last `eventDims` dimensions are event dimensions to `batchShape`. */
export function expandParam(t: tf.Tensor, batchShape: readonly number[], eventDims = 0): tf.Tensor {
  return broadcastTo(t, [...batchShape, ...t.shape.slice(t.rank - eventDims)]);
}

/**
 * One-hot float32 vectors of integer-valued float `indices` over `k` categories. (tfjs 4.22's
 * wasm `OneHot` kernel ignores a float32 `dtype` and writes int32 bit patterns, so the one-hot
 * is built as int32 and cast.)
 */
export function oneHotFloat(indices: tf.Tensor, k: number): tf.Tensor {
  return tf.tidy(() => tf.cast(tf.oneHot(tf.cast(indices, "int32"), k), "float32"));
}
