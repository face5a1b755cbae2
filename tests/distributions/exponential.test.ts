import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { Exponential } from "../../src/distributions/exponential.js";
import {
  checkFixtures,
  checkSeedingAndLeaks,
  checkShapeLaws,
  expectClose,
  expectPathwiseGradient,
  expectSampleMoments,
} from "./continuous-helpers.js";

describe("Exponential", () => {
  it("matches scipy.stats.expon: logProb, mean, variance, entropy", () => {
    checkFixtures("exponential", (p) => new Exponential(p.rate!));
  });

  it("draws with the right mean and variance", () => {
    expectSampleMoments(new Exponential(tf.tensor1d([1e-2, 1, 50])), 4000, 1);
  });

  it("obeys the shape laws", () => {
    checkShapeLaws((b) => new Exponential(tf.add(0.2, tf.randomUniform(b, 0, 2, "float32", 2))));
  });

  it("has pathwise gradients of E[x] = 1/rate and E[x²] = 2/rate²", () => {
    const r = 2.5;
    expectPathwiseGradient((t) => new Exponential(t), r, (x) => x, -1 / (r * r), { label: "dE[x]/drate" });
    expectPathwiseGradient((t) => new Exponential(t), r, tf.square, -4 / r ** 3, { label: "dE[x²]/drate" });
  });

  it("validates parameters and support, naming family and parameter", () => {
    expect(() => tf.tidy(() => void new Exponential(0))).toThrow(/Exponential: parameter 'rate' must be positive/);
    expect(() => tf.tidy(() => void new Exponential(1).logProb(tf.tensor1d([1, -1])))).toThrow(
      /Exponential.logProb: value outside the support \(nonnegative\) at element 1/,
    );
    tf.tidy(() => {
      const lp = new Exponential(2, { validateArgs: false }).logProb(tf.tensor1d([-1, 0]));
      expect(lp.dataSync()[0]).toBe(-Infinity);
      expect(lp.dataSync()[1]).toBeCloseTo(Math.log(2), 6);
    });
  });

  it("computes the cdf", () => {
    tf.tidy(() => expectClose(new Exponential(2).cdf(tf.tensor1d([-1, 0, 0.5])), [0, 0, 1 - Math.exp(-1)], "cdf"));
  });

  it("is reproducible under setSeed and does not leak tensors", () => {
    checkSeedingAndLeaks(
      () => new Exponential(tf.tensor1d([1, 3])),
      (t) => new Exponential(t),
    );
  });
});
