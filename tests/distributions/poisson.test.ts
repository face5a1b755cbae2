import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { setSeed } from "../../src/backend/random.js";
import { Poisson } from "../../src/distributions/poisson.js";
import { poissonVariate, samplePoisson } from "../../src/distributions/samplers/poisson.js";
import { seededUniform } from "../../src/distributions/samplers/js-random.js";
import { lgamma } from "../../src/distributions/special.js";
import {
  checkDiscreteFixtures,
  checkDiscreteSeedingAndLeaks,
  checkDiscreteShapeLaws,
  decode,
  discreteCases,
  expectClose,
  expectCountMoments,
} from "./discrete-helpers.js";

describe("Poisson", () => {
  it("matches mpmath / scipy.stats.poisson for rates 0 to 1e6 and counts to 1e6 (float32-accurate)", () => {
    // Relative 2e-5 and no allowance for the size of the terms: the textbook
    // x log λ - λ - lgamma(x + 1) loses ~0.1 nats at x = 1e6 in float32. What remains is the
    // conditioning of the input itself (|x/λ - 1| × ulp(λ)).
    checkDiscreteFixtures("poisson", (p) => new Poisson(p.rate!), { rtol: 2e-5, atol: 1e-6 });
  });

  it("is more accurate than the textbook float32 formula at large counts", () => {
    tf.tidy(() => {
      const c = discreteCases("poisson")[0]!;
      const rates = decode(c.params.rate!) as number[];
      const values = decode(c.value) as number[][];
      const refs = decode(c.logProb) as number[][];
      const j = rates.indexOf(1e6);
      const x = tf.tensor([values[0]![j]!]); // 1000500
      const rate = tf.tensor([1e6]);
      const naive = tf.sub(tf.sub(tf.mul(x, tf.log(rate)), rate), lgamma(tf.add(x, 1))).dataSync()[0]!;
      const ours = new Poisson(rate).logProb(x).dataSync()[0]!;
      const ref = refs[0]![j]!;
      expect(Math.abs(ours - ref)).toBeLessThan(2e-5 * Math.abs(ref));
      expect(Math.abs(naive - ref)).toBeGreaterThan(100 * Math.abs(ours - ref));
    });
  });

  it("draws exact Poisson counts at rates 0.01, 3, 40 and 1e4 (moments within 4.5 standard errors)", () => {
    for (const [rate, seed] of [
      [0.01, 1],
      [3, 2],
      [40, 3],
      [1e4, 4],
    ] as const) {
      expectCountMoments(new Poisson(tf.fill([4], rate)), 3000, seed);
    }
  });

  it("draws from a tensor of mixed rates, 0 to 1e6, with the right moments and integer values", () => {
    const rates = [0, 1e-3, 0.7, 9.99, 10, 250, 3e4, 1e6];
    expectCountMoments(new Poisson(rates), 3000, 5);
    tf.tidy(() => {
      setSeed(6);
      const x = samplePoisson(tf.tensor(rates), [200, rates.length]);
      const values = x.arraySync() as number[][];
      expect(values.every((row) => row[0] === 0)).toBe(true);
      expect(values.flat().every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
    });
  });

  it("matches the Poisson pmf in distribution at the inversion/PTRS boundary (chi-square)", () => {
    // Rate 10 is the first PTRS rate; compare bin frequencies with the pmf.
    const n = 20000;
    const uniform = (setSeed(7), seededUniform());
    const counts = new Array<number>(31).fill(0);
    for (let i = 0; i < n; i++) counts[Math.min(30, poissonVariate(10, uniform))]! += 1;
    let pmf = Math.exp(-10);
    let chi2 = 0;
    let tail = 1;
    for (let k = 0; k < 30; k++) {
      chi2 += (counts[k]! - n * pmf) ** 2 / (n * pmf);
      tail -= pmf;
      pmf *= 10 / (k + 1);
    }
    chi2 += (counts[30]! - n * tail) ** 2 / (n * tail);
    // 30 degrees of freedom: the 99.9% quantile is 59.7.
    expect(chi2).toBeLessThan(59.7);
  });

  it("handles degenerate rates in the scalar sampler", () => {
    const u = seededUniform();
    expect(poissonVariate(0, u)).toBe(0);
    expect(Number.isNaN(poissonVariate(-1, u))).toBe(true);
    expect(Number.isNaN(poissonVariate(NaN, u))).toBe(true);
    expect(poissonVariate(Infinity, u)).toBe(Infinity);
  });

  it("gives log p(0) = -rate exactly, -Infinity for x > 0 at rate 0, and finite gradients", () => {
    tf.tidy(() => {
      const d = new Poisson([0, 1e-20, 2.5]);
      expectClose(d.logProb(tf.tensor([0, 0, 0])), [0, -1e-20, -2.5], "log p(0)", { rtol: 1e-7, atol: 0 });
      expect(d.logProb(tf.tensor([3, 1, 1])).dataSync()[0]).toBe(-Infinity);
      const rate = tf.tensor([0.3, 4, 1e4]);
      const x = tf.tensor([1, 0, 9900]);
      const g = tf.grad((r) => tf.sum(new Poisson(r).logProb(x)))(rate);
      // d/dλ log p = x/λ - 1
      expectClose(g, [1 / 0.3 - 1, -1, 9900 / 1e4 - 1], "d/drate", { rtol: 1e-4, atol: 1e-6 });
    });
  });

  it("obeys the shape laws", () => {
    checkDiscreteShapeLaws((b) => new Poisson(tf.randomUniform(b, 0, 20, "float32", 1)));
  });

  it("has the shape laws of sample(s) for any rate tensor (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e5, noNaN: true }), { minLength: 1, maxLength: 6 }), (rates) => {
        tf.tidy(() => {
          const x = samplePoisson(tf.tensor(rates), [3, rates.length]);
          expect(x.shape).toEqual([3, rates.length]);
          expect(Array.from(x.dataSync()).every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
        });
      }),
      { seed: 42, numRuns: 30 },
    );
  });

  it("names the distribution and parameter on bad parameters and values", () => {
    expect(() => tf.tidy(() => void new Poisson([1, -0.5]))).toThrow(/Poisson: parameter 'rate' must be nonnegative.*element 1/);
    expect(() => tf.tidy(() => void new Poisson(NaN))).toThrow(/Poisson: parameter 'rate'/);
    tf.tidy(() => {
      expect(() => new Poisson(2).logProb(tf.tensor([1, -1]))).toThrow(/Poisson.logProb: value outside the support \(nonnegativeInteger\) at element 1/);
      expect(() => new Poisson(2).logProb(tf.tensor([1.5]))).toThrow(/Poisson.logProb/);
      expect(new Poisson(2, { validateArgs: false }).logProb(tf.tensor([1.5])).shape).toEqual([1]);
      new Poisson(-1, { validateArgs: false });
    });
  });

  it("is reproducible under setSeed and does not leak tensors", () => {
    checkDiscreteSeedingAndLeaks(() => new Poisson([0.5, 30, 500]), { gradParam: { value: 3, build: (t) => new Poisson(t) } });
  });
});
