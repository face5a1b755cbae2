import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { setSeed } from "../../src/backend/random.js";
import { Multinomial } from "../../src/distributions/multinomial.js";
import { sampleMultinomial } from "../../src/distributions/samplers/multinomial.js";
import { checkDiscreteFixtures, checkDiscreteSeedingAndLeaks, checkDiscreteShapeLaws, expectClose, expectCountMoments } from "./discrete-helpers.js";

describe("Multinomial", () => {
  it("matches scipy.stats.multinomial: logProb, mean, variance, entropy (probs, logits with a batch, a zero-probability category)", () => {
    checkDiscreteFixtures(
      "multinomial",
      (p) => (p.probs ? new Multinomial({ totalCount: p.totalCount!, probs: p.probs }) : new Multinomial({ totalCount: p.totalCount!, logits: p.logits! })),
      { rtol: 1e-5, atol: 1e-6 },
    );
  });

  it("draws counts summing to totalCount with the right mean and variance (sequential binomials)", () => {
    expectCountMoments(new Multinomial({ totalCount: 30, probs: tf.tensor([[0.1, 0.2, 0.7], [0.5, 0.49, 0.01]]) }), 3000, 1);
    expectCountMoments(new Multinomial({ totalCount: 5000, probs: tf.tensor([0.3, 0.3, 0.4]) }), 2000, 2);
    tf.tidy(() => {
      setSeed(3);
      const n = tf.tensor([0, 4, 1000]);
      const x = sampleMultinomial(n, tf.tensor([0.2, 0, 0.5, 0.3]), [50, 3, 4]);
      const sums = tf.sum(x, -1).arraySync() as number[][];
      expect(sums.every((r) => r[0] === 0 && r[1] === 4 && r[2] === 1000)).toBe(true);
      // A zero-probability category never receives a draw.
      expect(tf.sum(tf.slice(x, [0, 0, 1], [50, 3, 1])).dataSync()[0]).toBe(0);
    });
  });

  it("accepts a totalCount varying over the batch", () => {
    tf.tidy(() => {
      const d = new Multinomial({ totalCount: tf.tensor([2, 3]), probs: [0.5, 0.5] });
      expect(d.batchShape).toEqual([2]);
      expectClose(d.mean, [[1, 1], [1.5, 1.5]], "mean");
      expectClose(d.logProb(tf.tensor([[1, 1], [3, 0]])), [Math.log(0.5), Math.log(0.125)], "logProb");
      expect(() => d.entropy()).toThrow(/Multinomial.entropy: needs the same totalCount/);
    });
  });

  it("obeys the shape laws", () => {
    checkDiscreteShapeLaws((b) => new Multinomial({ totalCount: 6, logits: tf.randomNormal([...b, 3], 0, 1, "float32", 1) }), {
      eventShape: [3],
      hasEntropy: true,
    });
  });

  it("names the distribution and parameter on bad parameters and values", () => {
    expect(() => tf.tidy(() => void new Multinomial({ totalCount: 1.5, probs: [0.5, 0.5] }))).toThrow(
      /Multinomial: parameter 'totalCount' must be nonnegativeInteger/,
    );
    expect(() => tf.tidy(() => void new Multinomial({ totalCount: 3, probs: [0.5, -0.5, 1] }))).toThrow(/Multinomial: parameter 'probs'/);
    tf.tidy(() => {
      const d = new Multinomial({ totalCount: 4, probs: [0.5, 0.5] });
      expect(() => d.logProb(tf.tensor([2, 1]))).toThrow(/Multinomial.logProb: value outside the support \(multinomial\(totalCount\)\)/);
      expect(() => d.logProb(tf.tensor([5, -1]))).toThrow(/Multinomial.logProb/);
      expect(() => d.logProb(tf.tensor([2.5, 1.5]))).toThrow(/Multinomial.logProb/);
      expect(new Multinomial({ totalCount: 4, probs: [0.5, 0.5], validateArgs: false }).logProb(tf.tensor([2, 1])).shape).toEqual([]);
    });
  });

  it("has logProb gradients in the logits: x - n softmax(logits)", () => {
    tf.tidy(() => {
      const l = tf.tensor([0.3, -1, 2]);
      const x = tf.tensor([2, 1, 4]);
      const g = tf.grad((t) => new Multinomial({ totalCount: 7, logits: t }).logProb(x))(l);
      expectClose(g, tf.sub(x, tf.mul(7, tf.softmax(l))).arraySync() as number[], "gradient", { rtol: 1e-5, atol: 1e-6 });
    });
  });

  it("is reproducible under setSeed and does not leak tensors", () => {
    checkDiscreteSeedingAndLeaks(() => new Multinomial({ totalCount: 10, probs: [0.2, 0.3, 0.5] }), {
      hasEntropy: true,
      gradParam: { value: 0.4, build: (t) => new Multinomial({ totalCount: 10, logits: tf.stack([t, tf.scalar(0), tf.neg(t)]) }) },
    });
  });
});
