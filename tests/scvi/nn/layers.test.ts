import { describe, it, expect } from "vitest";
import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { Dropout, LayerNorm, ReLU } from "../../../src/scvi/nn/index.js";
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
