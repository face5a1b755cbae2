import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { Gamma } from "../../src/distributions/gamma.js";
import {
  checkFixtures,
  checkSeedingAndLeaks,
  checkShapeLaws,
  expectPathwiseGradient,
  expectSampleMoments,
} from "./continuous-helpers.js";

describe("Gamma", () => {
  it("matches scipy.stats.gamma for concentrations 1e-3 .. 1e3: logProb, mean, variance, entropy", () => {
    checkFixtures("gamma", (p) => new Gamma(p.concentration!, p.rate!));
  });

  it("draws with the right mean and variance", () => {
    expectSampleMoments(new Gamma(tf.tensor1d([0.3, 1, 5, 200]), tf.tensor1d([2, 0.5, 1, 10])), 4000, 1);
  });

  it("draws positive, finite values for tiny concentrations", () => {
    tf.tidy(() => {
      const x = new Gamma(tf.tensor1d([1e-3, 1e-2]), 3).sample([500]);
      expect(tf.all(tf.logicalAnd(tf.isFinite(x), tf.greater(x, 0))).dataSync()[0]).toBe(1);
    });
  });

  it("obeys the shape laws", () => {
    checkShapeLaws(
      (b) => new Gamma(tf.add(0.3, tf.randomUniform(b, 0, 3, "float32", 1)), tf.add(0.5, tf.randomUniform(b, 0, 2, "float32", 2))),
    );
  });

  it("has implicit pathwise gradients: dE[x]/dα = 1/β, dE[x²]/dα = (2α+1)/β², dE[x]/dβ = -α/β²", () => {
    const beta = 1.6;
    for (const a of [0.05, 0.7, 4, 60]) {
      expectPathwiseGradient((t) => new Gamma(t, beta), a, (x) => x, 1 / beta, { label: `dE[x]/dα at α=${a}` });
    }
    expectPathwiseGradient((t) => new Gamma(t, beta), 2.5, tf.square, (2 * 2.5 + 1) / beta ** 2, { label: "dE[x²]/dα" });
    expectPathwiseGradient((t) => new Gamma(2.5, t), beta, (x) => x, -2.5 / beta ** 2, { label: "dE[x]/dβ" });
  });

  it("validates parameters and support, naming family and parameter", () => {
    expect(() => tf.tidy(() => void new Gamma(0, 1))).toThrow(/Gamma: parameter 'concentration' must be positive/);
    expect(() => tf.tidy(() => void new Gamma(1, tf.tensor1d([1, NaN])))).toThrow(/Gamma: parameter 'rate'.*element 1/);
    expect(() => tf.tidy(() => void new Gamma(1, 1).logProb(tf.tensor1d([1, 0])))).toThrow(
      /Gamma.logProb: value outside the support \(positive\) at element 1/,
    );
    tf.tidy(() => {
      // As torch: -Infinity below 0; at 0, (α - 1) log x is taken as 0 for α = 1.
      const lp = new Gamma(tf.tensor1d([1, 2, 0.5]), 2, { validateArgs: false }).logProb(tf.tensor2d([[-1, -1, -1], [0, 0, 0]]));
      const v = Array.from(lp.dataSync());
      expect([...v.slice(0, 3), v[4], v[5]]).toEqual([-Infinity, -Infinity, -Infinity, -Infinity, Infinity]);
      expect(v[3]).toBeCloseTo(Math.log(2), 6);
      expect(() => new Gamma(-1, 1, { validateArgs: false })).not.toThrow();
    });
  });

  it("is reproducible under setSeed and does not leak tensors (gradient included)", () => {
    checkSeedingAndLeaks(
      () => new Gamma(tf.tensor1d([0.5, 3]), 2),
      (t) => new Gamma(t, t),
    );
  });
});
