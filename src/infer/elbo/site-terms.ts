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

/**
 * `Σ_k weights[k] · sum(terms[k])` as one differentiable op: under a gradient tape this records
 * one node instead of a sum, a scale, an add and a clone of each input per term; its gradient
 * is `weights[k] · dy` broadcast to each term's shape.
 */
export function weightedSum(terms: readonly tf.Tensor[], weights: readonly number[]): tf.Scalar {
  if (terms.length === 0) return tf.scalar(0);
  const op = tf.customGrad(((...args: unknown[]) => {
    const inputs = args.slice(0, -1) as tf.Tensor[]; // the last argument is tfjs' save function
    const parts = inputs.map((t, k) => {
      const total = t.rank === 0 ? t : tf.sum(t);
      return weights[k] === 1 ? total : tf.mul(total, weights[k]!);
    });
    const value = parts.length === 1 ? tf.clone(parts[0]!) : tf.addN(parts);
    return {
      value,
      gradFunc: (dy: tf.Tensor) =>
        inputs.map((t, k) => {
          const g = weights[k] === 1 ? dy : tf.mul(dy, weights[k]!);
          return t.rank === 0 ? g : tf.broadcastTo(g, t.shape);
        }),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (op as unknown as (...xs: tf.Tensor[]) => tf.Scalar)(...terms);
}

/**
 * A site's log-density (computed by its trace) with its mask applied but not its scale, for
 * {@link weightedSum}.
 */
export function maskedLogProb(site: Site): tf.Tensor {
  return applyMask(site.logProb!, site);
}

/** `value` with the site's mask applied (masked-out entries 0); `value` itself when unmasked. */
export function applyMask(value: tf.Tensor, site: Site): tf.Tensor {
  if (!isMasked(site)) return value;
  if (site.mask === false) return tf.zerosLike(value);
  return tf.where(tf.cast(site.mask as tf.Tensor, "bool"), value, tf.zerosLike(value));
}

/** Adds scalars with one op (or returns the single one; a zero scalar for none). */
export function addScalars(terms: readonly tf.Tensor[]): tf.Tensor {
  if (terms.length === 0) return tf.scalar(0);
  if (terms.length === 1) return terms[0]!;
  return tf.addN(terms as tf.Tensor[]);
}
