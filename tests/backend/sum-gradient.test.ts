import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";

describe("Sum's gradient (a broadcast of dy)", () => {
  it("spreads dy over the summed axes, with and without keepDims", () => {
    const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 3, 2]);
    const cases: [number | number[] | undefined, boolean][] = [
      [undefined, false],
      [1, false],
      [[0, 2], true],
      [-1, false],
    ];
    for (const [axis, keepDims] of cases) {
      const g = tf.tidy(() => {
        const f = (t: tf.Tensor) => tf.sum(tf.mul(tf.sum(t, axis, keepDims), tf.range(1, tf.sum(t, axis, keepDims).size + 1).reshape(tf.sum(t, axis, keepDims).shape)));
        return Array.from(tf.grad(f)(x).dataSync());
      });
      const expected = tf.tidy(() => {
        const s = tf.sum(x, axis, true);
        const w = tf.range(1, s.size + 1).reshape(s.shape);
        return Array.from(tf.mul(w, tf.onesLike(x)).dataSync());
      });
      expect(g, `axis ${JSON.stringify(axis)}`).toEqual(expected);
    }
    x.dispose();
  });

  it("handles a matrix summed over either axis (the heap copy) like tfjs' ones-multiply", () => {
    const x = tf.randomNormal([5, 7], 0, 1, "float32", 3);
    for (const [axis, keepDims] of [
      [0, false],
      [1, false],
      [1, true],
      [-2, true],
    ] as [number, boolean][]) {
      const [g, expected] = tf.tidy(() => {
        const weights = (s: tf.Tensor) => tf.range(1, s.size + 1).reshape(s.shape);
        const f = (t: tf.Tensor) => {
          const s = tf.sum(t, axis, keepDims);
          return tf.sum(tf.mul(s, weights(s)));
        };
        const s = tf.sum(x, axis, true);
        return [Array.from(tf.grad(f)(x).dataSync()), Array.from(tf.mul(weights(s), tf.onesLike(x)).dataSync())];
      });
      expect(g, `axis ${axis} keepDims ${keepDims}`).toEqual(expected);
    }
    x.dispose();
  });

  it("keeps second derivatives through sums", () => {
    const x = tf.tensor([0.5, -1, 2]);
    const second = tf.tidy(() => Array.from(tf.grad((t: tf.Tensor) => tf.sum(tf.grad((u: tf.Tensor) => tf.sum(tf.pow(u, 3)))(t)))(x).dataSync()));
    [0.5, -1, 2].forEach((v, i) => expect(second[i]).toBeCloseTo(6 * v, 5));
    x.dispose();
  });
});
