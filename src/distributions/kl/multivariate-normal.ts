/**
 * KL divergence between multivariate normals.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { broadcastShapes, broadcastTo } from "../../backend/tensor.js";
import { logAbsDetTriangular, triangularSolve } from "../linalg.js";
import { MultivariateNormal } from "../multivariate-normal.js";
import { registerKL } from "./registry.js";

// KL = log|Lq| - log|Lp| + ½(‖Lq⁻¹ Lp‖²_F + ‖Lq⁻¹ (μq - μp)‖² - n), with L the Cholesky factors.
registerKL(MultivariateNormal, MultivariateNormal, (p, q) => {
  if (p.size !== q.size) {
    throw new Error(`klDivergence(MultivariateNormal, MultivariateNormal): event sizes differ (${p.size} and ${q.size})`);
  }
  const lp = p.choleskyFactor();
  const lq = q.choleskyFactor();
  const halfLogDet = tf.sub(logAbsDetTriangular(lq), logAbsDetTriangular(lp));
  const trace = tf.sum(tf.square(triangularSolve(lq, lp)), [-2, -1]);
  const maha = tf.sum(tf.square(triangularSolve(lq, tf.expandDims(tf.sub(q.loc, p.loc), -1))), [-2, -1]);
  const kl = tf.add(halfLogDet, tf.mul(0.5, tf.sub(tf.add(trace, maha), p.size)));
  return broadcastTo(kl, broadcastShapes([kl.shape, p.batchShape, q.batchShape], "klDivergence"));
});
