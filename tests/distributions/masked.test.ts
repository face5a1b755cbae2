import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MaskedDistribution, Normal } from "../../src/distributions/index.js";
import { expectClose, expectNoLeak } from "./structural-helpers.js";

describe("MaskedDistribution", () => {
  it("keeps logProb where the mask is true and gives 0 where false (fast-check over masks)", () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }), (bits) => {
        tf.tidy(() => {
          const base = new Normal(tf.linspace(-1, 1, 6).reshape([2, 3]), 1.5);
          const mask = tf.tensor(bits, [2, 3], "bool");
          const d = base.mask(mask);
          const x = d.sample([4]);
          const lp = d.logProb(x);
          expect(lp.shape).toEqual([4, 2, 3]);
          const want = tf.mul(base.logProb(x), tf.cast(mask, "float32"));
          expectClose(lp, want, 1e-6, 1e-6);
          expectClose(d.entropy(), tf.mul(base.entropy(), tf.cast(mask, "float32")), 1e-6, 1e-6);
        });
      }),
      { seed: 42, numRuns: 25 },
    );
  });

  it("broadcasts the mask against the batch shape", () => {
    tf.tidy(() => {
      const d = new Normal(tf.zeros([3]), 1).mask(tf.tensor2d([[1], [0], [1], [1]], [4, 1], "bool"));
      expect(d.batchShape).toEqual([4, 3]);
      const lp = d.logProb(tf.zeros([3]));
      expect(lp.shape).toEqual([4, 3]);
      expectClose(lp.sum(1), [3 * -0.9189385, 0, 3 * -0.9189385, 3 * -0.9189385], 1e-5, 1e-5);
      expect(d.sample([2]).shape).toEqual([2, 4, 3]);
      // numeric 0/1 masks work as well
      const n = new Normal(tf.zeros([2]), 1).mask(tf.tensor1d([0, 1]));
      expectClose(n.logProb(tf.zeros([2])), [0, -0.9189385], 1e-5, 1e-6);
    });
  });

  it("mask(false) zeroes, mask(true) keeps, masks combine with and", () => {
    tf.tidy(() => {
      const base = new Normal(tf.zeros([3]), 1);
      const x = tf.tensor1d([0.5, -1, 2]);
      expectClose(base.mask(false).logProb(x), [0, 0, 0]);
      expectClose(base.mask(true).logProb(x), base.logProb(x));
      const both = base.mask(tf.tensor1d([1, 1, 0], "bool")).mask(tf.tensor1d([0, 1, 1], "bool"));
      expect(both).toBeInstanceOf(MaskedDistribution);
      expect((both as MaskedDistribution).base).toBe(base);
      expectClose(both.logProb(x), tf.mul(base.logProb(x), tf.tensor1d([0, 1, 0])));
      expectClose(base.mask(true).mask(false).logProb(x), [0, 0, 0]);
    });
  });

  it("masked-out -Infinity terms give 0, not NaN; masked entries get zero gradient", () => {
    tf.tidy(() => {
      const d = new Normal(tf.zeros([2]), 1, { validateArgs: false }).mask(tf.tensor1d([1, 0], "bool"));
      const lp = d.logProb(tf.tensor1d([0.5, Infinity]));
      expect(lp.dataSync()[0]).toBeCloseTo(-1.0439385, 5);
      expect(lp.dataSync()[1]).toBe(0);
      const g = tf.grad((loc: tf.Tensor) =>
        tf.sum(new Normal(loc, 1).mask(tf.tensor1d([1, 0], "bool")).logProb(tf.tensor1d([0.5, 3]))),
      )(tf.zeros([2]));
      expectClose(g, [0.5, 0], 1e-6, 1e-6);
    });
  });

  it("expand expands the base and keeps the mask", () => {
    tf.tidy(() => {
      const d = new Normal(tf.zeros([2]), 1).mask(tf.tensor1d([1, 0], "bool")).expand([3, 2]);
      expect(d.batchShape).toEqual([3, 2]);
      expectClose(d.logProb(tf.zeros([2])).sum(0), [3 * -0.9189385, 0], 1e-5, 1e-5);
    });
  });

  it("rejects masks that do not broadcast, naming the shapes", () => {
    expect(() => new Normal(tf.zeros([3]), 1).mask(tf.tensor1d([1, 0], "bool"))).toThrow(/mask of shape \[2\]/);
  });

  it("does not leak tensors", () => {
    expectNoLeak(() => {
      const d = new Normal(tf.zeros([3]), 1).mask(tf.tensor1d([1, 0, 1]));
      d.logProb(d.sample([2]));
      d.entropy();
      d.mask(tf.tensor1d([1, 1, 0], "bool")).logProb(tf.zeros([3]));
    });
  });
});
