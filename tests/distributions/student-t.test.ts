import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { StudentT } from "../../src/distributions/student-t.js";
import {
  checkFixtures,
  checkSeedingAndLeaks,
  checkShapeLaws,
  expectPathwiseGradient,
  expectSampleMoments,
} from "./continuous-helpers.js";

describe("StudentT", () => {
  it("matches scipy.stats.t (torch for the entropy) for df 0.5 .. 1e3: logProb, mean, variance, entropy", () => {
    checkFixtures("studentT", (p) => new StudentT(p.df!, p.loc!, p.scale!));
  });

  it("defaults to loc 0 and scale 1", () => {
    tf.tidy(() => {
      const d = new StudentT(tf.tensor1d([3, 4]));
      expect(Array.from(d.loc.dataSync())).toEqual([0, 0]);
      expect(Array.from(d.scale.dataSync())).toEqual([1, 1]);
    });
  });

  it("draws with the right mean and variance (df > 4, so the variance has a standard error)", () => {
    expectSampleMoments(new StudentT(tf.tensor1d([9, 30, 200]), tf.tensor1d([-1, 0, 4]), tf.tensor1d([0.5, 2, 1])), 4000, 1);
  });

  it("draws heavy tails for small df: the median of |x| for df = 1 (Cauchy) is the scale", () => {
    tf.tidy(() => {
      const n = 4000;
      const x = Array.from(tf.abs(new StudentT(1, 0, 2).sample([n])).dataSync()).sort((a, b) => a - b);
      // P(|x| < 2) = 1/2 for a Cauchy of scale 2; the sample median's quantile has se 0.5/√n.
      const below = x.filter((v) => v < 2).length / n;
      expect(Math.abs(below - 0.5)).toBeLessThan(4.5 * 0.5 / Math.sqrt(n));
      // df = 0.1: no NaN despite Gamma(0.05) underflowing float32.
      const tiny = new StudentT(0.1).sample([n]);
      expect(tf.any(tf.isNaN(tiny)).dataSync()[0]).toBe(0);
    });
  });

  it("obeys the shape laws", () => {
    checkShapeLaws(
      (b) =>
        new StudentT(
          tf.add(1, tf.randomUniform(b, 0, 10, "float32", 1)),
          tf.randomNormal(b, 0, 1, "float32", 2),
          tf.add(0.5, tf.randomUniform(b, 0, 2, "float32", 3)),
        ),
    );
  });

  it("has pathwise gradients, df through the implicit Gamma gradient: E[x²] = loc² + scale² df/(df-2)", () => {
    const [df, loc, scale] = [10, 0.5, 1.5];
    // d/ddf [scale² df / (df - 2)] = -2 scale² / (df - 2)².
    expectPathwiseGradient((t) => new StudentT(t, loc, scale), df, tf.square, (-2 * scale ** 2) / (df - 2) ** 2, {
      label: "dE[x²]/ddf",
      n: 6000,
    });
    expectPathwiseGradient((t) => new StudentT(df, t, scale), loc, tf.square, 2 * loc, { label: "dE[x²]/dloc" });
    expectPathwiseGradient((t) => new StudentT(df, loc, t), scale, tf.square, (2 * scale * df) / (df - 2), {
      label: "dE[x²]/dscale",
    });
  });

  it("validates parameters, naming family and parameter", () => {
    expect(() => tf.tidy(() => void new StudentT(0))).toThrow(/StudentT: parameter 'df' must be positive/);
    expect(() => tf.tidy(() => void new StudentT(3, 0, tf.tensor1d([1, -1])))).toThrow(/StudentT: parameter 'scale'.*element 1/);
    expect(() => tf.tidy(() => void new StudentT(3).logProb(tf.scalar(NaN)))).toThrow(/StudentT.logProb: value outside the support/);
    expect(() => tf.tidy(() => void new StudentT(-3, 0, 1, { validateArgs: false }))).not.toThrow();
  });

  it("is reproducible under setSeed and does not leak tensors (gradient included)", () => {
    checkSeedingAndLeaks(
      () => new StudentT(tf.tensor1d([2, 5]), 1, 3),
      (t) => new StudentT(tf.mul(t, 3), t, t),
    );
  });
});
