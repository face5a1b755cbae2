import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { Uniform } from "../../src/distributions/uniform.js";
import {
  checkFixtures,
  checkSeedingAndLeaks,
  checkShapeLaws,
  expectClose,
  expectPathwiseGradient,
  expectSampleMoments,
} from "./continuous-helpers.js";

describe("Uniform", () => {
  it("matches scipy.stats.uniform: logProb, mean, variance, entropy", () => {
    checkFixtures("uniform", (p) => new Uniform(p.low!, p.high!));
  });

  it("draws with the right mean and variance, inside [low, high)", () => {
    const d = new Uniform(tf.tensor1d([-1, 0, 100]), tf.tensor1d([1, 1e-3, 1e3]));
    expectSampleMoments(d, 4000, 1);
    tf.tidy(() => {
      const x = d.sample([1000]);
      expect(tf.all(d.support.check(x)).dataSync()[0]).toBe(1);
    });
  });

  it("obeys the shape laws", () => {
    checkShapeLaws((b) => {
      const low = tf.randomNormal(b, 0, 1, "float32", 1);
      return new Uniform(low, tf.add(low, tf.add(0.1, tf.randomUniform(b, 0, 2, "float32", 2))));
    });
  });

  it("has pathwise gradients of E[x²] = (low² + low·high + high²)/3", () => {
    const [l, h] = [-0.5, 2];
    expectPathwiseGradient((t) => new Uniform(t, h), l, tf.square, (2 * l + h) / 3, { label: "d/dlow" });
    expectPathwiseGradient((t) => new Uniform(l, t), h, tf.square, (l + 2 * h) / 3, { label: "d/dhigh" });
  });

  it("validates parameters and support, naming family and parameter", () => {
    expect(() => tf.tidy(() => void new Uniform(1, 1))).toThrow(/Uniform: parameter 'high' must be greater than 'low'/);
    expect(() => tf.tidy(() => void new Uniform(tf.tensor1d([0, 2]), 1))).toThrow(/'high'.*element 1/);
    expect(() => tf.tidy(() => void new Uniform(NaN, 1))).toThrow(/Uniform: parameter 'low'/);
    expect(() => tf.tidy(() => void new Uniform(0, 1).logProb(tf.tensor1d([0.5, 1])))).toThrow(
      /Uniform.logProb: value outside the support \(halfOpenInterval\(low, high\)\) at element 1/,
    );
    tf.tidy(() => {
      const lp = new Uniform(0, 2, { validateArgs: false }).logProb(tf.tensor1d([-1, 0, 1, 2]));
      expect(Array.from(lp.dataSync())).toEqual([-Infinity, -Math.fround(Math.LN2), -Math.fround(Math.LN2), -Infinity]);
    });
  });

  it("computes the cdf", () => {
    tf.tidy(() => expectClose(new Uniform(-1, 3).cdf(tf.tensor1d([-2, 0, 3, 4])), [0, 0.25, 1, 1], "cdf"));
  });

  it("is reproducible under setSeed and does not leak tensors", () => {
    checkSeedingAndLeaks(
      () => new Uniform(0, tf.tensor1d([1, 3])),
      (t) => new Uniform(0, t),
    );
  });
});
