/**
 * KL divergence between Beta distributions.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { Beta } from "../beta.js";
import { digamma, lgamma } from "../special.js";
import { registerKL } from "./registry.js";

// KL = log B(aq, bq) - log B(ap, bp) + (ap - aq) ψ(ap) + (bp - bq) ψ(bp) + (aq + bq - ap - bp) ψ(ap + bp)
registerKL(Beta, Beta, (p, q) => {
  const a = p.concentration1;
  const b = p.concentration0;
  const c = q.concentration1;
  const d = q.concentration0;
  const sp = tf.add(a, b);
  const sq = tf.add(c, d);
  const logBq = tf.sub(tf.add(lgamma(c), lgamma(d)), lgamma(sq));
  const logBp = tf.sub(tf.add(lgamma(a), lgamma(b)), lgamma(sp));
  const t3 = tf.mul(tf.sub(a, c), digamma(a));
  const t4 = tf.mul(tf.sub(b, d), digamma(b));
  const t5 = tf.mul(tf.sub(sq, sp), digamma(sp));
  return tf.add(tf.sub(logBq, logBp), tf.add(tf.add(t3, t4), t5));
});
