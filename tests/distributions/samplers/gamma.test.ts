import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { setSeed } from "../../../src/backend/random.js";
import { digamma64, gammaLogSampleGradient } from "../../../src/distributions/samplers/gamma-grad.js";
import {
  FLOAT32_TINY,
  logStandardGamma,
  sampleLogGamma,
  standardGamma,
} from "../../../src/distributions/samplers/gamma.js";
import { trigamma } from "../../../src/distributions/special.js";
import { expectNoLeak, gammaGradientFixtures, meanAndSe } from "../continuous-helpers.js";

/** Checks mean and variance of the columns of `x` (draws × k) against `mean`, `variance`. */
function expectColumnMoments(x: tf.Tensor, mean: number[], variance: number[], label: string, z = 4.5): void {
  tf.tidy(() => {
    const m = meanAndSe(x);
    const v = meanAndSe(tf.square(tf.sub(x, tf.mean(x, 0))));
    mean.forEach((mu, i) => {
      expect(Math.abs(m.mean[i]! - mu), `${label} mean[${i}] ${m.mean[i]} vs ${mu} (se ${m.se[i]})`).toBeLessThan(z * m.se[i]!);
      expect(
        Math.abs(v.mean[i]! - variance[i]!),
        `${label} variance[${i}] ${v.mean[i]} vs ${variance[i]} (se ${v.se[i]})`,
      ).toBeLessThan(z * v.se[i]!);
    });
  });
}

describe("gammaLogSampleGradient (float64 implicit gradient)", () => {
  it("matches mpmath's -(∂P/∂a)/(p x) across concentrations 1e-3 .. 5e7 and quantiles 1e-6 .. 1-1e-6", () => {
    const rows = gammaGradientFixtures();
    expect(rows.length).toBeGreaterThan(60);
    for (const { concentration, logValue, dLogValue } of rows) {
      const g = gammaLogSampleGradient(concentration, logValue);
      // The Wilson–Hilferty regime (a > 1e6) is an approximation, good to ~1e-6 relative there.
      const rtol = concentration > 1e6 ? 2e-6 : 1e-9;
      expect(Math.abs(g - dLogValue), `a=${concentration} log x=${logValue}: ${g} vs ${dLogValue}`).toBeLessThanOrEqual(
        rtol * Math.abs(dLogValue),
      );
    }
  });

  it("is 0 where the sample is undefined", () => {
    expect(gammaLogSampleGradient(0, 0)).toBe(0);
    expect(gammaLogSampleGradient(-1, 0)).toBe(0);
    expect(gammaLogSampleGradient(NaN, 0)).toBe(0);
    expect(gammaLogSampleGradient(1, NaN)).toBe(0);
    expect(gammaLogSampleGradient(1, -Infinity)).toBe(0);
  });

  it("uses an accurate float64 digamma", () => {
    // ψ(1) = -γ, ψ(1/2) = -γ - 2 log 2, ψ(1e-3) = ψ(1.001) - 1000.
    const euler = 0.5772156649015329;
    expect(Math.abs(digamma64(1) + euler)).toBeLessThan(1e-13);
    expect(Math.abs(digamma64(0.5) + euler + 2 * Math.LN2)).toBeLessThan(1e-13);
    expect(Math.abs(digamma64(1e-3) - (digamma64(1.001) - 1000))).toBeLessThan(1e-11);
  });
});

describe("standardGamma / logStandardGamma (vectorised sampler)", () => {
  it("has shape sampleShape + concentration.shape", () => {
    tf.tidy(() => {
      expect(standardGamma(tf.tensor1d([1, 2, 3]), [4, 2]).shape).toEqual([4, 2, 3]);
      expect(standardGamma(tf.scalar(0.5)).shape).toEqual([]);
      expect(logStandardGamma(tf.ones([2, 1]), [5]).shape).toEqual([5, 2, 1]);
      expect(standardGamma(tf.ones([2]), [0]).shape).toEqual([0, 2]);
    });
    expect(() => standardGamma(tf.ones([2]), [1.5])).toThrow(/sampleShape/);
  });

  it("draws Gamma(α, 1) with the right mean and variance for α from 0.1 to 1000", () => {
    setSeed(5);
    const alpha = [0.1, 0.5, 1, 3.5, 40, 1000];
    tf.tidy(() => expectColumnMoments(standardGamma(tf.tensor1d(alpha), [4000]), alpha, alpha, "Gamma(α)"));
  });

  it("draws log-Gamma with E[log x] = ψ(α) and Var[log x] = ψ₁(α), down to α = 1e-3", () => {
    setSeed(6);
    const alpha = [1e-3, 0.02, 0.3, 2, 150];
    tf.tidy(() => {
      const mean = alpha.map(digamma64);
      const variance = Array.from(trigamma(tf.tensor1d(alpha)).dataSync());
      expectColumnMoments(logStandardGamma(tf.tensor1d(alpha), [4000]), mean, variance, "log Gamma(α)");
    });
  });

  it("redraws the rejected elements without bias, whatever the first round's proposal count", () => {
    // 4000 × 3 elements with boosted concentrations in [1, 3.5): with ~5% rejected per proposal,
    // hundreds of elements go through the gather-and-redraw loop.
    for (const firstRound of [1, 3]) {
      setSeed(7);
      tf.tidy(() => {
        const alpha = tf.mul(tf.ones([4000, 3]), tf.tensor1d([0.6, 1, 2.5]));
        const x = tf.exp(sampleLogGamma(alpha, firstRound));
        expectColumnMoments(x, [0.6, 1, 2.5], [0.6, 1, 2.5], `Gamma(α), first round ${firstRound}`);
      });
    }
    expect(() => sampleLogGamma(tf.ones([2]), 0)).toThrow(/firstRound/);
  });

  it("is defined for tiny concentrations: α = 1e-3 gives no NaN and no zero; draws below float32 range sit at 1.18e-38", () => {
    setSeed(8);
    tf.tidy(() => {
      const n = 4000;
      const x = standardGamma(tf.tensor1d([1e-3]), [n]);
      const values = Array.from(x.dataSync());
      expect(values.every((v) => Number.isFinite(v) && v >= FLOAT32_TINY)).toBe(true);
      // P(X < tiny) = P(α, tiny) ≈ tiny^α / Γ(1 + α) = 0.9170 for α = 1e-3.
      const pFloor = Math.exp(1e-3 * Math.log(FLOAT32_TINY)) / Math.exp(-digamma64(1) * 1e-3);
      const atFloor = values.filter((v) => v === Math.fround(FLOAT32_TINY)).length / n;
      const se = Math.sqrt((pFloor * (1 - pFloor)) / n);
      expect(Math.abs(atFloor - pFloor), `fraction at floor ${atFloor} vs ${pFloor}`).toBeLessThan(4.5 * se);
      // The log-sample keeps the information: finite and far below log(tiny) = -87.3.
      const logX = Array.from(logStandardGamma(tf.tensor1d([1e-3]), [n]).dataSync());
      expect(logX.every((v) => Number.isFinite(v))).toBe(true);
      expect(Math.min(...logX)).toBeLessThan(-1000);
    });
  });

  it("gives NaN for non-positive or NaN concentrations instead of looping", () => {
    tf.tidy(() => {
      const x = Array.from(standardGamma(tf.tensor1d([0, -1, NaN, Infinity, 2]), [3]).dataSync());
      for (let i = 0; i < 3; i++) {
        expect(x.slice(5 * i, 5 * i + 4).every(Number.isNaN)).toBe(true);
        expect(x[5 * i + 4]! > 0).toBe(true);
      }
    });
  });

  it("attaches the implicit gradient: d log x/dα per draw equals gammaLogSampleGradient, summed over sample dims", () => {
    tf.tidy(() => {
      const alpha = tf.tensor1d([0.05, 1.5, 30]);
      setSeed(9);
      const logX = logStandardGamma(alpha, [4]);
      setSeed(9);
      const grad = tf.grad((a) => tf.sum(logStandardGamma(a, [4])))(alpha);
      const lx = logX.arraySync() as number[][];
      const a = [0.05, 1.5, 30];
      const expected = a.map((ai, j) => lx.reduce((s, row) => s + gammaLogSampleGradient(Math.fround(ai), row[j]!), 0));
      const got = Array.from(grad.dataSync());
      expected.forEach((e, j) => expect(Math.abs(got[j]! - e)).toBeLessThanOrEqual(1e-6 * Math.abs(e)));
    });
  });

  it("has Monte-Carlo gradients d E[log x]/dα = ψ₁(α) and d E[x]/dα = 1", () => {
    for (const a of [0.01, 0.4, 3, 200]) {
      tf.tidy(() => {
        setSeed(10);
        const n = 4000;
        const perDraw = tf.grad((t) => tf.sum(logStandardGamma(t)))(tf.fill([n], a));
        const { mean, se } = meanAndSe(perDraw.reshape([n, 1]));
        const expected = trigamma(tf.scalar(a)).dataSync()[0]!;
        expect(Math.abs(mean[0]! - expected), `α=${a}: ${mean[0]} vs ψ₁ ${expected} (se ${se[0]})`).toBeLessThan(4.5 * se[0]!);
        const perDrawX = tf.grad((t) => tf.sum(standardGamma(t)))(tf.fill([n], a));
        const mx = meanAndSe(perDrawX.reshape([n, 1]));
        expect(Math.abs(mx.mean[0]! - 1), `α=${a}: dE[x]/dα ${mx.mean[0]} (se ${mx.se[0]})`).toBeLessThan(4.5 * mx.se[0]!);
      });
    }
  });

  it("is reproducible under setSeed and does not leak tensors (draws and gradients)", () => {
    const draw = (seed: number) =>
      tf.tidy(() => {
        setSeed(seed);
        return Array.from(standardGamma(tf.tensor1d([0.2, 1, 7]), [50]).dataSync());
      });
    expect(draw(3)).toEqual(draw(3));
    expect(draw(3)).not.toEqual(draw(4));
    const work = () => {
      standardGamma(tf.tensor1d([0.2, 7]), [10]);
      tf.grad((a) => tf.sum(standardGamma(a, [10])))(tf.tensor1d([0.2, 7]));
    };
    tf.tidy(work);
    expectNoLeak(work);
  });
});
