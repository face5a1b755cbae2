import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { Dirichlet } from "../../src/distributions/dirichlet.js";
import {
  checkFixtures,
  checkSeedingAndLeaks,
  checkShapeLaws,
  expectPathwiseGradient,
  expectSampleMoments,
} from "./continuous-helpers.js";

describe("Dirichlet", () => {
  it("matches scipy.stats.dirichlet / torch: logProb, mean, variance, entropy", () => {
    checkFixtures("dirichlet", (p) => new Dirichlet(p.concentration!));
  });

  it("draws on the simplex with the right mean and variance per component", () => {
    const d = new Dirichlet(tf.tensor2d([[0.3, 1, 4], [20, 5, 50]]));
    expectSampleMoments(d, 4000, 1);
    tf.tidy(() => {
      const x = d.sample([500]);
      expect(tf.all(d.support.check(x)).dataSync()[0]).toBe(1);
    });
  });

  it("draws on the simplex for tiny concentrations", () => {
    tf.tidy(() => {
      const d = new Dirichlet([0.01, 0.01, 0.01]);
      const x = d.sample([2000]);
      expect(tf.all(d.support.check(x)).dataSync()[0]).toBe(1);
      expect(tf.all(tf.isFinite(d.logProb(x))).dataSync()[0]).toBe(1);
      // Symmetric: each component is the largest a third of the time.
      const winners = Array.from(tf.argMax(x, -1).dataSync());
      for (let k = 0; k < 3; k++) {
        const p = winners.filter((w) => w === k).length / 2000;
        expect(Math.abs(p - 1 / 3)).toBeLessThan(4.5 * Math.sqrt((1 / 3) * (2 / 3) / 2000));
      }
    });
  });

  it("obeys the shape laws (eventShape [3])", () => {
    checkShapeLaws((b) => new Dirichlet(tf.add(0.5, tf.randomUniform([...b, 3], 0, 3, "float32", 1))), [3]);
  });

  it("has implicit pathwise gradients of E[x₀] = α₀ / Σα", () => {
    const rest = [1.5, 2];
    const a0 = 0.7;
    const total = a0 + rest[0]! + rest[1]!;
    const build = (t: tf.Tensor) =>
      new Dirichlet(tf.stack([t, tf.fill(t.shape, rest[0]!), tf.fill(t.shape, rest[1]!)], -1));
    const first = (x: tf.Tensor) => tf.squeeze(tf.slice(x, [0, 0], [-1, 1]), [1]);
    expectPathwiseGradient(build, a0, first, (total - a0) / total ** 2, { label: "dE[x0]/dα0" });
    const second = (x: tf.Tensor) => tf.squeeze(tf.slice(x, [0, 1], [-1, 1]), [1]);
    expectPathwiseGradient(build, a0, second, -rest[0]! / total ** 2, { label: "dE[x1]/dα0" });
  });

  it("validates parameters, shapes and support, naming family and parameter", () => {
    expect(() => tf.tidy(() => void new Dirichlet(tf.tensor1d([1, 0, 2])))).toThrow(
      /Dirichlet: parameter 'concentration' must be positive.*element 1/,
    );
    expect(() => tf.tidy(() => void new Dirichlet(1))).toThrow(/Dirichlet: parameter 'concentration' must have shape \[..., k\]/);
    expect(() => tf.tidy(() => void new Dirichlet([1, 1, 1]).logProb(tf.tensor1d([0.5, 0.5])))).toThrow(/Dirichlet.logProb/);
    expect(() => tf.tidy(() => void new Dirichlet([1, 1]).logProb(tf.tensor2d([[0.5, 0.5], [0.5, 0.6]])))).toThrow(
      /Dirichlet.logProb: value outside the support \(simplex\) at element 1/,
    );
    tf.tidy(() => {
      const lp = new Dirichlet([1, 2], { validateArgs: false }).logProb(tf.tensor2d([[-0.5, 1.5], [0.5, 0.5]]));
      expect(lp.dataSync()[0]).toBe(-Infinity);
      expect(lp.dataSync()[1]).toBeCloseTo(Math.log(2 * 0.5), 6);
    });
  });

  it("is reproducible under setSeed and does not leak tensors (gradient included)", () => {
    checkSeedingAndLeaks(
      () => new Dirichlet([0.5, 3, 1]),
      (t) => new Dirichlet(tf.stack([t, tf.onesLike(t)], -1)),
    );
  });
});
