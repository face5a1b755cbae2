import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { setSeed } from "../../src/backend/random.js";
import { Binomial } from "../../src/distributions/binomial.js";
import { binomialVariate } from "../../src/distributions/samplers/binomial.js";
import { seededUniform } from "../../src/distributions/samplers/js-random.js";
import {
  checkDiscreteFixtures,
  checkDiscreteSeedingAndLeaks,
  checkDiscreteShapeLaws,
  checkEnumerateSupport,
  expectClose,
  expectCountMoments,
} from "./discrete-helpers.js";

describe("Binomial", () => {
  it("matches scipy.stats.binom: logProb, mean, variance, entropy (probs and logits)", () => {
    checkDiscreteFixtures(
      "binomial",
      (p) => (p.probs ? new Binomial({ totalCount: p.totalCount!, probs: p.probs }) : new Binomial({ totalCount: p.totalCount!, logits: p.logits! })),
      { rtol: 1e-5, atol: 2e-7 },
    );
  });

  it("defaults totalCount to 1 (a Bernoulli)", () => {
    tf.tidy(() => {
      const d = new Binomial({ probs: 0.25 });
      expectClose(d.logProb(tf.tensor([0, 1])), [Math.log(0.75), Math.log(0.25)], "logProb");
    });
  });

  it("draws exact binomial counts by inversion (n p < 10) and BTRS (n p ≥ 10), both sides of p = ½", () => {
    expectCountMoments(new Binomial({ totalCount: tf.tensor([5, 40, 1000, 1e5, 60]), probs: tf.tensor([0.3, 0.1, 0.02, 0.5, 0.9]) }), 3000, 1);
    tf.tidy(() => {
      setSeed(2);
      const x = new Binomial({ totalCount: tf.tensor([0, 7, 7, 7]), probs: tf.tensor([0.5, 0, 1, 0.5]) }).sample([50]);
      const rows = x.arraySync() as number[][];
      expect(rows.every((r) => r[0] === 0 && r[1] === 0 && r[2] === 7 && r[3]! >= 0 && r[3]! <= 7)).toBe(true);
    });
  });

  it("matches the binomial pmf in distribution in the BTRS regime (chi-square)", () => {
    const n = 40;
    const p = 0.35; // n p = 14: BTRS
    const draws = 20000;
    setSeed(3);
    const uniform = seededUniform();
    const counts = new Array<number>(n + 1).fill(0);
    for (let i = 0; i < draws; i++) counts[binomialVariate(n, p, uniform)]! += 1;
    // Bins 5..23 individually, the tails pooled.
    const logChoose = (k: number) => { let s = 0; for (let j = 1; j <= k; j++) s += Math.log((n - k + j) / j); return s; };
    const pmf = Array.from({ length: n + 1 }, (_, k) => Math.exp(logChoose(k) + k * Math.log(p) + (n - k) * Math.log(1 - p)));
    const bins: [number, number][] = [[0, 4], ...Array.from({ length: 19 }, (_, i) => [i + 5, i + 5] as [number, number]), [24, n]];
    let chi2 = 0;
    for (const [lo, hi] of bins) {
      let o = 0;
      let e = 0;
      for (let k = lo; k <= hi; k++) { o += counts[k]!; e += draws * pmf[k]!; }
      chi2 += (o - e) ** 2 / e;
    }
    // 20 degrees of freedom: the 99.9% quantile is 45.3.
    expect(chi2).toBeLessThan(45.3);
  });

  it("returns NaN draws for invalid scalar arguments", () => {
    const u = seededUniform();
    expect(Number.isNaN(binomialVariate(2.5, 0.3, u))).toBe(true);
    expect(Number.isNaN(binomialVariate(3, 1.2, u))).toBe(true);
    expect(Number.isNaN(binomialVariate(-1, 0.3, u))).toBe(true);
  });

  it("obeys the shape laws", () => {
    checkDiscreteShapeLaws((b) => new Binomial({ totalCount: 6, probs: tf.randomUniform(b, 0.05, 0.95, "float32", 1) }), { hasEntropy: true });
    checkDiscreteShapeLaws((b) => new Binomial({ totalCount: tf.add(tf.floor(tf.randomUniform(b, 0, 30, "float32", 2)), 1), logits: 0.3 }));
  });

  it("enumerates 0..n for a common totalCount, and refuses an inhomogeneous one", () => {
    checkEnumerateSupport(new Binomial({ totalCount: 5, probs: tf.tensor([[0.1, 0.5], [0.8, 0.99]]) }), 6);
    checkEnumerateSupport(new Binomial({ totalCount: tf.tensor([3, 3]), logits: tf.tensor([-1, 2]) }), 4);
    tf.tidy(() => {
      const d = new Binomial({ totalCount: tf.tensor([3, 4]), probs: 0.5 });
      expect(() => d.enumerateSupport()).toThrow(/Binomial.enumerateSupport: needs the same totalCount/);
      expect(() => d.entropy()).toThrow(/Binomial.enumerateSupport: needs the same totalCount/);
    });
  });

  it("names the distribution and parameter on bad parameters and values", () => {
    const bad: [() => unknown, RegExp][] = [
      [() => new Binomial({ totalCount: 2.5, probs: 0.5 }), /Binomial: parameter 'totalCount' must be nonnegativeInteger/],
      [() => new Binomial({ totalCount: -1, probs: 0.5 }), /parameter 'totalCount'/],
      [() => new Binomial({ totalCount: 3, probs: [0.5, 1.1] }), /Binomial: parameter 'probs' must be unitInterval.*element 1/],
      [() => new Binomial({ totalCount: [2, 3], probs: [0.5, 0.1, 0.2] }), /Binomial\(totalCount, probs\).*do not broadcast/],
      [() => new Binomial({ totalCount: 3 } as never), /Binomial: give exactly one of 'probs' or 'logits'/],
    ];
    for (const [make, message] of bad) expect(() => tf.tidy(() => void make())).toThrow(message);
    tf.tidy(() => {
      const d = new Binomial({ totalCount: tf.tensor([3, 5]), probs: 0.4 });
      expect(() => d.logProb(tf.tensor([4, 4]))).toThrow(/Binomial.logProb: value outside the support \(integerInterval\(0, totalCount\)\) at element 0/);
      expect(() => d.logProb(tf.tensor([1, -1]))).toThrow(/Binomial.logProb/);
      expect(() => d.logProb(tf.tensor([1, 1.5]))).toThrow(/Binomial.logProb/);
      expect(d.logProb(tf.tensor([3, 5])).shape).toEqual([2]);
      new Binomial({ totalCount: 2.5, probs: 2, validateArgs: false });
    });
  });

  it("has logProb gradients in the logits: k - n σ(l)", () => {
    tf.tidy(() => {
      const l = tf.tensor([-1, 0.5]);
      const k = tf.tensor([2, 7]);
      const g = tf.grad((t) => tf.sum(new Binomial({ totalCount: 10, logits: t }).logProb(k)))(l);
      expectClose(g, tf.sub(k, tf.mul(10, tf.sigmoid(l))).arraySync() as number[], "gradient", { rtol: 1e-5, atol: 1e-5 });
    });
  });

  it("is reproducible under setSeed and does not leak tensors", () => {
    checkDiscreteSeedingAndLeaks(() => new Binomial({ totalCount: 20, probs: tf.tensor([0.2, 0.7]) }), {
      hasEntropy: true,
      gradParam: { value: 0.1, build: (t) => new Binomial({ totalCount: 20, logits: t }) },
    });
  });
});
