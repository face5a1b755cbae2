/**
 * The detached log-ratio `log p − log q` that weighs score-function terms, summed to a site's
 * plates (Pyro's `MultiFrameTensor.sum_to` in `pyro/infer/util.py`).
 *
 * Each sample site contributes a term of its scaled log-density (model minus guide for
 * latents), together with the plates it sits in. For a non-reparameterized guide site, only
 * the terms' entries that share its plates stay separate: every other dim (plates the site is
 * not in, and non-plate batch dims) is summed out. A plate is identified by its frame's name
 * and `dim`, which is also where its axis sits (counted from the right).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { PlateFrame } from "../../ppl/runtime.js";

/** One site's contribution to the log-ratio. */
export interface LogRatioTerm {
  /** Detached scaled log-density (model) or its difference with the guide's (latents). */
  readonly value: tf.Tensor;
  /** The site's plates. */
  readonly plates: readonly PlateFrame[];
}

function sameFrame(a: PlateFrame, b: PlateFrame): boolean {
  return a.dim === b.dim && a.name === b.name;
}

/**
 * Sums every term down to the plates in `target` (keeping the other dims as size-1 axes, so
 * the result broadcasts against a site's log-density) and adds the terms up.
 */
export function sumToPlates(terms: readonly LogRatioTerm[], target: readonly PlateFrame[]): tf.Tensor {
  return tf.tidy(() => {
    const parts: tf.Tensor[] = [];
    for (const term of terms) {
      const rank = term.value.rank;
      const axes: number[] = [];
      for (let axis = 0; axis < rank; axis++) {
        const dim = axis - rank;
        const frame = term.plates.find((f) => f.dim === dim);
        const kept = frame !== undefined && target.some((t) => sameFrame(t, frame));
        if (!kept) axes.push(axis);
      }
      parts.push(axes.length === 0 ? term.value : tf.sum(term.value, axes, true));
    }
    if (parts.length === 0) return tf.scalar(0);
    return parts.reduce((a, b) => tf.add(a, b));
  });
}
