import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AffineTransform,
  ExpTransform,
  LowerCholeskyTransform,
  Normal,
  StickBreakingTransform,
  TransformedDistribution,
} from "../../src/distributions/index.js";
import { expectClose, expectNoLeak, fixture, t } from "./structural-helpers.js";

describe("TransformedDistribution", () => {
  it("exp of a Normal has torch's LogNormal density", () => {
    tf.tidy(() => {
      const c = fixture.transformed;
      const d = new TransformedDistribution(new Normal(t(c.loc), t(c.scale)), [new ExpTransform()]);
      expect(d.batchShape).toEqual([3]);
      expect(d.eventShape).toEqual([]);
      expect(d.support.name).toBe("positive");
      expectClose(d.logProb(t(c.value)), c.logNormalLogProb, 1e-4, 1e-4);
    });
  });

  it("stick-breaking of a diagonal Normal matches torch: the transform makes the event", () => {
    tf.tidy(() => {
      const c = fixture.transformed.stickBreaking;
      const d = new TransformedDistribution(new Normal(t(c.loc), t(c.scale)), new StickBreakingTransform());
      expect(d.batchShape).toEqual(c.batchShape);
      expect(d.eventShape).toEqual(c.eventShape);
      expect(d.support.name).toBe("simplex");
      expectClose(d.logProb(t(c.value)), c.logProb, 1e-3, 1e-3);
      const x = d.sample([6]);
      expect(x.shape).toEqual([6, 4]);
      expectClose(tf.sum(x, -1), tf.ones([6]), 1e-5, 1e-5);
      expect(d.logProb(x).shape).toEqual([6]);
    });
  });

  it("an affine map of a Normal is the Normal with moved parameters (fast-check)", () => {
    const arb = fc.record({
      loc: fc.double({ min: -3, max: 3, noNaN: true }),
      scale: fc.double({ min: 0.2, max: 3, noNaN: true }),
      a: fc.double({ min: -3, max: 3, noNaN: true }),
      b: fc.double({ min: 0.2, max: 3, noNaN: true }).chain((v) => fc.constantFrom(v, -v)),
      x: fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 3, maxLength: 3 }),
    });
    fc.assert(
      fc.property(arb, ({ loc, scale, a, b, x }) => {
        tf.tidy(() => {
          const d = new TransformedDistribution(new Normal(loc, scale), [new AffineTransform(a, b)]);
          const want = new Normal(a + b * loc, Math.abs(b) * scale);
          const v = tf.tensor1d(x);
          expectClose(d.logProb(v), want.logProb(v), 1e-4, 1e-4);
        });
      }),
      { seed: 42, numRuns: 40 },
    );
  });

  it("composes transforms and reinterprets base batch dims the transforms need as events", () => {
    tf.tidy(() => {
      // N(0, 1) on R^3 (batch [2, 3]), scaled by 2, then packed into lower-Cholesky 2 × 2 matrices
      const base = new Normal(tf.zeros([2, 3]), 1);
      const d = new TransformedDistribution(base, [new AffineTransform(0, 2), new LowerCholeskyTransform()]);
      expect(d.batchShape).toEqual([2]);
      expect(d.eventShape).toEqual([2, 2]);
      expect(d.support.name).toBe("lowerCholesky");
      const y = d.rsample([5]);
      expect(y.shape).toEqual([5, 2, 2, 2]);
      const lp = d.logProb(y);
      expect(lp.shape).toEqual([5, 2]);
      // change of variables by hand: v = packed(y) with log diagonal, x = v / 2,
      // log p = Σ log N(x) - 3 log 2 - Σ diag(v)
      const v = new LowerCholeskyTransform().inverse(y);
      const x = tf.div(v, 2);
      const diag = tf.tensor1d([1, 0, 1]);
      const manual = tf.sub(tf.sub(tf.sum(base.logProb(x), -1), tf.sum(tf.mul(v, diag), -1)), 3 * Math.log(2));
      expectClose(lp, manual, 1e-4, 1e-4);
    });
  });

  it("rsample is reparameterized and expand broadcasts the base", () => {
    tf.tidy(() => {
      const g = tf.grad((loc: tf.Tensor) => tf.sum(new TransformedDistribution(new Normal(loc, 1), [new AffineTransform(1, 3)]).rsample([2])))(
        tf.zeros([4]),
      );
      expectClose(g, [6, 6, 6, 6]);
      const e = new TransformedDistribution(new Normal(tf.zeros([3]), 1), new StickBreakingTransform()).expand([5]);
      expect(e.batchShape).toEqual([5]);
      expect(e.eventShape).toEqual([4]);
      expect(e.sample([2]).shape).toEqual([2, 5, 4]);
    });
  });

  it("rejects values outside the support and too-small bases", () => {
    const d = new TransformedDistribution(new Normal(0, 1), [new ExpTransform()]);
    expect(() => d.logProb(tf.scalar(-1))).toThrow(/outside the support \(positive\)/);
    expect(() => new TransformedDistribution(new Normal(0, 1), [new StickBreakingTransform()])).toThrow(/1-dimensional events/);
  });

  it("does not leak tensors", () => {
    expectNoLeak(() => {
      const d = new TransformedDistribution(new Normal(tf.zeros([3]), 1), new StickBreakingTransform());
      d.logProb(d.rsample([2]));
    });
  });
});
