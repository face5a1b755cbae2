import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { setSeed } from "../../src/backend/random.js";
import { LowRankMultivariateNormal, MultivariateNormal } from "../../src/distributions/index.js";
import { expectClose, expectNoLeak, fixture, t } from "./structural-helpers.js";

describe("LowRankMultivariateNormal against torch", () => {
  for (const c of fixture.lowrank) {
    it(c.name, () => {
      tf.tidy(() => {
        const d = new LowRankMultivariateNormal(t(c.loc), t(c.covFactor), t(c.covDiag));
        expect(d.batchShape).toEqual(c.batchShape);
        expectClose(d.logProb(t(c.value)), c.logProb, 1e-4, 2e-4);
        expectClose(d.entropy(), c.entropy, 1e-4, 1e-4);
        expectClose(d.variance, c.variance, 1e-4, 1e-5);
        expectClose(d.covarianceMatrix, c.covarianceMatrix, 1e-4, 1e-5);
        expectClose(d.precisionMatrix, c.precisionMatrix, 1e-3, 1e-4);
      });
    });
  }
});

describe("LowRankMultivariateNormal properties", () => {
  it("agrees with the full-covariance MultivariateNormal (fast-check over factors)", () => {
    const arb = fc.record({
      w: fc.array(fc.double({ min: -1.5, max: 1.5, noNaN: true }), { minLength: 8, maxLength: 8 }),
      d: fc.array(fc.double({ min: 0.1, max: 3, noNaN: true }), { minLength: 4, maxLength: 4 }),
      loc: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 4, maxLength: 4 }),
    });
    fc.assert(
      fc.property(arb, ({ w, d, loc }) => {
        tf.tidy(() => {
          const lr = new LowRankMultivariateNormal(tf.tensor1d(loc), tf.tensor2d(w, [4, 2]), tf.tensor1d(d));
          const full = new MultivariateNormal(tf.tensor1d(loc), { covarianceMatrix: lr.covarianceMatrix });
          const x = tf.tensor2d([0.5, -1, 0, 2, -0.3, 0.3, 1, -2], [2, 4]);
          expectClose(lr.logProb(x), full.logProb(x), 1e-3, 1e-3);
          expectClose(lr.entropy(), full.entropy(), 1e-3, 1e-3);
          // gradients in loc agree as well
          const g1 = tf.grad((m: tf.Tensor) => tf.sum(new LowRankMultivariateNormal(m, tf.tensor2d(w, [4, 2]), tf.tensor1d(d)).logProb(x)))(
            tf.tensor1d(loc),
          );
          const cov = lr.covarianceMatrix;
          const g2 = tf.grad((m: tf.Tensor) => tf.sum(new MultivariateNormal(m, { covarianceMatrix: cov }).logProb(x)))(tf.tensor1d(loc));
          expectClose(g1, g2, 2e-3, 2e-3);
        });
      }),
      { seed: 42, numRuns: 15 },
    );
  });

  it("rsample has the right shape and covariance, and is reparameterized", () => {
    setSeed(11);
    tf.tidy(() => {
      const c = fixture.lowrank[0]!; // n = 4, rank 2
      const d = new LowRankMultivariateNormal(t(c.loc), t(c.covFactor), t(c.covDiag));
      const S = 4000;
      const x = d.rsample([S]);
      expect(x.shape).toEqual([S, 4]);
      const centred = tf.sub(x, tf.mean(x, 0));
      const emp = tf.div(tf.matMul(centred.transpose(), centred), S - 1).arraySync() as number[][];
      const sig = c.covarianceMatrix as number[][];
      for (let i = 0; i < 4; i++) {
        for (let j = 0; j < 4; j++) {
          const se = Math.sqrt((sig[i]![i]! * sig[j]![j]! + sig[i]![j]! ** 2) / S);
          expect(Math.abs(emp[i]![j]! - sig[i]![j]!)).toBeLessThan(5 * se);
        }
      }
      const g = tf.grads((m: tf.Tensor, w: tf.Tensor, dg: tf.Tensor) => tf.sum(new LowRankMultivariateNormal(m, w, dg).rsample([3])))([
        t(c.loc),
        t(c.covFactor),
        t(c.covDiag),
      ]);
      expectClose(g[0]!, [3, 3, 3, 3]);
      expect(g[1]!.shape).toEqual([4, 2]);
      expect(tf.all(tf.isFinite(g[2]!)).dataSync()[0]).toBe(1);
      const batched = new LowRankMultivariateNormal(t(fixture.lowrank[1]!.loc), t(fixture.lowrank[1]!.covFactor), t(fixture.lowrank[1]!.covDiag));
      expect(batched.sample([5]).shape).toEqual([5, 2, 3]);
      expect(batched.logProb(batched.sample([5])).shape).toEqual([5, 2]);
    });
  });

  it("expand broadcasts the parameters", () => {
    tf.tidy(() => {
      const c = fixture.lowrank[0]!;
      const d = new LowRankMultivariateNormal(t(c.loc), t(c.covFactor), t(c.covDiag)).expand([3]);
      expect(d).toBeInstanceOf(LowRankMultivariateNormal);
      expect(d.batchShape).toEqual([3]);
      expectClose(d.entropy(), tf.fill([3], c.entropy as number), 1e-4, 1e-4);
    });
  });

  it("validates parameters, naming them", () => {
    expect(() => new LowRankMultivariateNormal([0, 0], [[1], [1]], [1, -1])).toThrow(/'covDiag' must be independent\(positive, 1\)/);
    expect(() => new LowRankMultivariateNormal([0, 0], [[1, 1]], [1, 1])).toThrow(/'covFactor' must have shape \[\.\.\., 2, rank\]/);
    expect(() => new LowRankMultivariateNormal([0, 0], [[1], [1]], [1, 1, 1])).toThrow(/'covDiag' must have shape \[\.\.\., 2\]/);
  });

  it("does not leak tensors", () => {
    const c = fixture.lowrank[1]!;
    expectNoLeak(() => {
      const d = new LowRankMultivariateNormal(t(c.loc), t(c.covFactor), t(c.covDiag));
      d.logProb(d.rsample([2]));
      d.entropy();
      void d.variance;
      void d.covarianceMatrix;
      void d.precisionMatrix;
      tf.grad((w: tf.Tensor) => tf.sum(new LowRankMultivariateNormal(t(c.loc), w, t(c.covDiag)).logProb(t(c.value))))(t(c.covFactor));
    });
  });
});
