/**
 * log B(a, b), computed without the cancellation of lgamma(a) + lgamma(b) - lgamma(a + b).
 *
 * With p = min(a, b) and q = max(a, b), log B = lgamma(p) + [lgamma(q) - lgamma(q + p)], and
 * the bracket is evaluated as a difference of shifted Stirling series written with log1p:
 * no term of size lgamma(q) is ever formed. The naive sum loses all digits when q ≫ p
 * (float32 lgamma(1e6) ≈ 1.28e7 carries an error near 1, while log B(1e6, 1) = -13.8).
 * The gradient ψ(a) - ψ(a + b) is evaluated the same way.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { broadcastShapes, broadcastTo, customOp, toTensor, type TensorInput } from "../../backend/tensor.js";
import { SHIFT, digammaSeries, lgamma, lgammaSeries } from "./gamma.js";
import { log1p } from "./logexp.js";

/**
 * lgamma(q) - lgamma(q + p) for q, p > 0 with p ≤ q (so that no product below overflows).
 *
 * With q' = q + SHIFT and the recurrence,
 *   lgamma(q) - lgamma(q + p) = St(q') - St(q' + p) + log Π_{k<SHIFT} (1 + p / (q + k)),
 * where St(z) = (z - ½) log z - z + ½ log 2π + series(z), and
 *   St(q') - St(q' + p) = -(q' - ½) log1p(p / q') - p log(q' + p) + p + series(q') - series(q' + p).
 */
function lgammaDifference(q: tf.Tensor, p: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const qs = tf.add(q, SHIFT);
    const qsp = tf.add(qs, p);
    const stirling = tf.add(
      tf.sub(tf.neg(tf.mul(tf.sub(qs, 0.5), log1p(tf.div(p, qs)))), tf.mul(p, tf.log(qsp))),
      tf.add(p, tf.sub(lgammaSeries(qs), lgammaSeries(qsp))),
    );
    // Π (1 + t_k) - 1, accumulated as e ← e + t + e·t so that small t keep their digits.
    let e: tf.Tensor = tf.div(p, q);
    for (let k = 1; k < SHIFT; k++) {
      const t = tf.div(p, tf.add(q, k));
      e = tf.add(tf.add(e, t), tf.mul(e, t));
    }
    return tf.add(stirling, log1p(e));
  });
}

/**
 * ψ(q) - ψ(q + p) for q, p > 0, without cancellation when p ≪ q:
 *   -log1p(p / q') - p / (2 q' (q' + p)) + series'(q') - series'(q' + p) - Σ_k p / ((q + k)(q + p + k)).
 */
function digammaDifference(q: tf.Tensor, p: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const qs = tf.add(q, SHIFT);
    const qsp = tf.add(qs, p);
    let out = tf.sub(tf.neg(log1p(tf.div(p, qs))), tf.div(tf.div(p, tf.mul(qs, 2)), qsp));
    out = tf.add(out, tf.sub(digammaSeries(qs), digammaSeries(qsp)));
    for (let k = 0; k < SHIFT; k++) {
      const qk = k === 0 ? q : tf.add(q, k);
      out = tf.sub(out, tf.div(tf.div(p, qk), tf.add(qk, p)));
    }
    return out;
  });
}

const logBetaOp = customOp(
  (a, b) =>
    tf.tidy(() => {
      const p = tf.minimum(a!, b!);
      const q = tf.maximum(a!, b!);
      return tf.add(lgamma(p), lgammaDifference(q, p));
    }),
  (dy, [a, b]) => [tf.mul(dy, digammaDifference(a!, b!)), tf.mul(dy, digammaDifference(b!, a!))],
);

/**
 * log B(a, b) = log Γ(a) + log Γ(b) - log Γ(a + b), elementwise with broadcasting, for
 * a, b > 0; accurate also when one argument is much larger than the other (see the module
 * notes). Gradients ψ(a) - ψ(a + b) and ψ(b) - ψ(a + b), computed just as carefully.
 * +Infinity when an argument is 0; NaN when one is negative.
 *
 * @example
 * ```ts
 * logBeta(tf.scalar(1e6), tf.scalar(1)); // -log 1e6 = -13.8155...
 * ```
 */
export function logBeta(a: TensorInput, b: TensorInput): tf.Tensor {
  return tf.tidy(() => {
    const ta = toTensor(a, "a", "logBeta");
    const tb = toTensor(b, "b", "logBeta");
    const shape = broadcastShapes([ta.shape, tb.shape], "logBeta");
    return logBetaOp(broadcastTo(ta, shape), broadcastTo(tb, shape));
  });
}
