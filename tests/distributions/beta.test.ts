import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { Beta } from "../../src/distributions/beta.js";
import {
  checkFixtures,
  checkSeedingAndLeaks,
  checkShapeLaws,
  derivative,
  expectPathwiseGradient,
  expectSampleMoments,
} from "./continuous-helpers.js";

describe("Beta", () => {
  it("matches scipy.stats.beta near 0 and 1: logProb, mean, variance, entropy", () => {
    checkFixtures("beta", (p) => new Beta(p.concentration1!, p.concentration0!));
  });

  it("draws with the right mean and variance", () => {
    expectSampleMoments(new Beta(tf.tensor1d([0.5, 2, 50, 0.2]), tf.tensor1d([0.5, 5, 20, 3])), 4000, 1);
  });

  it("draws correctly for tiny concentrations (both Gammas underflow float32)", () => {
    tf.tidy(() => {
      const n = 4000;
      const x = new Beta(0.01, 0.01).sample([n]);
      const v = Array.from(x.dataSync());
      expect(v.every((t) => t > 0 && t < 1)).toBe(true);
      // Beta(0.01, 0.01) is symmetric with almost all mass at the ends: half the draws below 1/2.
      const below = v.filter((t) => t < 0.5).length / n;
      expect(Math.abs(below - 0.5)).toBeLessThan(4.5 * Math.sqrt(0.25 / n));
      expect(tf.all(tf.isFinite(new Beta(0.01, 0.01).logProb(x))).dataSync()[0]).toBe(1);
      // Beta(0.02, 2): mean 0.02/2.02, most mass below float32's smallest normal.
      expectSampleMoments(new Beta(0.02, 2), n, 2);
    });
  });

  it("obeys the shape laws", () => {
    checkShapeLaws(
      (b) => new Beta(tf.add(0.5, tf.randomUniform(b, 0, 3, "float32", 1)), tf.add(0.5, tf.randomUniform(b, 0, 3, "float32", 2))),
    );
  });

  it("has implicit pathwise gradients of E[x] = a/(a+b) in both concentrations", () => {
    const [a, b] = [0.8, 2.5];
    const mean = (x: tf.Tensor, y: tf.Tensor) => tf.div(x, tf.add(x, y));
    expectPathwiseGradient((t) => new Beta(t, b), a, (x) => x, derivative((t) => mean(t, tf.scalar(b)), a), {
      label: "d/dconcentration1",
    });
    expectPathwiseGradient((t) => new Beta(a, t), b, (x) => x, derivative((t) => mean(tf.scalar(a), t), b), {
      label: "d/dconcentration0",
    });
    expectPathwiseGradient(
      (t) => new Beta(t, 4),
      3,
      tf.square,
      derivative((t) => tf.div(tf.mul(t, tf.add(t, 1)), tf.mul(tf.add(t, 4), tf.add(t, 5))), 3),
      { label: "dE[x²]/dconcentration1" },
    );
  });

  it("validates parameters and support, naming family and parameter", () => {
    expect(() => tf.tidy(() => void new Beta(0, 1))).toThrow(/Beta: parameter 'concentration1' must be positive/);
    expect(() => tf.tidy(() => void new Beta(1, tf.tensor1d([2, -1])))).toThrow(/Beta: parameter 'concentration0'.*element 1/);
    expect(() => tf.tidy(() => void new Beta(1, 1).logProb(tf.tensor1d([0.5, 1.5])))).toThrow(
      /Beta.logProb: value outside the support \(unitInterval\) at element 1/,
    );
    tf.tidy(() => {
      const lp = new Beta(2, 1, { validateArgs: false }).logProb(tf.tensor1d([-0.1, 1.1, 0, 1]));
      // Outside [0, 1] -Infinity; at the ends x^(a-1)(1-x)^(b-1) · 2 with a=2, b=1: 0 and 2.
      const v = Array.from(lp.dataSync());
      expect(v.slice(0, 3)).toEqual([-Infinity, -Infinity, -Infinity]);
      expect(v[3]).toBeCloseTo(Math.log(2), 6);
    });
  });

  it("is reproducible under setSeed and does not leak tensors (gradient included)", () => {
    checkSeedingAndLeaks(
      () => new Beta(tf.tensor1d([0.5, 3]), 2),
      (t) => new Beta(t, t),
    );
  });
});
