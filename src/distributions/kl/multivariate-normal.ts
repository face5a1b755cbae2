/**
 * KL divergence between multivariate normals.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { broadcastShapes, broadcastTo, sumRightmost } from "../../backend/tensor.js";
import { Independent } from "../independent.js";
import { diagEmbed, logAbsDetTriangular, triangularSolve } from "../linalg.js";
import { MultivariateNormal } from "../multivariate-normal.js";
import { Normal } from "../normal.js";
import { klDivergence, registerKL } from "./registry.js";

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

// A diagonal Gaussian written as Independent(Normal, 1) against a full one (as Pyro): the
// diagonal Gaussian is an MVN with a diagonal scale. Other Independents recurse elementwise.
registerKL(Independent, MultivariateNormal, (p, q) => {
  if (p.reinterpretedBatchNdims === 1 && p.base instanceof Normal) {
    const asMvn = new MultivariateNormal(p.base.loc, { scaleTril: diagEmbed(p.base.scale) }, { validateArgs: false });
    return klDivergence(asMvn, q);
  }
  return sumRightmost(klDivergence(p.base, q), p.reinterpretedBatchNdims);
});
