/**
 * Parameter validation for constraints with event dimensions (`realVector`, `lowerCholesky`,
 * `positiveDefinite`, ...), whose `check` returns one boolean per event rather than per element.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { firstFalse, formatShape } from "../backend/tensor.js";
import type { Constraint } from "./constraints.js";

/**
 * Throws when an event of `value` violates `constraint` or holds a NaN, naming the family,
 * the parameter, and the index of the first offending event (in the batch of events).
 */
export function checkEventParam(family: string, name: string, value: tf.Tensor, constraint: Constraint): void {
  const k = constraint.eventDim;
  const bad = tf.tidy(() => {
    const axes = Array.from({ length: k }, (_, i) => value.rank - k + i);
    const nanFree = k === 0 ? tf.logicalNot(tf.isNaN(value)) : tf.logicalNot(tf.any(tf.isNaN(value), axes));
    const ok = tf.logicalAnd(constraint.check(value), nanFree);
    return firstFalse(ok.rank > 0 ? ok : ok.reshape([1]));
  });
  if (bad >= 0) {
    const what = k === 0 ? `element ${bad}` : `event ${bad} (of the ${formatShape(value.shape.slice(0, value.rank - k))} batch)`;
    throw new Error(`${family}: parameter '${name}' must be ${constraint.name}, but ${what} of shape ${formatShape(value.shape)} is not`);
  }
}
