import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Independent, Normal } from "../../src/distributions/index.js";
import { expectClose, expectNoLeak } from "./structural-helpers.js";

function normal(shape: number[]): Normal {
  const size = shape.reduce((a, b) => a * b, 1);
  return new Normal(tf.linspace(-1, 1, size).reshape(shape), tf.linspace(0.5, 2, size).reshape(shape));
}

describe("Independent", () => {
  it("moves the rightmost batch dims to the event and sums logProb and entropy over them", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 0, max: 3 }),
        fc.array(fc.integer({ min: 1, max: 2 }), { maxLength: 2 }),
        (batch, k, sampleShape) => {
          const n = Math.min(k, batch.length);
          tf.tidy(() => {
            const base = normal(batch);
            const d = new Independent(base, n);
            const cut = batch.length - n;
            expect(d.batchShape).toEqual(batch.slice(0, cut));
            expect(d.eventShape).toEqual(batch.slice(cut));
            const x = d.sample(sampleShape);
            expect(x.shape).toEqual([...sampleShape, ...batch]);
            const lp = d.logProb(x);
            expect(lp.shape).toEqual([...sampleShape, ...batch.slice(0, cut)]);
            const baseLp = base.logProb(x);
            const axes = Array.from({ length: n }, (_, i) => baseLp.rank - 1 - i);
            expectClose(lp, n === 0 ? baseLp : tf.sum(baseLp, axes), 1e-5, 1e-4);
            const h = d.entropy();
            expectClose(h, n === 0 ? base.entropy() : tf.sum(base.entropy(), axes.map((a) => a - sampleShape.length)), 1e-5, 1e-4);
          });
        },
      ),
      { seed: 42, numRuns: 40 },
    );
  });

  it("passes through sampling, moments and support", () => {
    tf.tidy(() => {
      const d = new Independent(normal([2, 3]), 1);
      expect(d.hasRsample).toBe(true);
      expect(d.support.name).toBe("independent(real, 1)");
      expect(d.support.eventDim).toBe(1);
      expectClose(d.mean, normal([2, 3]).mean);
      expectClose(d.variance, normal([2, 3]).variance);
      const g = tf.grad((loc: tf.Tensor) => tf.sum(new Independent(new Normal(loc, 1), 1).rsample([2])))(tf.zeros([3]));
      expectClose(g, [2, 2, 2]);
    });
  });

  it("toEvent builds (and merges) Independents; expand keeps the event dims", () => {
    tf.tidy(() => {
      const base = normal([4, 2, 3]);
      const d = base.toEvent(1);
      expect(d).toBeInstanceOf(Independent);
      const dd = d.toEvent(1) as Independent;
      expect(dd).toBeInstanceOf(Independent);
      expect(dd.base).toBe(base);
      expect(dd.reinterpretedBatchNdims).toBe(2);
      expect(dd.batchShape).toEqual([4]);
      expect(dd.eventShape).toEqual([2, 3]);
      expect(base.toEvent(0)).toBe(base);
      expect(base.toEvent().batchShape).toEqual([]);
      const e = dd.expand([5, 4]);
      expect(e.batchShape).toEqual([5, 4]);
      expect(e.eventShape).toEqual([2, 3]);
      expect(e.logProb(tf.zeros([2, 3])).shape).toEqual([5, 4]);
    });
  });

  it("rejects more reinterpreted dims than batch dims", () => {
    expect(() => new Independent(normal([2]), 2)).toThrow(/reinterpretedBatchNdims must be an integer in \[0, 1\]/);
  });

  it("does not leak tensors", () => {
    expectNoLeak(() => {
      const d = new Independent(normal([2, 3]), 2);
      d.logProb(d.rsample([2]));
      d.entropy();
    });
  });
});
