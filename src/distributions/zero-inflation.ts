/**
 * Zero inflation shared by `ZeroInflatedPoisson` and `ZeroInflatedNegativeBinomial`: with
 * probability `gate` the value is an extra zero, otherwise a draw of the base distribution
 * (Pyro's / NumPyro's `ZeroInflatedDistribution`).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { nextSeed } from "../backend/random.js";
import { toTensor, type TensorInput } from "../backend/tensor.js";
import { pickParam } from "./discrete-params.js";
import { log1p, softplus } from "./special.js";

/** The zero-inflation probability, as `gate` in [0, 1] or as `gateLogits` (= logit of the gate). */
export type GateParams =
  | {
      /** Probability of an extra zero, in [0, 1]. */
      gate: TensorInput;
      /** Give `gate` or `gateLogits`, not both. */
      gateLogits?: undefined;
    }
  | {
      /** Log-odds of an extra zero: `gate = σ(gateLogits)`. */
      gateLogits: TensorInput;
      /** Give `gate` or `gateLogits`, not both. */
      gate?: undefined;
    };

/** A converted gate parameter. */
export interface Gate {
  kind: "gate" | "gateLogits";
  tensor: tf.Tensor;
}

/** Converts exactly one of `gate` and `gateLogits`, naming the family on error. */
export function gateParam(family: string, params: object): Gate {
  const { kind, value } = pickParam(family, params, ["gate", "gateLogits"] as const);
  return { kind, tensor: toTensor(value, kind, family) };
}

/** The gate probabilities (a new tensor, the parameter's own shape). */
export function gateProbs(gate: Gate): tf.Tensor {
  return gate.kind === "gate" ? tf.clone(gate.tensor) : tf.sigmoid(gate.tensor);
}

/** The gate logits (a new tensor, the parameter's own shape; ±Infinity for gates 0 and 1). */
export function gateLogits(gate: Gate): tf.Tensor {
  return tf.tidy(() =>
    gate.kind === "gateLogits" ? tf.clone(gate.tensor) : tf.sub(tf.log(gate.tensor), log1p(tf.neg(gate.tensor))),
  );
}

/**
 * `log p(x)` of the zero-inflated distribution from the base log-probability, as Pyro computes
 * it: with logits `π`, `log σ(-π) + base` for `x ≠ 0` and `softplus(base - π) - softplus(-π)`
 * at 0; with probabilities `g`, `log(1 - g) + base` and `log(g + (1 - g) e^base)`.
 */
export function zeroInflatedLogProb(baseLogProb: tf.Tensor, x: tf.Tensor, gate: Gate): tf.Tensor {
  return tf.tidy(() => {
    const isZero = tf.equal(x, 0);
    if (gate.kind === "gateLogits") {
      const pi = gate.tensor;
      const minusLogGate = tf.sub(baseLogProb, pi);
      const logGate = tf.neg(softplus(tf.neg(pi)));
      return tf.where(isZero, tf.add(softplus(minusLogGate), logGate), tf.add(minusLogGate, logGate));
    }
    const g = gate.tensor;
    const nonzero = tf.add(log1p(tf.neg(g)), baseLogProb);
    return tf.where(isZero, tf.log(tf.add(g, tf.exp(nonzero))), nonzero);
  });
}

/** `(1 - g) m`. */
export function zeroInflatedMean(baseMean: tf.Tensor, gate: Gate): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.sub(1, gateProbs(gate)), baseMean));
}

/** `(1 - g)(v + g m²)`, the variance of the mixture of a point mass at 0 and the base. */
export function zeroInflatedVariance(baseMean: tf.Tensor, baseVariance: tf.Tensor, gate: Gate): tf.Tensor {
  return tf.tidy(() => {
    const g = gateProbs(gate);
    return tf.mul(tf.sub(1, g), tf.add(baseVariance, tf.mul(g, tf.square(baseMean))));
  });
}

/** Replaces each base draw by 0 with probability `gate` (seeded from the global stream). */
export function zeroInflate(baseSample: tf.Tensor, gate: Gate): tf.Tensor {
  return tf.tidy(() => {
    const u = tf.randomUniform(baseSample.shape, 0, 1, "float32", nextSeed());
    return tf.where(tf.less(u, gateProbs(gate)), tf.zerosLike(baseSample), baseSample);
  });
}
