import { describe, it, expect } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { broadcastTo } from "../../src/backend/tensor.js";

describe("broadcastTo", () => {
  it("sums the gradient over broadcast axes (also when the rank grows)", () => {
    const x = tf.tensor2d([[1], [2]]); // [2, 1] -> [3, 2, 4]
    const w = tf.randomUniform([3, 2, 4], 0, 1, "float32", 7);
    const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(broadcastTo(a, [3, 2, 4]), w)))(x);
    const expected = tf.sum(w, [0, 2]).reshape([2, 1]);
    expect(g.shape).toEqual([2, 1]);
    expect(Array.from(g.dataSync())).toEqual(Array.from(expected.dataSync()).map((v) => expect.closeTo(v, 5)));
    tf.dispose([x, w, g, expected]);
  });

  it("differentiates a 20,000-fold broadcast in one reduction (fast) without leaking", () => {
    const x = tf.tensor1d([0.5, -1]);
    const before = tf.memory().numTensors;
    const start = performance.now();
    const g = tf.tidy(() => tf.grad((a: tf.Tensor) => tf.sum(broadcastTo(a, [20000, 2])))(x));
    expect(performance.now() - start).toBeLessThan(500);
    expect(Array.from(g.dataSync())).toEqual([20000, 20000]);
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it("returns the input itself when the shape already matches", () => {
    const x = tf.zeros([2, 3]);
    expect(broadcastTo(x, [2, 3])).toBe(x);
    x.dispose();
  });
});
