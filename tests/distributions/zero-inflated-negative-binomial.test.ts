import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { zinbLogProb } from "../../src/distributions/nb-log-prob.js";
import { ZeroInflatedNegativeBinomial } from "../../src/distributions/zero-inflated-negative-binomial.js";
import {
  checkDiscreteFixtures,
  checkDiscreteSeedingAndLeaks,
  checkDiscreteShapeLaws,
  expectClose,
  expectCountMoments,
  gridPoints,
} from "./discrete-helpers.js";

const ZINB = ZeroInflatedNegativeBinomial;

describe("ZeroInflatedNegativeBinomial", () => {
  it("matches the float64 mixture in scvi-tools' and both of Pyro's parametrisations (moments: sums over the support)", () => {
    const tol = { rtol: 2e-6, atol: 0 };
    checkDiscreteFixtures("zeroInflatedNegativeBinomial", (p) => new ZINB({ mu: p.mu!, theta: p.theta!, ziLogits: p.ziLogits! }), tol);
    checkDiscreteFixtures(
      "zeroInflatedNegativeBinomial",
      (p) => new ZINB({ totalCount: p.totalCount!, logits: p.logits!, gateLogits: p.ziLogits! }),
      { rtol: 2e-5, atol: 0 },
    );
    checkDiscreteFixtures("zeroInflatedNegativeBinomial", (p) => new ZINB({ totalCount: p.totalCount!, logits: p.logits!, gate: p.gate! }), {
      rtol: 2e-5,
      atol: 0,
    });
  });

  it("is accurate on the extreme grid against mpmath, with finite values and gradients in mu, theta and the zero-inflation logits", () => {
    const points = gridPoints("zeroInflatedNegativeBinomialGrid");
    expect(points.length).toBe(360);
    const { lp, dMu, dTheta, dPi } = tf.tidy(() => {
      const x = tf.tensor(points.map((p) => p.x));
      const args = [points.map((p) => p.mu), points.map((p) => p.theta), points.map((p) => p.pi!)].map((v) => tf.tensor(v));
      const f = (m: tf.Tensor, t: tf.Tensor, pi: tf.Tensor) => new ZINB({ mu: m, theta: t, ziLogits: pi, validateArgs: false }).logProb(x);
      const value = Array.from(f(args[0]!, args[1]!, args[2]!).dataSync());
      const grads = tf.grads(f)(args).map((g) => Array.from(g.dataSync()));
      return { lp: value, dMu: grads[0]!, dTheta: grads[1]!, dPi: grads[2]! };
    }) as unknown as Record<"lp" | "dMu" | "dTheta" | "dPi", number[]>;
    points.forEach((p, i) => {
      const where = `x=${p.x} mu=${p.mu} theta=${p.theta} pi=${p.pi}`;
      for (const v of [lp[i], dMu[i], dTheta[i], dPi[i]]) expect(Number.isFinite(v), `${where}: finite`).toBe(true);
      expect(Math.abs(lp[i]! - p.logProb), `${where}: logProb ${lp[i]} vs ${p.logProb}`).toBeLessThanOrEqual(3e-6 * Math.max(1, Math.abs(p.logProb)));
      expect(Math.abs(dMu[i]! - p.dMu), `${where}: dmu ${dMu[i]} vs ${p.dMu}`).toBeLessThanOrEqual(1e-5 * Math.abs(p.dMu) + 1e-7 * p.dMuScale);
      expect(Math.abs(dTheta[i]! - p.dTheta), `${where}: dtheta ${dTheta[i]} vs ${p.dTheta}`).toBeLessThanOrEqual(
        1e-5 * Math.abs(p.dTheta) + 1e-7 * p.dThetaScale,
      );
      expect(Math.abs(dPi[i]! - p.dPi!), `${where}: dpi ${dPi[i]} vs ${p.dPi}`).toBeLessThanOrEqual(1e-5 * Math.abs(p.dPi!) + 2e-7);
    });
  });

  it("agrees between the parametrisations and with Pyro's gate-probability formula, including gradients", () => {
    tf.tidy(() => {
      const mu = tf.tensor([[0.5, 20, 3e3], [1e-3, 7, 1e5]]);
      const theta = tf.tensor([0.01, 5, 1e4]);
      const zi = tf.tensor([[-2, 0.3, 5], [1, -6, 0]]);
      const x = tf.tensor([[0, 31, 0], [1, 0, 99000]]);
      const logits = tf.sub(tf.log(mu), tf.log(theta));
      const scvi = new ZINB({ mu, theta, ziLogits: zi }).logProb(x);
      const ref = scvi.arraySync() as number[][];
      expectClose(new ZINB({ totalCount: theta, logits, gateLogits: zi }).logProb(x), ref, "Pyro, gate logits", { rtol: 2e-5, atol: 2e-5 });
      expectClose(new ZINB({ totalCount: theta, logits, gate: tf.sigmoid(zi) }).logProb(x), ref, "Pyro, gate probs", { rtol: 2e-5, atol: 2e-5 });
      const probs = tf.div(mu, tf.add(mu, theta));
      expectClose(new ZINB({ totalCount: theta, probs, gate: tf.sigmoid(zi) }).logProb(x), ref, "Pyro, probs + gate", { rtol: 2e-5, atol: 2e-5 });
      // Gradient in the zero-inflation: fused kernel vs autodiff through Pyro's probability formula.
      const gFused = tf.grad((z) => tf.sum(new ZINB({ mu, theta, ziLogits: z }).logProb(x)))(zi);
      const gPyro = tf.grad((z) => tf.sum(new ZINB({ totalCount: theta, logits, gate: tf.sigmoid(z) }).logProb(x)))(zi);
      expectClose(gFused, gPyro.arraySync() as number[][], "d/dziLogits", { rtol: 1e-4, atol: 1e-6 });
    });
  });

  it("reduces to the negative binomial as the zero-inflation logits go to -Infinity", () => {
    tf.tidy(() => {
      const mu = tf.tensor([0.3, 4, 80]);
      const theta = tf.tensor([0.5, 2, 30]);
      const x = tf.tensor([0, 3, 70]);
      const zinb = new ZINB({ mu, theta, ziLogits: tf.fill([3], -40) }).logProb(x);
      const nb = new ZINB({ mu, theta, ziLogits: tf.fill([3], -40) }).base.logProb(x);
      expectClose(zinb, nb.arraySync() as number[], "ZINB → NB", { rtol: 1e-6, atol: 1e-6 });
    });
  });

  it("exposes its parameters and moments", () => {
    tf.tidy(() => {
      const d = new ZINB({ mu: tf.tensor([[2, 3]]), theta: tf.tensor([1, 4]), ziLogits: 0 });
      expect(d.batchShape).toEqual([1, 2]);
      expectClose(d.mu, [[2, 3]], "mu");
      expectClose(d.theta, [[1, 4]], "theta");
      expectClose(d.gate, [[0.5, 0.5]], "gate");
      expectClose(d.gateLogits, [[0, 0]], "gateLogits");
      expectClose(d.mean, [[1, 1.5]], "mean");
      // (1 - g)(μ + μ²/θ + g μ²)
      expectClose(d.variance, [[0.5 * (2 + 4 + 2), 0.5 * (3 + 9 / 4 + 4.5)]], "variance");
    });
  });

  it("draws with the right mean and variance", () => {
    expectCountMoments(new ZINB({ mu: tf.tensor([0.5, 10, 200]), theta: tf.tensor([0.7, 3, 50]), ziLogits: tf.tensor([-1, 0.5, 2]) }), 4000, 8);
  });

  it("obeys the shape laws in both parametrisations", () => {
    checkDiscreteShapeLaws(
      (b) =>
        new ZINB({
          mu: tf.randomUniform(b, 0.1, 30, "float32", 1),
          theta: tf.randomUniform(b, 0.2, 5, "float32", 2),
          ziLogits: tf.randomNormal(b, 0, 1, "float32", 3),
        }),
    );
    checkDiscreteShapeLaws((b) => new ZINB({ totalCount: 3, probs: tf.randomUniform(b, 0.1, 0.9, "float32", 4), gate: 0.3 }));
  });

  it("keeps a per-gene theta unbroadcast: gradients have the parameters' own shapes", () => {
    tf.tidy(() => {
      const mu = tf.fill([5, 4], 3);
      const theta = tf.tensor([0.5, 1, 2, 4]);
      const zi = tf.fill([5, 4], -1);
      const x = tf.tensor(Array.from({ length: 20 }, (_, i) => i % 3), [5, 4]);
      const grads = tf.grads((m: tf.Tensor, t: tf.Tensor, z: tf.Tensor) => tf.sum(zinbLogProb(x, m, t, z)))([mu, theta, zi]);
      expect(grads.map((g) => g.shape)).toEqual([[5, 4], [4], [5, 4]]);
    });
  });

  it("names the distribution and parameter on bad parameters and values", () => {
    const bad: [() => unknown, RegExp][] = [
      [() => new ZINB({ mu: 1, theta: 0, ziLogits: 0 }), /ZeroInflatedNegativeBinomial: parameter 'theta' must be positive/],
      [() => new ZINB({ mu: -1, theta: 1, ziLogits: 0 }), /ZeroInflatedNegativeBinomial: parameter 'mu'/],
      [() => new ZINB({ mu: 1, theta: 1, ziLogits: NaN }), /ZeroInflatedNegativeBinomial: parameter 'ziLogits'/],
      [() => new ZINB({ totalCount: 2, logits: 0, gate: 1.5 }), /parameter 'gate' must be unitInterval/],
      [() => new ZINB({ mu: 1, theta: 1 } as never), /takes the zero inflation as 'ziLogits'/],
      [() => new ZINB({ totalCount: 2, logits: 0 } as never), /exactly one of 'gate' or 'gateLogits'/],
      [() => new ZINB({ totalCount: 2, logits: 0, ziLogits: 0 } as never), /'ziLogits' belongs to the \(mu, theta\) parametrisation/],
    ];
    for (const [make, message] of bad) expect(() => tf.tidy(() => void make())).toThrow(message);
    tf.tidy(() => {
      expect(() => new ZINB({ mu: 2, theta: 3, ziLogits: 0 }).logProb(tf.tensor([2, -1]))).toThrow(
        /ZeroInflatedNegativeBinomial.logProb: value outside the support \(nonnegativeInteger\) at element 1/,
      );
      expect(new ZINB({ mu: 2, theta: 3, ziLogits: 0, validateArgs: false }).logProb(tf.tensor([2.5])).shape).toEqual([1]);
    });
  });

  it("is reproducible under setSeed and does not leak tensors (including its gradients)", () => {
    checkDiscreteSeedingAndLeaks(() => new ZINB({ mu: tf.tensor([1, 20]), theta: 2, ziLogits: tf.tensor([-1, 1]) }), {
      gradParam: { value: 2, build: (t) => new ZINB({ mu: tf.tensor([1, 20]), theta: t, ziLogits: 0.5 }) },
    });
  });
});
