import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { Bernoulli } from "../../src/distributions/bernoulli.js";
import {
  checkDiscreteFixtures,
  checkDiscreteSeedingAndLeaks,
  checkDiscreteShapeLaws,
  checkEnumerateSupport,
  expectClose,
  expectCountMoments,
} from "./discrete-helpers.js";

describe("Bernoulli", () => {
  it("matches scipy / torch: logProb, mean, variance, entropy (probs and logits)", () => {
    checkDiscreteFixtures("bernoulli", (p) => (p.probs ? new Bernoulli({ probs: p.probs }) : new Bernoulli({ logits: p.logits! })));
  });

  it("converts between probs and logits", () => {
    tf.tidy(() => {
      expectClose(new Bernoulli({ logits: [0, Math.log(3)] }).probs, [0.5, 0.75], "probs");
      expectClose(new Bernoulli({ probs: [0.5, 0.75] }).logits, [0, Math.log(3)], "logits");
    });
  });

  it("draws with the right mean and variance", () => {
    expectCountMoments(new Bernoulli({ probs: [0.02, 0.5, 0.9] }), 4000, 1);
  });

  it("obeys the shape laws", () => {
    checkDiscreteShapeLaws((b) => new Bernoulli({ probs: tf.randomUniform(b, 0.05, 0.95, "float32", 1) }), { hasEntropy: true });
    checkDiscreteShapeLaws((b) => new Bernoulli({ logits: tf.randomNormal(b, 0, 2, "float32", 2) }), { hasEntropy: true });
  });

  it("enumerates {0, 1} with probabilities summing to one", () => {
    checkEnumerateSupport(new Bernoulli({ probs: tf.tensor([[0.1, 0.7, 0.4]]) }), 2);
    checkEnumerateSupport(new Bernoulli({ logits: 1.5 }), 2);
    tf.tidy(() => {
      expect(new Bernoulli({ probs: [0.2, 0.3] }).enumerateSupport().arraySync()).toEqual([
        [0, 0],
        [1, 1],
      ]);
    });
  });

  it("names the distribution and parameter on bad parameters and values, and skips checks when asked", () => {
    expect(() => tf.tidy(() => void new Bernoulli({ probs: [0.5, 1.5] }))).toThrow(/Bernoulli: parameter 'probs' must be unitInterval.*element 1/);
    expect(() => tf.tidy(() => void new Bernoulli({ probs: -0.1 }))).toThrow(/Bernoulli: parameter 'probs'/);
    expect(() => tf.tidy(() => void new Bernoulli({ logits: NaN }))).toThrow(/Bernoulli: parameter 'logits'/);
    expect(() => tf.tidy(() => void new Bernoulli({ probs: 0.5, logits: 0 } as never))).toThrow(/exactly one of 'probs' or 'logits'/);
    expect(() => tf.tidy(() => void new Bernoulli({} as never))).toThrow(/Bernoulli: give exactly one/);
    tf.tidy(() => {
      expect(() => new Bernoulli({ probs: 0.3 }).logProb(tf.tensor([1, 0.5]))).toThrow(/Bernoulli.logProb: value outside the support \(boolean\) at element 1/);
      expect(() => new Bernoulli({ probs: 0.3 }).logProb(tf.tensor([2]))).toThrow(/Bernoulli.logProb/);
      expect(() => new Bernoulli({ probs: [0.3, 0.2] }).logProb(tf.tensor([1, 0, 1]))).toThrow(/Bernoulli.logProb.*do not broadcast/);
      new Bernoulli({ probs: 1.5, validateArgs: false });
      expect(new Bernoulli({ probs: 0.3, validateArgs: false }).logProb(tf.tensor([2])).shape).toEqual([1]);
    });
  });

  it("has logProb gradients in the logits: d/dl [x l - softplus(l)] = x - σ(l)", () => {
    tf.tidy(() => {
      const l = tf.tensor([-1, 0.5, 2]);
      const x = tf.tensor([1, 0, 1]);
      const g = tf.grad((t) => tf.sum(new Bernoulli({ logits: t }).logProb(x)))(l);
      expectClose(g, tf.sub(x, tf.sigmoid(l)).arraySync() as number[], "gradient");
    });
  });

  it("is reproducible under setSeed and does not leak tensors", () => {
    checkDiscreteSeedingAndLeaks(() => new Bernoulli({ probs: [0.2, 0.6] }), {
      hasEntropy: true,
      gradParam: { value: 0.3, build: (t) => new Bernoulli({ logits: t }) },
    });
  });
});
