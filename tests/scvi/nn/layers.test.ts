import { describe, it, expect } from "vitest";
import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { Dropout, LayerNorm, ReLU, logSoftmax } from "../../../src/scvi/nn/index.js";
import { setSeed } from "../../../src/backend/random.js";
import { expectCloseTo, expectGradsClose, fixtureCase, lossAndGrads, tensorOf } from "./fixture.js";

describe("LayerNorm against torch.nn.LayerNorm(elementwise_affine=False)", () => {
  it("output and input gradient", () => {
    const c = fixtureCase("layernorm");
    const ln = new LayerNorm(c.n as number);
    expect(ln.namedParameters()).toHaveLength(0);
    const x = tf.variable(tensorOf(c.x));
    const y = ln.forward(x);
    expectCloseTo(y, (c.outputs as Record<string, unknown>).y, "layernorm y");
    const { grads } = lossAndGrads(ln, () => [ln.forward(x)], c.lossWeights as unknown[], { x });
    expectGradsClose(grads, c.grads, "layernorm");
    [x, y].forEach((t) => t.dispose());
  });

  it("rejects an input whose last axis is not n", () => {
    const ln = new LayerNorm(3);
    tf.tidy(() => {
      expect(() => ln.forward(tf.zeros([2, 4]))).toThrow(/does not end in 3/);
    });
  });
});

describe("Dropout", () => {
  it("zeroes about p of the elements in training and scales the rest by 1/(1−p)", () => {
    setSeed(3);
    const drop = new Dropout(0.25);
    const y = drop.forward(tf.ones([200, 50]));
    const v = y.dataSync();
    let zeros = 0;
    for (const e of v) {
      if (e === 0) zeros++;
      else expect(e).toBeCloseTo(1 / 0.75, 5);
    }
    // 10,000 Bernoulli(0.25) draws: standard deviation 43
    expect(Math.abs(zeros - 2500)).toBeLessThan(200);
    y.dispose();
  });

  it("is the identity in evaluation mode and for p = 0; zeroes everything for p = 1", () => {
    const x = tf.randomNormal([4, 5]);
    const drop = new Dropout(0.5).eval();
    expect(drop.forward(x)).toBe(x);
    expect(new Dropout(0).forward(x)).toBe(x);
    const all = new Dropout(1).forward(x);
    expect(Array.from(all.dataSync()).every((e) => e === 0)).toBe(true);
    [x, all].forEach((t) => t.dispose());
    expect(() => new Dropout(1.5)).toThrow(/p=1.5/);
  });

  it("draws its masks from the seeded stream: the same seed gives the same mask, a new call a new one", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (seed) => {
        tf.tidy(() => {
          const drop = new Dropout(0.5);
          const x = tf.ones([64]);
          setSeed(seed);
          const a = Array.from(drop.forward(x).dataSync());
          const b = Array.from(drop.forward(x).dataSync());
          setSeed(seed);
          const again = Array.from(drop.forward(x).dataSync());
          expect(again).toEqual(a);
          expect(b).not.toEqual(a);
        });
      }),
      { seed: 42, numRuns: 10 },
    );
  });

  it("passes the gradient through the kept elements only, scaled by 1/(1−p)", () => {
    setSeed(9);
    const drop = new Dropout(0.3);
    const x = tf.ones([100]);
    let mask: Float32Array = new Float32Array();
    const g = tf.grad((xx: tf.Tensor) => {
      const y = drop.forward(xx);
      mask = y.dataSync() as Float32Array;
      return tf.sum(y);
    })(x);
    const gv = g.dataSync();
    for (let i = 0; i < 100; i++) expect(gv[i]).toBeCloseTo(mask[i]!, 5);
    [x, g].forEach((t) => t.dispose());
  });
});

describe("ReLU", () => {
  it("is max(x, 0)", () => {
    tf.tidy(() => {
      const y = new ReLU().forward(tf.tensor1d([-2, 0, 3]));
      expect(Array.from(y.dataSync())).toEqual([0, 0, 3]);
    });
  });
});

describe("logSoftmax against torch.log_softmax", () => {
  it("values (including logits 120 below the rest) and gradient", () => {
    const c = fixtureCase("log_softmax");
    const x = tensorOf(c.x);
    const r = tensorOf((c.lossWeights as unknown[])[0]);
    const y = logSoftmax(x);
    expectCloseTo(y, (c.outputs as Record<string, unknown>).y, "log_softmax y", 1e-5, 1e-5);
    expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(logSoftmax(v), r)))(x);
    expectCloseTo(g, (c.grads as Record<string, unknown>).x, "log_softmax grad", 1e-4, 1e-5);
    tf.dispose([x, r, y, g]);
  });

  it("exponentiates to rows that sum to one, and matches tf.logSoftmax", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 300 }), fc.double({ min: 0.1, max: 20, noNaN: true }), fc.integer({ min: 0, max: 10_000 }), (n, k, scale, seed) => {
        tf.tidy(() => {
          const x = tf.randomNormal([n, k], 0, scale, "float32", seed);
          const y = logSoftmax(x);
          for (const s of tf.sum(tf.exp(y), -1).dataSync()) expect(s).toBeCloseTo(1, 4);
          const ref = tf.logSoftmax(x);
          expect(tf.max(tf.abs(tf.sub(y, ref))).dataSync()[0]).toBeLessThan(1e-5 * (1 + scale));
        });
      }),
      { seed: 42, numRuns: 30 },
    );
  });
});
