import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { NegativeBinomial } from "../../src/distributions/negative-binomial.js";
import { nbLogProb } from "../../src/distributions/nb-log-prob.js";
import { lgamma } from "../../src/distributions/special.js";
import {
  checkDiscreteFixtures,
  checkDiscreteSeedingAndLeaks,
  checkDiscreteShapeLaws,
  expectClose,
  expectCountMoments,
  gridPoints,
  type GridPoint,
} from "./discrete-helpers.js";

/** The grid as tensors, plus logProb and its gradients in mu and theta from the distribution. */
function evaluateGrid(points: GridPoint[]) {
  return tf.tidy(() => {
    const x = tf.tensor(points.map((p) => p.x));
    const mu = tf.tensor(points.map((p) => p.mu));
    const theta = tf.tensor(points.map((p) => p.theta));
    const f = (m: tf.Tensor, t: tf.Tensor) => new NegativeBinomial({ mu: m, theta: t, validateArgs: false }).logProb(x);
    const lp = Array.from(f(mu, theta).dataSync());
    const [dMu, dTheta] = tf.grads(f)([mu, theta]).map((g) => Array.from(g.dataSync()));
    return { lp, dMu: dMu!, dTheta: dTheta! };
  }) as unknown as { lp: number[]; dMu: number[]; dTheta: number[] };
}

describe("NegativeBinomial", () => {
  it("matches torch / scipy in both parametrisations: logProb, mean, variance", () => {
    checkDiscreteFixtures("negativeBinomial", (p) => {
      if (p.mu) return new NegativeBinomial({ mu: p.mu, theta: p.theta! });
      if (p.logits) return new NegativeBinomial({ totalCount: p.totalCount!, logits: p.logits });
      return new NegativeBinomial({ totalCount: p.totalCount!, probs: p.probs! });
    }, { rtol: 2e-6, atol: 0 });
  });

  it("is accurate on the extreme grid (counts 0..1e5, theta 1e-4..1e6, mu 1e-4..1e5) against mpmath, with finite values and gradients", () => {
    const points = gridPoints("negativeBinomialGrid");
    expect(points.length).toBe(990);
    const { lp, dMu, dTheta } = evaluateGrid(points);
    points.forEach((p, i) => {
      const where = `x=${p.x} mu=${p.mu} theta=${p.theta}`;
      expect(Number.isFinite(lp[i]!) && Number.isFinite(dMu[i]!) && Number.isFinite(dTheta[i]!), `${where}: finite`).toBe(true);
      // ~16 float32 ulps of the result (measured worst: 5e-7).
      expect(Math.abs(lp[i]! - p.logProb), `${where}: logProb ${lp[i]} vs ${p.logProb}`).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(p.logProb)));
      // Gradients: relative 1e-5, plus ~1 ulp of the largest term of the closed form (ψ(θ) ~ 1/θ cancels at small θ).
      expect(Math.abs(dMu[i]! - p.dMu), `${where}: dmu ${dMu[i]} vs ${p.dMu}`).toBeLessThanOrEqual(1e-5 * Math.abs(p.dMu) + 1e-7 * p.dMuScale);
      expect(Math.abs(dTheta[i]! - p.dTheta), `${where}: dtheta ${dTheta[i]} vs ${p.dTheta}`).toBeLessThanOrEqual(
        1e-5 * Math.abs(p.dTheta) + 1e-7 * p.dThetaScale,
      );
    });
  });

  it("has finite, correct gradients in the logits on the extreme grid (torch's parametrisation)", () => {
    const points = gridPoints("negativeBinomialGrid");
    const dLogits = tf.tidy(() => {
      const x = tf.tensor(points.map((p) => p.x));
      const theta = tf.tensor(points.map((p) => p.theta));
      const logits = tf.tensor(points.map((p) => Math.log(p.mu / p.theta)));
      const f = (l: tf.Tensor) => new NegativeBinomial({ totalCount: theta, logits: l, validateArgs: false }).logProb(x);
      return Array.from(tf.grad(f)(logits).dataSync());
    });
    points.forEach((p, i) => {
      // d/dl = μ ∂/∂μ at μ = θ e^l.
      const ref = p.mu * p.dMu;
      const where = `x=${p.x} mu=${p.mu} theta=${p.theta}: dlogits ${dLogits[i]} vs ${ref}`;
      expect(Number.isFinite(dLogits[i]!), where).toBe(true);
      expect(Math.abs(dLogits[i]! - ref), where).toBeLessThanOrEqual(1e-5 * Math.abs(ref) + 3e-7 * p.mu * p.dMuScale + 1e-6);
    });
  });

  it("is far more accurate than the textbook float32 formula (scvi-tools' log_nb_positive) on that grid", () => {
    const points = gridPoints("negativeBinomialGrid");
    const { lp } = evaluateGrid(points);
    const naive = tf.tidy(() => {
      const x = tf.tensor(points.map((p) => p.x));
      const mu = tf.tensor(points.map((p) => p.mu));
      const theta = tf.tensor(points.map((p) => p.theta));
      const eps = 1e-8;
      const logThetaMu = tf.log(tf.add(tf.add(theta, mu), eps));
      return Array.from(
        tf
          .add(tf.mul(theta, tf.sub(tf.log(tf.add(theta, eps)), logThetaMu)), tf.mul(x, tf.sub(tf.log(tf.add(mu, eps)), logThetaMu)))
          .add(lgamma(tf.add(x, theta)))
          .sub(lgamma(theta))
          .sub(lgamma(tf.add(x, 1)))
          .dataSync(),
      );
    });
    const worst = (v: number[]) => Math.max(...points.map((p, i) => Math.abs(v[i]! - p.logProb) / Math.max(1, Math.abs(p.logProb))));
    expect(worst(naive)).toBeGreaterThan(0.05);
    expect(worst(lp)).toBeLessThan(worst(naive) / 1000);
  });

  it("{ mu, theta } equals { totalCount: theta, logits: log(mu/theta) } and { probs: mu/(theta+mu) }, with matching gradients", () => {
    tf.tidy(() => {
      const mu = tf.tensor([[0.5, 20, 3e3], [1e-3, 7, 1e5]]);
      const theta = tf.tensor([0.01, 5, 1e4]);
      const x = tf.tensor([[0, 31, 2900], [1, 0, 99000]]);
      const a = new NegativeBinomial({ mu, theta });
      const b = new NegativeBinomial({ totalCount: theta, logits: tf.sub(tf.log(mu), tf.log(theta)) });
      const c = new NegativeBinomial({ totalCount: theta, probs: tf.div(mu, tf.add(mu, theta)) });
      const ref = a.logProb(x).arraySync() as number[][];
      expectClose(b.logProb(x), ref, "logits parametrisation", { rtol: 2e-5, atol: 2e-5 });
      expectClose(c.logProb(x), ref, "probs parametrisation", { rtol: 2e-5, atol: 2e-5 });
      for (const d of [b, c]) {
        expectClose(d.mean, a.mean.arraySync() as number[][], "mean", { rtol: 2e-5 });
        expectClose(d.variance, a.variance.arraySync() as number[][], "variance", { rtol: 5e-5 });
      }
      expectClose(b.mu, a.mu.arraySync() as number[][], "mu", { rtol: 2e-5 });
      expectClose(a.logits, b.logits.arraySync() as number[][], "logits", { rtol: 1e-5, atol: 1e-5 });
      expectClose(a.probs, c.probs.arraySync() as number[][], "probs", { rtol: 1e-5 });
      expect(a.theta.shape).toEqual([2, 3]);
      // d/dlogits through mu = θ e^l equals μ · d/dμ.
      const gMu = tf.grad((m) => tf.sum(new NegativeBinomial({ mu: m, theta }).logProb(x)))(mu);
      const logits = tf.sub(tf.log(mu), tf.log(theta));
      const gLogits = tf.grad((l) => tf.sum(new NegativeBinomial({ totalCount: theta, logits: l }).logProb(x)))(logits);
      expectClose(gLogits, tf.mul(gMu, mu).arraySync() as number[][], "d/dlogits", { rtol: 1e-4, atol: 1e-5 });
    });
  });

  it("sums a theta shared across cells back to its own shape in the gradient", () => {
    tf.tidy(() => {
      const mu = tf.fill([4, 3], 2);
      const theta = tf.tensor([0.5, 2, 8]);
      const x = tf.tensor([[0, 1, 2], [3, 0, 1], [2, 2, 2], [0, 0, 5]]);
      const g = tf.grad((t) => tf.sum(nbLogProb(x, mu, t)))(theta);
      expect(g.shape).toEqual([3]);
      const perCell = tf.grads((m: tf.Tensor, t: tf.Tensor) => nbLogProb(x, m, t))([mu, tf.broadcastTo(theta, [4, 3])])[1]!;
      expectClose(g, tf.sum(perCell, 0).arraySync() as number[], "summed gradient", { rtol: 1e-5, atol: 1e-6 });
    });
  });

  it("draws Gamma–Poisson counts with the right mean and variance", () => {
    expectCountMoments(new NegativeBinomial({ mu: tf.tensor([0.3, 10, 500, 40]), theta: tf.tensor([0.5, 5, 100, 1e4]) }), 4000, 3);
    expectCountMoments(new NegativeBinomial({ totalCount: 3, probs: tf.tensor([0.2, 0.7]) }), 4000, 4);
  });

  it("obeys the shape laws", () => {
    checkDiscreteShapeLaws(
      (b) => new NegativeBinomial({ mu: tf.randomUniform(b, 0.1, 30, "float32", 1), theta: tf.randomUniform(b, 0.2, 5, "float32", 2) }),
    );
    checkDiscreteShapeLaws((b) => new NegativeBinomial({ totalCount: 4, logits: tf.randomNormal(b, 0, 1, "float32", 3) }));
  });

  it("names the distribution and parameter on bad parameters and values", () => {
    const bad: [() => unknown, RegExp][] = [
      [() => new NegativeBinomial({ mu: 1, theta: 0 }), /NegativeBinomial: parameter 'theta' must be positive/],
      [() => new NegativeBinomial({ mu: 1, theta: -2 }), /parameter 'theta'/],
      [() => new NegativeBinomial({ mu: [1, -1], theta: 1 }), /parameter 'mu' must be nonnegative.*element 1/],
      [() => new NegativeBinomial({ mu: NaN, theta: 1 }), /parameter 'mu'/],
      [() => new NegativeBinomial({ totalCount: 2, probs: 1 }), /parameter 'probs' must be halfOpenInterval\(0, 1\)/],
      [() => new NegativeBinomial({ totalCount: 0, logits: 0 }), /parameter 'totalCount' must be positive/],
      [() => new NegativeBinomial({ mu: 1 } as never), /needs both 'mu' and 'theta'/],
      [() => new NegativeBinomial({ totalCount: 1 } as never), /exactly one of 'logits' and 'probs'/],
      [() => new NegativeBinomial({ mu: 1, theta: 1, logits: 0 } as never), /NegativeBinomial: the \(mu, theta\) parametrisation/],
    ];
    for (const [make, message] of bad) expect(() => tf.tidy(() => void make())).toThrow(message);
    tf.tidy(() => {
      const d = new NegativeBinomial({ mu: 2, theta: 3 });
      expect(() => d.logProb(tf.tensor([1, -1]))).toThrow(/NegativeBinomial.logProb: value outside the support \(nonnegativeInteger\) at element 1/);
      expect(() => d.logProb(tf.tensor([0.5]))).toThrow(/NegativeBinomial.logProb/);
      const loose = new NegativeBinomial({ mu: 2, theta: 3, validateArgs: false });
      expect(Number.isFinite(loose.logProb(tf.tensor([0.5])).dataSync()[0])).toBe(true);
      new NegativeBinomial({ mu: 2, theta: -3, validateArgs: false });
    });
  });

  it("gives log p(0) = θ log(θ/(θ+μ)) exactly and finite values at μ = 0", () => {
    tf.tidy(() => {
      const d = new NegativeBinomial({ mu: tf.tensor([0, 1e-6, 3]), theta: tf.tensor([2, 1e-4, 1e6]) });
      const lp0 = Array.from(d.logProb(tf.zeros([3])).dataSync());
      const ref = [0, 1e-4 * Math.log(1e-4 / (1e-4 + 1e-6)), 1e6 * Math.log(1e6 / (1e6 + 3))];
      lp0.forEach((v, i) => expect(Math.abs(v - ref[i]!)).toBeLessThanOrEqual(1e-6 * Math.abs(ref[i]!) + 1e-12));
      const lp1 = d.logProb(tf.ones([3])).dataSync();
      expect(lp1[0]).toBeLessThan(-60);
      expect(Array.from(lp1).every(Number.isFinite)).toBe(true);
    });
  });

  it("is reproducible under setSeed and does not leak tensors", () => {
    checkDiscreteSeedingAndLeaks(() => new NegativeBinomial({ mu: tf.tensor([1, 20]), theta: 2 }), {
      gradParam: { value: 2, build: (t) => new NegativeBinomial({ mu: tf.tensor([1, 20]), theta: t }) },
    });
  });
});
