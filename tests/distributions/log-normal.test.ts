import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { LogNormal } from "../../src/distributions/log-normal.js";
import {
  checkFixtures,
  checkSeedingAndLeaks,
  checkShapeLaws,
  derivative,
  expectPathwiseGradient,
  expectSampleMoments,
} from "./continuous-helpers.js";

describe("LogNormal", () => {
  it("matches scipy.stats.lognorm: logProb, mean, variance, entropy", () => {
    checkFixtures("logNormal", (p) => new LogNormal(p.loc!, p.scale!));
  });

  it("draws with the right mean and variance", () => {
    expectSampleMoments(new LogNormal(tf.tensor1d([-1, 0, 2]), tf.tensor1d([0.1, 0.5, 0.3])), 4000, 1);
  });

  it("obeys the shape laws", () => {
    checkShapeLaws((b) => new LogNormal(tf.randomNormal(b, 0, 1, "float32", 1), tf.add(0.2, tf.randomUniform(b, 0, 1, "float32", 2))));
  });

  it("has pathwise gradients of E[x] = exp(loc + scale²/2)", () => {
    const mean = (loc: number, scale: number) => Math.exp(loc + (scale * scale) / 2);
    expectPathwiseGradient((loc) => new LogNormal(loc, 0.4), 0.3, (x) => x, mean(0.3, 0.4), { label: "d/dloc" });
    expectPathwiseGradient(
      (s) => new LogNormal(0.3, s),
      0.4,
      (x) => x,
      derivative((s) => tf.exp(tf.add(0.3, tf.mul(0.5, tf.square(s)))), 0.4),
      { label: "d/dscale" },
    );
  });

  it("validates parameters and support, naming family and parameter", () => {
    expect(() => tf.tidy(() => void new LogNormal(0, -2))).toThrow(/LogNormal: parameter 'scale' must be positive/);
    expect(() => tf.tidy(() => void new LogNormal(tf.tensor1d([0, NaN]), 1))).toThrow(/LogNormal: parameter 'loc'.*element 1/);
    expect(() => tf.tidy(() => void new LogNormal(0, 1).logProb(tf.tensor1d([1, 0])))).toThrow(
      /LogNormal.logProb: value outside the support \(positive\) at element 1/,
    );
    tf.tidy(() => {
      const lp = new LogNormal(0, 1, { validateArgs: false }).logProb(tf.tensor1d([0, -1, 1]));
      expect(Array.from(lp.dataSync()).slice(0, 2)).toEqual([-Infinity, -Infinity]);
      expect(Number.isFinite(lp.dataSync()[2])).toBe(true);
      expect(() => new LogNormal(0, 0, { validateArgs: false })).not.toThrow();
    });
  });

  it("is reproducible under setSeed and does not leak tensors", () => {
    checkSeedingAndLeaks(
      () => new LogNormal(tf.tensor1d([0, 1]), 0.5),
      (t) => new LogNormal(0, t),
    );
  });
});
