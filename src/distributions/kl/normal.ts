/**
 * KL divergences between Normals and between LogNormals (the same formula: a log-normal is
 * the pushforward of a normal by exp, and KL is invariant under bijections).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { LogNormal } from "../log-normal.js";
import { Normal } from "../normal.js";
import { registerKL } from "./registry.js";

/** `KL(N(μp, σp²) ‖ N(μq, σq²)) = ½(r + ((μp - μq)/σq)² - 1 - log r)` with `r = (σp/σq)²`. */
function gaussianKL(pLoc: tf.Tensor, pScale: tf.Tensor, qLoc: tf.Tensor, qScale: tf.Tensor): tf.Tensor {
  const ratio = tf.square(tf.div(pScale, qScale));
  const t = tf.square(tf.div(tf.sub(pLoc, qLoc), qScale));
  return tf.mul(0.5, tf.sub(tf.sub(tf.add(ratio, t), 1), tf.log(ratio)));
}

registerKL(Normal, Normal, (p, q) => gaussianKL(p.loc, p.scale, q.loc, q.scale));
registerKL(LogNormal, LogNormal, (p, q) => gaussianKL(p.loc, p.scale, q.loc, q.scale));
