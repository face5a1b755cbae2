import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { Laplace } from "../../src/distributions/laplace.js";
import {
  checkFixtures,
  checkSeedingAndLeaks,
  checkShapeLaws,
  expectClose,
  expectPathwiseGradient,
  expectSampleMoments,
} from "./continuous-helpers.js";

describe("Laplace", () => {
  it("matches scipy.stats.laplace: logProb, mean, variance, entropy", () => {
    checkFixtures("laplace", (p) => new Laplace(p.loc!, p.scale!));
  });

  it("draws with the right mean and variance", () => {
    expectSampleMoments(new Laplace(tf.tensor1d([-3, 0, 10]), tf.tensor1d([0.01, 1, 5])), 4000, 1);
  });

  it("obeys the shape laws", () => {
    checkShapeLaws((b) => new Laplace(tf.randomNormal(b, 0, 1, "float32", 1), tf.add(0.2, tf.randomUniform(b, 0, 2, "float32", 2))));
  });

  it("has pathwise gradients of E[x²] = loc² + 2 scale²", () => {
    expectPathwiseGradient((t) => new Laplace(t, 1.5), 0.7, tf.square, 2 * 0.7, { label: "d/dloc" });
    expectPathwiseGradient((t) => new Laplace(0.7, t), 1.5, tf.square, 4 * 1.5, { label: "d/dscale" });
  });

  it("validates parameters, naming family and parameter", () => {
    expect(() => tf.tidy(() => void new Laplace(0, -1))).toThrow(/Laplace: parameter 'scale' must be positive/);
    expect(() => tf.tidy(() => void new Laplace(0, 1).logProb(tf.scalar(NaN)))).toThrow(/Laplace.logProb: value outside the support/);
    expect(() => tf.tidy(() => void new Laplace(0, -1, { validateArgs: false }))).not.toThrow();
  });

  it("computes the cdf", () => {
    tf.tidy(() =>
      expectClose(new Laplace(1, 2).cdf(tf.tensor1d([1, 3, -1])), [0.5, 1 - 0.5 * Math.exp(-1), 0.5 * Math.exp(-1)], "cdf"),
    );
  });

  it("is reproducible under setSeed and does not leak tensors", () => {
    checkSeedingAndLeaks(
      () => new Laplace(tf.tensor1d([0, 1]), 2),
      (t) => new Laplace(0, t),
    );
  });
});
