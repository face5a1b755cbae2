import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { Normal } from "../../src/distributions/normal.js";
import {
  checkFixtures,
  checkSeedingAndLeaks,
  checkShapeLaws,
  derivative,
  expectClose,
  expectPathwiseGradient,
  expectSampleMoments,
} from "./continuous-helpers.js";

describe("Normal", () => {
  it("matches scipy.stats.norm: logProb, mean, variance, entropy", () => {
    checkFixtures("normal", (p) => new Normal(p.loc!, p.scale!));
    tf.tidy(() => {
      const d = new Normal(tf.tensor1d([0, 1]), tf.tensor1d([2, 0.5]));
      expectClose(d.stddev, [2, 0.5], "stddev");
    });
  });

  it("accepts numbers and broadcasts them", () => {
    tf.tidy(() => {
      const d = new Normal(0, tf.tensor1d([1, 2, 3]));
      expect(d.batchShape).toEqual([3]);
      expect(d.loc.shape).toEqual([3]);
      expect(d.support.name).toBe("real");
      expect(d.hasRsample).toBe(true);
    });
  });

  it("draws with the right mean and variance", () => {
    expectSampleMoments(new Normal(tf.tensor1d([-2, 0, 5]), tf.tensor1d([0.1, 1, 4])), 4000, 1);
  });

  it("obeys the shape laws", () => {
    checkShapeLaws((b) => new Normal(tf.randomNormal(b, 0, 1, "float32", 1), tf.add(0.5, tf.randomUniform(b, 0, 1, "float32", 2))));
  });

  it("has pathwise gradients of E[x] and E[x²] matching the closed form", () => {
    // E[x] = loc, E[x²] = loc² + scale².
    expectPathwiseGradient((loc) => new Normal(loc, 2), 1.5, (x) => x, 1, { label: "dE[x]/dloc" });
    expectPathwiseGradient((loc) => new Normal(loc, 2), 1.5, tf.square, 3, { label: "dE[x²]/dloc" });
    expectPathwiseGradient((s) => new Normal(1.5, s), 2, tf.square, derivative((s) => tf.square(s), 2), {
      label: "dE[x²]/dscale",
    });
  });

  it("names the distribution and parameter on bad parameters, and skips checks when asked", () => {
    expect(() => tf.tidy(() => void new Normal(0, 0))).toThrow(/Normal: parameter 'scale' must be positive/);
    expect(() => tf.tidy(() => void new Normal(0, tf.tensor1d([1, -1])))).toThrow(/'scale'.*element 1/);
    expect(() => tf.tidy(() => void new Normal(NaN, 1))).toThrow(/Normal: parameter 'loc'/);
    expect(() => tf.tidy(() => void new Normal(tf.zeros([2]), tf.ones([3])))).toThrow(/Normal\(loc, scale\)/);
    tf.tidy(() => {
      const d = new Normal(0, -1, { validateArgs: false });
      expect(Number.isNaN(d.logProb(tf.scalar(0)).dataSync()[0])).toBe(true);
    });
  });

  it("rejects NaN values in logProb (outside the real support) unless validation is off", () => {
    tf.tidy(() => {
      expect(() => new Normal(0, 1).logProb(tf.tensor1d([0, NaN]))).toThrow(/Normal.logProb: value outside the support \(real\) at element 1/);
      const lp = new Normal(0, 1, { validateArgs: false }).logProb(tf.tensor1d([0, NaN]));
      expect(Number.isNaN(lp.dataSync()[1])).toBe(true);
    });
  });

  it("computes the cdf", () => {
    tf.tidy(() => {
      const cdf = new Normal(1, 2).cdf(tf.tensor1d([1, 3, -1]));
      // Φ(0), Φ(1), Φ(-1).
      expectClose(cdf, [0.5, 0.8413447460685429, 0.15865525393145707], "cdf", { atol: 2e-6 });
    });
  });

  it("is reproducible under setSeed and does not leak tensors", () => {
    checkSeedingAndLeaks(
      () => new Normal(tf.tensor1d([0, 1]), 2),
      (t) => new Normal(t, 1),
    );
  });
});
