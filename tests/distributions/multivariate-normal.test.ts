import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { setSeed } from "../../src/backend/random.js";
import { MultivariateNormal, type MultivariateNormalScale } from "../../src/distributions/index.js";
import { choleskyInverse, cholesky } from "../../src/distributions/linalg.js";
import { expectClose, expectNoLeak, fixture, t } from "./structural-helpers.js";

const kinds = ["scaleTril", "covarianceMatrix", "precisionMatrix"] as const;

describe("MultivariateNormal against torch / SciPy", () => {
  for (const c of fixture.mvn) {
    for (const kind of kinds) {
      it(`${c.name}, parameterized by ${kind}`, () => {
        tf.tidy(() => {
          const d = new MultivariateNormal(t(c.loc), { [kind]: t(c[kind]) } as MultivariateNormalScale);
          expect(d.batchShape).toEqual(c.batchShape);
          expect(d.eventShape).toEqual([c.loc instanceof Array ? (t(c.loc).shape.at(-1) ?? 0) : 0]);
          expectClose(d.logProb(t(c.value)), c.logProb, 1e-4, 2e-4);
          expectClose(d.entropy(), c.entropy, 1e-4, 1e-4);
          expectClose(d.variance, c.variance, 1e-4, 1e-5);
          const n = d.eventShape[0]!;
          const full = [...c.batchShape, n, n];
          expectClose(d.scaleTril, tf.broadcastTo(t(c.scaleTril), full), 1e-3, 1e-4);
          expectClose(d.covarianceMatrix, tf.broadcastTo(t(c.covarianceMatrix), full), 1e-3, 1e-4);
          expectClose(d.precisionMatrix, tf.broadcastTo(t(c.precisionMatrix), full), 2e-3, 2e-4);
          expectClose(d.mean, tf.broadcastTo(t(c.loc), [...c.batchShape, n]));
        });
      });
    }
  }
});

describe("MultivariateNormal sampling", () => {
  it("rsample has shape sample + batch + event and the right covariance", () => {
    setSeed(7);
    tf.tidy(() => {
      const c = fixture.mvn[0]!; // n = 3, no batch
      const cov = t(c.covarianceMatrix);
      const d = new MultivariateNormal(t(c.loc), { covarianceMatrix: cov });
      const S = 4000;
      const x = d.rsample([S]);
      expect(x.shape).toEqual([S, 3]);
      const centred = tf.sub(x, tf.mean(x, 0));
      const emp = tf.div(tf.matMul(centred.transpose(), centred), S - 1);
      // standard error of a sample covariance entry: sqrt((Σii Σjj + Σij²) / S)
      const sig = cov.arraySync() as number[][];
      const got = emp.arraySync() as number[][];
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          const se = Math.sqrt((sig[i]![i]! * sig[j]![j]! + sig[i]![j]! ** 2) / S);
          expect(Math.abs(got[i]![j]! - sig[i]![j]!)).toBeLessThan(5 * se);
        }
      }
      const meanSe = tf.sqrt(tf.div(d.variance, S));
      const meanErr = tf.abs(tf.sub(tf.mean(x, 0), d.mean));
      expect(tf.all(tf.less(meanErr, tf.mul(5, meanSe))).dataSync()[0]).toBe(1);
    });
  });

  it("samples batched distributions independently per batch element and is reproducible", () => {
    tf.tidy(() => {
      const c = fixture.mvn[1]!; // batch [2], n = 3
      const d = new MultivariateNormal(t(c.loc), { scaleTril: t(c.scaleTril) });
      setSeed(3);
      const a = d.sample([5]);
      setSeed(3);
      const b = d.sample([5]);
      expect(a.shape).toEqual([5, 2, 3]);
      expectClose(a, b, 0, 0);
      expect(d.logProb(a).shape).toEqual([5, 2]);
    });
  });

  it("rsample is differentiable in loc and the scale parameter; sample is not", () => {
    tf.tidy(() => {
      const c = fixture.mvn[0]!;
      const g = tf.grads((loc: tf.Tensor, cov: tf.Tensor) =>
        tf.sum(new MultivariateNormal(loc, { covarianceMatrix: cov }, { validateArgs: false }).rsample([4])),
      )([t(c.loc), t(c.covarianceMatrix)]);
      expectClose(g[0]!, [4, 4, 4]);
      expect(tf.any(tf.notEqual(g[1]!, 0)).dataSync()[0]).toBe(1);
      const gs = tf.grad((loc: tf.Tensor) => tf.sum(new MultivariateNormal(loc, { scaleTril: t(c.scaleTril) }).sample([4])))(
        t(c.loc),
      );
      expectClose(gs, [0, 0, 0]);
    });
  });
});

describe("MultivariateNormal gradients", () => {
  it("logProb's gradients match the analytic ones in loc and covariance", () => {
    tf.tidy(() => {
      const c = fixture.mvn[0]!;
      const x = t(c.value).slice([0, 0], [1, 3]).reshape([3]);
      const cov = t(c.covarianceMatrix);
      const [gLoc, gCov] = tf.grads((loc: tf.Tensor, s: tf.Tensor) =>
        new MultivariateNormal(loc, { covarianceMatrix: s }, { validateArgs: false }).logProb(x),
      )([t(c.loc), cov]);
      const prec = choleskyInverse(cholesky(cov));
      const diff = tf.sub(x, t(c.loc)).reshape([3, 1]);
      const pd = tf.matMul(prec, diff);
      expectClose(gLoc!, pd.reshape([3]), 1e-3, 1e-4);
      // d/dΣ = ½(Σ⁻¹ d dᵀ Σ⁻¹ - Σ⁻¹) for symmetric Σ; only the lower triangle is read, so
      // off-diagonal entries below the diagonal carry twice the symmetric gradient.
      const sym = tf.mul(0.5, tf.sub(tf.matMul(pd, pd.transpose()), prec));
      const expected = tf.sub(tf.mul(2, tf.linalg.bandPart(sym, -1, 0)), tf.mul(sym, tf.eye(3)));
      expectClose(gCov!, expected, 2e-3, 2e-4);
    });
  });
});

describe("MultivariateNormal properties", () => {
  it("the three parameterizations agree (fast-check over random covariances)", () => {
    const arb = fc.array(fc.double({ min: -1.5, max: 1.5, noNaN: true }), { minLength: 12, maxLength: 12 });
    fc.assert(
      fc.property(arb, (v) => {
        tf.tidy(() => {
          const m = tf.tensor2d(v.slice(0, 9), [3, 3]);
          const cov = tf.add(tf.matMul(m, m.transpose()), tf.mul(tf.eye(3), 0.3));
          const loc = tf.tensor1d(v.slice(9));
          const x = tf.tensor2d([0.3, -0.2, 1, -1, 0.5, 0], [2, 3]);
          const a = new MultivariateNormal(loc, { covarianceMatrix: cov });
          const b = new MultivariateNormal(loc, { precisionMatrix: choleskyInverse(cholesky(cov)) });
          const l = new MultivariateNormal(loc, { scaleTril: cholesky(cov) });
          expectClose(b.logProb(x), a.logProb(x), 1e-3, 1e-3);
          expectClose(l.logProb(x), a.logProb(x), 1e-4, 1e-4);
          expectClose(b.entropy(), a.entropy(), 1e-3, 1e-3);
        });
      }),
      { seed: 42, numRuns: 15 },
    );
  });

  it("expand broadcasts the parameters and keeps the parameterization", () => {
    tf.tidy(() => {
      const c = fixture.mvn[0]!;
      const d = new MultivariateNormal(t(c.loc), { precisionMatrix: t(c.precisionMatrix) });
      const e = d.expand([4, 2]) as MultivariateNormal;
      expect(e).toBeInstanceOf(MultivariateNormal);
      expect(e.batchShape).toEqual([4, 2]);
      expect(e.parameterization).toBe("precisionMatrix");
      const lp = e.logProb(t(c.value).slice([0, 0], [1, 3]));
      expect(lp.shape).toEqual([4, 2]);
      expectClose(lp, tf.fill([4, 2], (c.logProb as number[])[0]!), 1e-4, 2e-4);
    });
  });

  it("does not leak tensors", () => {
    const c = fixture.mvn[1]!;
    expectNoLeak(() => {
      for (const kind of kinds) {
        const d = new MultivariateNormal(t(c.loc), { [kind]: t(c[kind]) } as MultivariateNormalScale);
        d.logProb(d.rsample([2]));
        d.entropy();
        void d.mean;
        void d.variance;
        void d.scaleTril;
        void d.covarianceMatrix;
        void d.precisionMatrix;
      }
    });
  });
});

describe("MultivariateNormal argument errors", () => {
  it("names the offending parameter", () => {
    expect(() => new MultivariateNormal([0, 0], { covarianceMatrix: [[1, 2], [2, 1]] })).toThrow(
      /MultivariateNormal: parameter 'covarianceMatrix' must be positiveDefinite/,
    );
    expect(() => new MultivariateNormal([0, 0], { scaleTril: [[1, 0.5], [0, 1]] })).toThrow(/'scaleTril' must be lowerCholesky/);
    expect(() => new MultivariateNormal([0, 0, 0], { scaleTril: [[1, 0], [0, 1]] })).toThrow(/\[\.\.\., 3, 3\]/);
    expect(
      () => new MultivariateNormal([0, 0], { scaleTril: [[1, 0], [0, 1]], covarianceMatrix: [[1, 0], [0, 1]] } as never),
    ).toThrow(/exactly one/);
    expect(() => new MultivariateNormal(0, { scaleTril: [[1]] })).toThrow(/'loc' must be at least a vector/);
    const d = new MultivariateNormal([0, 0], { scaleTril: [[1, 0], [0, 1]] });
    expect(() => d.logProb(tf.tensor1d([NaN, 0]))).toThrow(/outside the support/);
  });
});
