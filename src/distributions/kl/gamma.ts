/**
 * KL divergence between Gamma distributions (shape `concentration`, `rate`).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { Gamma } from "../gamma.js";
import { digamma, lgamma } from "../special.js";
import { registerKL } from "./registry.js";

// KL = αq log(βp/βq) + lgamma(αq) - lgamma(αp) + (αp - αq) ψ(αp) + (βq - βp) αp/βp
registerKL(Gamma, Gamma, (p, q) => {
  const t1 = tf.mul(q.concentration, tf.log(tf.div(p.rate, q.rate)));
  const t2 = tf.sub(lgamma(q.concentration), lgamma(p.concentration));
  const t3 = tf.mul(tf.sub(p.concentration, q.concentration), digamma(p.concentration));
  const t4 = tf.mul(tf.sub(q.rate, p.rate), tf.div(p.concentration, p.rate));
  return tf.add(tf.add(t1, t2), tf.add(t3, t4));
});
