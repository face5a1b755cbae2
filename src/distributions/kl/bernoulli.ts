/**
 * KL divergence between Bernoulli distributions.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { Bernoulli } from "../bernoulli.js";
import { softplus } from "../special.js";
import { registerKL } from "./registry.js";

// KL = p (log p - log q) + (1 - p)(log(1 - p) - log(1 - q)), with log p = -softplus(-logit p)
// and log(1 - p) = -softplus(logit p); a term whose weight p (or 1 - p) is 0 is 0.
registerKL(Bernoulli, Bernoulli, (p, q) => {
  const pp = p.probs;
  const pl = p.logits;
  const ql = q.logits;
  const t1 = tf.mul(pp, tf.sub(softplus(tf.neg(ql)), softplus(tf.neg(pl))));
  const t2 = tf.mul(tf.sub(1, pp), tf.sub(softplus(ql), softplus(pl)));
  const zero = tf.zerosLike(t1);
  const a = tf.where(tf.equal(pp, 0), zero, t1);
  const b = tf.where(tf.equal(pp, 1), zero, t2);
  return tf.add(a, b);
});
