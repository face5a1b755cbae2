import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { HalfNormal } from "../../src/distributions/half-normal.js";
import {
  checkFixtures,
  checkSeedingAndLeaks,
  checkShapeLaws,
  expectPathwiseGradient,
  expectSampleMoments,
} from "./continuous-helpers.js";

describe("HalfNormal", () => {
  it("matches scipy.stats.halfnorm: logProb, mean, variance, entropy", () => {
    checkFixtures("halfNormal", (p) => new HalfNormal(p.scale!));
  });

  it("draws with the right mean and variance", () => {
    expectSampleMoments(new HalfNormal(tf.tensor1d([0.01, 1, 20])), 4000, 1);
  });

  it("obeys the shape laws", () => {
    checkShapeLaws((b) => new HalfNormal(tf.add(0.2, tf.randomUniform(b, 0, 2, "float32", 2))));
  });

  it("has pathwise gradients of E[x] = scale √(2/π) and E[x²] = scale²", () => {
    expectPathwiseGradient((s) => new HalfNormal(s), 1.7, (x) => x, Math.sqrt(2 / Math.PI), { label: "dE[x]/dscale" });
    expectPathwiseGradient((s) => new HalfNormal(s), 1.7, tf.square, 2 * 1.7, { label: "dE[x²]/dscale" });
  });

  it("validates parameters and support, naming family and parameter", () => {
    expect(() => tf.tidy(() => void new HalfNormal(tf.tensor1d([1, 0])))).toThrow(/HalfNormal: parameter 'scale' must be positive.*element 1/);
    expect(() => tf.tidy(() => void new HalfNormal(1).logProb(tf.scalar(-0.5)))).toThrow(
      /HalfNormal.logProb: value outside the support \(nonnegative\)/,
    );
    tf.tidy(() => {
      const lp = new HalfNormal(1, { validateArgs: false }).logProb(tf.tensor1d([-0.5, 0]));
      expect(lp.dataSync()[0]).toBe(-Infinity);
      expect(lp.dataSync()[1]).toBeCloseTo(0.5 * Math.log(2 / Math.PI), 6);
    });
  });

  it("is reproducible under setSeed and does not leak tensors", () => {
    checkSeedingAndLeaks(
      () => new HalfNormal(tf.tensor1d([1, 3])),
      (t) => new HalfNormal(t),
    );
  });
});
