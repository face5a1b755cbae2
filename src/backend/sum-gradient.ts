/**
 * The gradient of `Sum` as a broadcast of `dy` instead of tfjs' `dy × ones(x.shape)`: tfjs
 * fills a JavaScript array of ones of the input's size, uploads it and multiplies, on every
 * backward pass of every sum (scVI sums 128 × 2,000 log-densities over genes each step). Here
 * a matrix summed over one axis gets a heap copy (`expand2d`), anything else `dy + zeros`. Registered for its side effect by
 * `select.ts`, like `comparison-gradients.ts`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { expand2d } from "./heap-ops.js";

const tfjsSumGradient = tf.getGradient("Sum");

/**
 * Registers the broadcast gradient of `Sum` (`on`, the default; it replaces tfjs' own, with the
 * same values) or restores tfjs' gradient.
 */
export function registerSumGradient(on = true): void {
  if (!on) {
    if (tfjsSumGradient) tf.registerGradient(tfjsSumGradient);
    return;
  }
  tf.registerGradient({
    kernelName: "Sum",
    inputsToSave: ["x"],
    gradFunc: (dy, saved, attrs) => {
      const x = saved[0]!;
      const axes = tf.util.parseAxisParam((attrs as { axis: number | number[] }).axis, x.shape);
      const expanded = x.shape.slice();
      for (const axis of axes) expanded[axis] = 1;
      return {
        x: () => {
          const d = tf.cast(dy as tf.Tensor, "float32");
          // A matrix summed over one axis: a heap copy; otherwise dy + zeros (tfjs' Tile, behind
          // tf.broadcastTo, is very slow on wasm; tf.ones fills a JavaScript array).
          if (x.rank === 2 && axes.length === 1) return expand2d(tf.reshape(d, [-1]), x.shape as [number, number], axes[0] === 0 ? 0 : 1);
          return tf.add(tf.reshape(d, expanded), tf.zeros(x.shape, "float32"));
        },
      };
    },
  });
}

registerSumGradient();
