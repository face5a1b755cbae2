/**
 * A `gather` whose gradient works on every backend. tfjs' own `tf.gather` differentiates
 * through `UnsortedSegmentSum`, a kernel the WebAssembly backend lacks; this one scatters the
 * incoming gradient with `scatterND` (which sums duplicate indices) instead.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { customOp } from "./tensor.js";

function moveAxisToFront(x: tf.Tensor, axis: number): tf.Tensor {
  if (axis === 0) return x;
  const perm = [axis, ...Array.from({ length: x.rank }, (_, i) => i).filter((i) => i !== axis)];
  return tf.transpose(x, perm);
}

function moveFrontToAxis(x: tf.Tensor, axis: number): tf.Tensor {
  if (axis === 0) return x;
  const perm = Array.from({ length: x.rank }, (_, i) => (i < axis ? i + 1 : i === axis ? 0 : i));
  return tf.transpose(x, perm);
}

const gatherFrontOp = customOp(
  (x, indices) => tf.gather(x, indices!, 0),
  (dy, [x, indices]) => {
    const updates = dy;
    const scattered = tf.scatterND(tf.reshape(indices!, [-1, 1]), updates, x!.shape);
    return [scattered, tf.zerosLike(indices!)];
  },
);

/**
 * Selects `indices` (an int32 1-D tensor) along `axis` of `x`, differentiably on all backends.
 */
export function gather(x: tf.Tensor, indices: tf.Tensor, axis = 0): tf.Tensor {
  const ax = axis < 0 ? axis + x.rank : axis;
  if (ax < 0 || ax >= x.rank) throw new Error(`gather: axis ${axis} is out of range for a rank-${x.rank} tensor`);
  if (indices.rank !== 1) throw new Error(`gather: indices must be 1-D, got shape [${indices.shape.join(", ")}]`);
  return tf.tidy(() => {
    const idx = indices.dtype === "int32" ? indices : tf.cast(indices, "int32");
    return moveFrontToAxis(gatherFrontOp(moveAxisToFront(x, ax), idx), ax);
  });
}
