import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { GammaPoisson } from "../../src/distributions/gamma-poisson.js";
import { NegativeBinomial } from "../../src/distributions/negative-binomial.js";
import { checkDiscreteFixtures, checkDiscreteSeedingAndLeaks, checkDiscreteShapeLaws, expectClose, expectCountMoments } from "./discrete-helpers.js";

describe("GammaPoisson", () => {
  it("matches torch's NegativeBinomial(concentration, probs = 1/(1 + rate)): logProb, mean, variance", () => {
    checkDiscreteFixtures("gammaPoisson", (p) => new GammaPoisson(p.concentration!, p.rate!), { rtol: 2e-6, atol: 0 });
  });

  it("equals NegativeBinomial({ mu: α/β, theta: α }), gradients included", () => {
    tf.tidy(() => {
      const a = tf.tensor([0.3, 4, 50]);
      const b = tf.tensor([2, 0.1, 0.5]);
      const x = tf.tensor([0, 33, 120]);
      const nb = new NegativeBinomial({ mu: tf.div(a, b), theta: a }).logProb(x);
      expectClose(new GammaPoisson(a, b).logProb(x), nb.arraySync() as number[], "logProb", { rtol: 1e-6, atol: 1e-6 });
      const [ga, gb] = tf.grads((s: tf.Tensor, r: tf.Tensor) => new GammaPoisson(s, r).logProb(x))([a, b]);
      // d/dβ log p = -(α + x)/(1 + β) + α/β.
      const expected = tf.sub(tf.div(a, b), tf.div(tf.add(a, x), tf.add(1, b)));
      expectClose(gb!, expected.arraySync() as number[], "d/drate", { rtol: 1e-5, atol: 1e-5 });
      expect(Array.from(ga!.dataSync()).every(Number.isFinite)).toBe(true);
    });
  });

  it("draws with the right mean and variance", () => {
    expectCountMoments(new GammaPoisson(tf.tensor([0.5, 3, 40]), tf.tensor([0.2, 1, 4])), 4000, 5);
  });

  it("obeys the shape laws", () => {
    checkDiscreteShapeLaws((b) => new GammaPoisson(tf.randomUniform(b, 0.5, 5, "float32", 1), 0.5));
  });

  it("names the distribution and parameter on bad parameters and values", () => {
    expect(() => tf.tidy(() => void new GammaPoisson(0, 1))).toThrow(/GammaPoisson: parameter 'concentration' must be positive/);
    expect(() => tf.tidy(() => void new GammaPoisson(1, [1, -1]))).toThrow(/GammaPoisson: parameter 'rate'.*element 1/);
    tf.tidy(() => {
      expect(() => new GammaPoisson(1, 1).logProb(tf.tensor([-2]))).toThrow(/GammaPoisson.logProb: value outside the support/);
    });
  });

  it("is reproducible under setSeed and does not leak tensors", () => {
    checkDiscreteSeedingAndLeaks(() => new GammaPoisson(tf.tensor([1, 5]), 0.5), { gradParam: { value: 2, build: (t) => new GammaPoisson(t, 0.5) } });
  });
});
