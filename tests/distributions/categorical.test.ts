import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { setSeed } from "../../src/backend/random.js";
import { Categorical } from "../../src/distributions/categorical.js";
import { sampleCategorical } from "../../src/distributions/samplers/categorical.js";
import {
  checkDiscreteFixtures,
  checkDiscreteSeedingAndLeaks,
  checkDiscreteShapeLaws,
  checkEnumerateSupport,
  expectClose,
} from "./discrete-helpers.js";

function randomProbs(shape: number[], k: number, seed: number): tf.Tensor {
  return tf.add(tf.randomUniform([...shape, k], 0, 1, "float32", seed), 0.05);
}

describe("Categorical", () => {
  it("matches torch.distributions.Categorical: logProb and entropy (probs, unnormalised probs, logits)", () => {
    checkDiscreteFixtures("categorical", (p) => (p.probs ? new Categorical({ probs: p.probs }) : new Categorical({ logits: p.logits! })));
  });

  it("normalises its parameters and has NaN mean and variance as in torch", () => {
    tf.tidy(() => {
      const d = new Categorical({ probs: [2, 1, 1] });
      expectClose(d.probs, [0.5, 0.25, 0.25], "probs");
      expectClose(d.logits, [Math.log(0.5), Math.log(0.25), Math.log(0.25)], "logits");
      expectClose(new Categorical({ logits: [1, 1] }).probs, [0.5, 0.5], "softmax");
      expect(d.numCategories).toBe(3);
      expect(Number.isNaN(d.mean.dataSync()[0])).toBe(true);
      expect(Number.isNaN(d.variance.dataSync()[0])).toBe(true);
    });
  });

  it("samples each category with its probability, never a zero-probability one", () => {
    tf.tidy(() => {
      setSeed(1);
      const probs = tf.tensor([[0.1, 0.6, 0, 0.3], [0, 0, 1, 0]]);
      const n = 20000;
      const x = sampleCategorical(probs, [n]);
      expect(x.shape).toEqual([n, 2]);
      const freq = tf.mean(tf.oneHot(tf.cast(x, "int32"), 4), 0).arraySync() as number[][];
      [0.1, 0.6, 0, 0.3].forEach((p, k) => {
        const se = Math.sqrt((p * (1 - p)) / n);
        expect(Math.abs(freq[0]![k]! - p), `category ${k}`).toBeLessThanOrEqual(4.5 * se + 1e-9);
      });
      expect(freq[0]![2]).toBe(0);
      expect(freq[1]).toEqual([0, 0, 1, 0]);
    });
  });

  it("obeys the shape laws", () => {
    checkDiscreteShapeLaws((b) => new Categorical({ probs: randomProbs(b, 3, 1) }), { hasEntropy: true });
    checkDiscreteShapeLaws((b) => new Categorical({ logits: tf.randomNormal([...b, 4], 0, 1, "float32", 2) }), { hasEntropy: true });
  });

  it("enumerates 0..K-1 with probabilities summing to one", () => {
    checkEnumerateSupport(new Categorical({ probs: randomProbs([2, 3], 4, 3) }), 4);
    checkEnumerateSupport(new Categorical({ logits: [0, 1, 2, 3, 4] }), 5);
  });

  it("has logProb gradients in the logits: onehot(x) - softmax(logits)", () => {
    tf.tidy(() => {
      const l = tf.tensor([[0.5, -1, 2], [0, 0, 0]]);
      const x = tf.tensor([2, 0]);
      const g = tf.grad((t) => tf.sum(new Categorical({ logits: t }).logProb(x)))(l);
      const expected = tf.sub(tf.oneHot(tf.tensor1d([2, 0], "int32"), 3), tf.softmax(l));
      expectClose(g, expected.arraySync() as number[][], "gradient", { rtol: 1e-5, atol: 1e-6 });
    });
  });

  it("names the distribution and parameter on bad parameters and values", () => {
    const bad: [() => unknown, RegExp][] = [
      [() => new Categorical({ probs: [0.5, -0.1, 0.6] }), /Categorical: parameter 'probs' must be simplex/],
      [() => new Categorical({ probs: [0, 0] }), /Categorical: parameter 'probs'/],
      [() => new Categorical({ logits: [0, NaN] }), /Categorical: parameter 'logits'/],
      [() => new Categorical({ probs: 0.5 }), /Categorical: parameter 'probs' must have at least one dimension/],
      [() => new Categorical({} as never), /Categorical: give exactly one of 'probs' or 'logits'/],
    ];
    for (const [make, message] of bad) expect(() => tf.tidy(() => void make())).toThrow(message);
    tf.tidy(() => {
      const d = new Categorical({ probs: [0.2, 0.8] });
      expect(() => d.logProb(tf.tensor([0, 2]))).toThrow(/Categorical.logProb: value outside the support \(boolean\) at element 1/);
      expect(() => d.logProb(tf.tensor([0.5]))).toThrow(/Categorical.logProb/);
      expect(new Categorical({ probs: [0.2, 0.8], validateArgs: false }).logProb(tf.tensor([2])).shape).toEqual([1]);
      expect(() => new Categorical({ logits: [0, 1, 2] }).logProb(tf.tensor([3]))).toThrow(
        /Categorical.logProb: value outside the support \(integerInterval\(0, 2\)\) at element 0/,
      );
    });
  });

  it("is reproducible under setSeed and does not leak tensors", () => {
    checkDiscreteSeedingAndLeaks(() => new Categorical({ probs: tf.tensor([[0.2, 0.3, 0.5], [0.9, 0.05, 0.05]]) }), {
      hasEntropy: true,
      gradParam: { value: 0.4, build: (t) => new Categorical({ logits: tf.stack([t, tf.scalar(0), tf.neg(t)]) }) },
    });
  });
});
