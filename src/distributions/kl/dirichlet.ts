/**
 * KL divergence between Dirichlet distributions.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { Dirichlet } from "../dirichlet.js";
import { digamma, lgamma } from "../special.js";
import { registerKL } from "./registry.js";

// KL = lgamma(Σαp) - lgamma(Σαq) - Σ[lgamma(αp) - lgamma(αq)] + Σ (αp - αq)(ψ(αp) - ψ(Σαp))
registerKL(Dirichlet, Dirichlet, (p, q) => {
  const a = p.concentration;
  const b = q.concentration;
  const sa = tf.sum(a, -1);
  const sb = tf.sum(b, -1);
  const t1 = tf.sub(lgamma(sa), lgamma(sb));
  const t2 = tf.sum(tf.sub(lgamma(a), lgamma(b)), -1);
  const t3 = tf.sum(tf.mul(tf.sub(a, b), tf.sub(digamma(a), tf.expandDims(digamma(sa), -1))), -1);
  return tf.add(tf.sub(t1, t2), t3);
});
