import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { setSeed } from "../../src/backend/random.js";
import { OneHotCategorical } from "../../src/distributions/one-hot-categorical.js";
import {
  checkDiscreteFixtures,
  checkDiscreteSeedingAndLeaks,
  checkDiscreteShapeLaws,
  checkEnumerateSupport,
  expectCountMoments,
} from "./discrete-helpers.js";

describe("OneHotCategorical", () => {
  it("matches torch.distributions.OneHotCategorical: logProb, mean, variance, entropy", () => {
    checkDiscreteFixtures("oneHotCategorical", (p) => (p.probs ? new OneHotCategorical({ probs: p.probs }) : new OneHotCategorical({ logits: p.logits! })));
  });

  it("draws one-hot vectors with the right mean and variance", () => {
    expectCountMoments(new OneHotCategorical({ probs: tf.tensor([[0.1, 0.6, 0.3], [0.5, 0.25, 0.25]]) }), 4000, 1);
    tf.tidy(() => {
      setSeed(2);
      const x = new OneHotCategorical({ logits: [0, 1, 2] }).sample([100]);
      expect(tf.sum(x, -1).arraySync()).toEqual(new Array(100).fill(1));
    });
  });

  it("obeys the shape laws", () => {
    checkDiscreteShapeLaws((b) => new OneHotCategorical({ logits: tf.randomNormal([...b, 3], 0, 1, "float32", 1) }), {
      eventShape: [3],
      hasEntropy: true,
    });
  });

  it("enumerates the K one-hot vectors with probabilities summing to one", () => {
    checkEnumerateSupport(new OneHotCategorical({ probs: tf.tensor([[0.2, 0.8], [0.5, 0.5], [1, 0]]) }), 2);
    checkEnumerateSupport(new OneHotCategorical({ logits: [1, 2, 3, 4] }), 4);
  });

  it("names the distribution and parameter on bad parameters and values", () => {
    expect(() => tf.tidy(() => void new OneHotCategorical({ probs: [1, -1] }))).toThrow(/OneHotCategorical: parameter 'probs' must be simplex/);
    tf.tidy(() => {
      const d = new OneHotCategorical({ probs: [0.2, 0.8] });
      expect(() => d.logProb(tf.tensor([[1, 1]]))).toThrow(/OneHotCategorical.logProb: value outside the support \(oneHot\)/);
      expect(() => d.logProb(tf.tensor([0.5, 0.5]))).toThrow(/OneHotCategorical.logProb/);
      expect(() => d.logProb(tf.tensor([1, 0, 0]))).toThrow(/OneHotCategorical.logProb.*do not broadcast/);
    });
  });

  it("is reproducible under setSeed and does not leak tensors", () => {
    checkDiscreteSeedingAndLeaks(() => new OneHotCategorical({ probs: [0.2, 0.3, 0.5] }), {
      hasEntropy: true,
      gradParam: { value: 0.4, build: (t) => new OneHotCategorical({ logits: tf.stack([t, tf.scalar(0)]) }) },
    });
  });
});
