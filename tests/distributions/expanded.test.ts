import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { setSeed } from "../../src/backend/random.js";
import { ExpandedDistribution, Normal } from "../../src/distributions/index.js";
import { expectClose, expectNoLeak } from "./structural-helpers.js";

describe("ExpandedDistribution", () => {
  it("only broadcasts: logProb, entropy and moments are the base's broadcast (fast-check over shapes)", () => {
    const arb = fc
      .array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 2 })
      .chain((base) =>
        fc.tuple(
          fc.constant(base),
          fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
          fc.array(fc.integer({ min: 2, max: 3 }), { minLength: base.length, maxLength: base.length }),
          fc.array(fc.boolean(), { minLength: base.length, maxLength: base.length }),
        ),
      );
    fc.assert(
      fc.property(arb, ([baseShape, lead, grow, which]) => {
        tf.tidy(() => {
          // dims where `which` is set are size 1 in the base and grow in the target
          const b = baseShape.map((d, i) => (which[i] ? 1 : d));
          const target = [...lead, ...baseShape.map((d, i) => (which[i] ? grow[i]! : d))];
          const size = b.reduce((x, y) => x * y, 1);
          const base = new Normal(tf.linspace(-1, 1, size).reshape(b), tf.linspace(0.5, 1.5, size).reshape(b));
          const d = new ExpandedDistribution(base, target);
          expect(d.batchShape).toEqual(target);
          const x = d.sample([2]);
          expect(x.shape).toEqual([2, ...target]);
          expectClose(d.logProb(x), base.logProb(x), 1e-6, 1e-6);
          expectClose(d.entropy(), tf.broadcastTo(base.entropy(), target), 1e-6, 1e-6);
          expectClose(d.mean, tf.broadcastTo(base.mean, target));
          expectClose(d.variance, tf.broadcastTo(base.variance, target));
          // a value of the base's shape broadcasts up to the batch shape
          expect(d.logProb(tf.zeros(b)).shape).toEqual(target);
        });
      }),
      { seed: 42, numRuns: 40 },
    );
  });

  it("draws the new batch elements independently and keeps each at its own parameters", () => {
    setSeed(5);
    tf.tidy(() => {
      // base batch [3, 1] with distinct means per row, expanded to [2, 3, 4]
      const base = new Normal(tf.tensor2d([[-5], [0], [5]]), 1);
      const d = new ExpandedDistribution(base, [2, 3, 4]);
      const S = 2000;
      const x = d.sample([S]); // [S, 2, 3, 4]
      const m = tf.mean(x, 0); // ≈ loc broadcast
      const se = 1 / Math.sqrt(S);
      const err = tf.max(tf.abs(tf.sub(m, tf.broadcastTo(tf.tensor3d([[[-5], [0], [5]]]), [2, 3, 4])))).dataSync()[0]!;
      expect(err).toBeLessThan(5 * se);
      // distinct draws across the grown and the new leading dims (no shared randomness)
      const a = x.slice([0, 0, 1, 0], [S, 1, 1, 1]).reshape([S]);
      const b = x.slice([0, 0, 1, 1], [S, 1, 1, 1]).reshape([S]);
      const c = x.slice([0, 1, 1, 0], [S, 1, 1, 1]).reshape([S]);
      const corr = (u: tf.Tensor, v: tf.Tensor) => tf.mean(tf.mul(tf.sub(u, tf.mean(u)), tf.sub(v, tf.mean(v)))).dataSync()[0]!;
      expect(Math.abs(corr(a, b))).toBeLessThan(5 * se);
      expect(Math.abs(corr(a, c))).toBeLessThan(5 * se);
      expect(Math.abs(corr(a, a) - 1)).toBeLessThan(0.1);
    });
  });

  it("rsample flows gradients to the base parameters, summed over the broadcast", () => {
    tf.tidy(() => {
      const g = tf.grad((loc: tf.Tensor) => tf.sum(new ExpandedDistribution(new Normal(loc, 1), [4, 2]).rsample([3])))(tf.zeros([2]));
      expectClose(g, [12, 12]);
    });
  });

  it("the base class' expand uses it and re-expanding does not nest", () => {
    tf.tidy(() => {
      const base = new Normal(0, 1);
      const e = new ExpandedDistribution(base, [3]).expand([2, 3]) as ExpandedDistribution;
      expect(e.base).toBe(base);
      expect(e.batchShape).toEqual([2, 3]);
    });
  });

  it("rejects shapes that do not broadcast", () => {
    expect(() => new ExpandedDistribution(new Normal(tf.zeros([3]), 1), [4])).toThrow(/cannot be broadcast to \[4\]/);
    expect(() => new ExpandedDistribution(new Normal(tf.zeros([2, 3]), 1), [3])).toThrow(/cannot be broadcast/);
  });

  it("does not leak tensors", () => {
    expectNoLeak(() => {
      const d = new ExpandedDistribution(new Normal(tf.zeros([3, 1]), 1), [2, 3, 4]);
      d.logProb(d.rsample([2]));
      d.entropy();
      void d.mean;
    });
  });
});
