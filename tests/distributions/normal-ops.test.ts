import { describe, it, expect } from "vitest";
import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { normalLogDensity, normalRsample } from "../../src/distributions/normal-ops.js";
import { broadcastShapes } from "../../src/backend/tensor.js";

/** The same density from elementary ops, differentiated by tfjs itself. */
function reference(x: tf.Tensor, loc: tf.Tensor, scale: tf.Tensor): tf.Tensor {
  const z = tf.div(tf.sub(x, loc), scale);
  return tf.sub(tf.mul(-0.5, tf.square(z)), tf.add(tf.log(scale), 0.5 * Math.log(2 * Math.PI)));
}

describe("normalLogDensity (fused op)", () => {
  it("matches the elementary-op density and its gradients in x, loc and scale, with broadcasting (property)", () => {
    const shapes: [number[], number[], number[]][] = [
      [[], [], []],
      [[3], [], [3]],
      [[2, 3], [3], [1]],
      [[4, 1], [1, 2], [2]],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...shapes), fc.integer({ min: 0, max: 1000 }), ([xs, ls, ss], s) => {
        tf.tidy(() => {
          const x = tf.randomNormal(xs, 0, 2, "float32", s);
          const loc = tf.randomNormal(ls, 0, 1, "float32", s + 1);
          const scale = tf.exp(tf.randomNormal(ss, 0, 0.5, "float32", s + 2));
          const w = tf.randomNormal(broadcastShapes([xs, ls, ss]), 0, 1, "float32", s + 3);
          const f = (fn: typeof reference) => (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(fn(a, b, c), w));
          const got = tf.grads(f(normalLogDensity))([x, loc, scale]);
          const want = tf.grads(f(reference))([x, loc, scale]);
          const v1 = normalLogDensity(x, loc, scale).dataSync();
          const v2 = reference(x, loc, scale).dataSync();
          v1.forEach((v, i) => expect(v).toBeCloseTo(v2[i]!, 4));
          got.forEach((g, k) => {
            expect(g.shape).toEqual(want[k]!.shape);
            const b = want[k]!.dataSync();
            g.dataSync().forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 3));
          });
        });
      }),
      { seed: 42, numRuns: 20 },
    );
  });

  it("normalRsample matches loc + scale · eps and its gradients, with broadcasting", () => {
    tf.tidy(() => {
      const loc = tf.tensor1d([0.5, -1, 2]);
      const scale = tf.tensor2d([[0.3], [2]]);
      const eps = tf.randomNormal([4, 2, 3], 0, 1, "float32", 3);
      const w = tf.randomNormal([4, 2, 3], 0, 1, "float32", 4);
      const f = (fn: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor) => (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(fn(a, b), w));
      const fused = (a: tf.Tensor, b: tf.Tensor) => normalRsample(a, b, eps);
      const plain = (a: tf.Tensor, b: tf.Tensor) => tf.add(a, tf.mul(b, eps));
      const got = tf.grads(f(fused))([loc, scale]);
      const want = tf.grads(f(plain))([loc, scale]);
      expect(Array.from(fused(loc, scale).dataSync())).toEqual(Array.from(plain(loc, scale).dataSync()));
      got.forEach((g, k) => {
        expect(g.shape).toEqual(want[k]!.shape);
        const b = want[k]!.dataSync();
        g.dataSync().forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 4));
      });
    });
  });
});
