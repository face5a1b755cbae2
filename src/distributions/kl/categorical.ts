/**
 * KL divergence between Categorical distributions.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { Categorical } from "../categorical.js";
import { registerKL } from "./registry.js";

// KL = Σ_k p_k (log p_k - log q_k); categories with p_k = 0 contribute 0, and a category with
// p_k > 0 = q_k makes the KL +Infinity.
registerKL(Categorical, Categorical, (p, q) => {
  const pp = p.probs;
  const t = tf.mul(pp, tf.sub(p.logits, q.logits));
  return tf.sum(tf.where(tf.equal(pp, 0), tf.zerosLike(t), t), -1);
});
