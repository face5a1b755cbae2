/**
 * Per-site pieces of trace-based ELBOs: a site's scaled, masked log-density (summed or not)
 * and whether a guide site is reparameterized.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Site, Trace } from "../../ppl/trace-struct.js";

/**
 * Whether the pathwise (reparameterized) gradient applies at a guide site: its distribution
 * has `rsample`, the site did not ask for `infer.scoreFunction`, and its value was drawn (not
 * observed).
 */
export function isReparameterized(site: Site): boolean {
  return site.isObserved || (site.fn !== undefined && site.fn.hasRsample && !site.infer.scoreFunction);
}

/** Whether a site's log-density is masked (a mask other than "all on"). */
function isMasked(site: Site): boolean {
  return site.mask !== null && site.mask !== true;
}

/**
 * The site's log-density summed to a scalar, with its mask and scale applied. Requires
 * `trace.computeLogProbs()` to have run. Sums first and scales the scalar (fewer ops).
 */
export function scaledSum(trace: Trace, site: Site): tf.Tensor {
  if (isMasked(site)) return tf.sum(trace.scaledLogProb(site));
  const total = tf.sum(site.logProb!);
  return site.scale === 1 ? total : tf.mul(total, site.scale);
}

/** Adds scalars with one op (or returns the single one; a zero scalar for none). */
export function addScalars(terms: readonly tf.Tensor[]): tf.Tensor {
  if (terms.length === 0) return tf.scalar(0);
  if (terms.length === 1) return terms[0]!;
  return tf.addN(terms as tf.Tensor[]);
}
