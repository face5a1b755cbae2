import { describe, it, expect } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { FCLayers, oneHotCovariates } from "../../../src/scvi/nn/index.js";
import { setSeed } from "../../../src/backend/random.js";
import { expectBuffersClose, expectCloseTo, expectGradsClose, fixtureCase, lossAndGrads, stateOf, tensorOf } from "./fixture.js";

type Mode = { outputs: { y: unknown }; lossWeights: unknown[]; loss: number; grads: unknown; runningAfter: unknown };

function build(name: string): { fcl: FCLayers; x: tf.Tensor; cat: tf.Tensor[]; c: ReturnType<typeof fixtureCase> } {
  const c = fixtureCase(name);
  const options = (c.options ?? {}) as { injectCovariates?: boolean; useBatchNorm?: boolean; useLayerNorm?: boolean };
  const fcl = new FCLayers(c.nIn as number, c.nOut as number, {
    nCat: c.nCat as number[],
    nLayers: c.nLayers as number,
    nHidden: c.nHidden as number,
    dropoutRate: 0,
    ...options,
  });
  fcl.loadStateDict(stateOf(c));
  return { fcl, x: tensorOf(c.x), cat: (c.cat as unknown[]).map(tensorOf), c };
}

describe("FCLayers against scvi-tools' FCLayers (torch)", () => {
  for (const name of ["fclayers_inject", "fclayers_first_only_layernorm"]) {
    for (const mode of ["train", "eval"] as const) {
      it(`${name}, ${mode} mode: two layers with covariates, output, gradients and running statistics`, () => {
        const { fcl, x, cat, c } = build(name);
        const m = c[mode] as Mode;
        fcl.train(mode === "train");
        const y = fcl.forward(x, ...cat);
        expectCloseTo(y, m.outputs.y, `${name} ${mode} y`);
        y.dispose();
        fcl.loadStateDict(stateOf(c)); // undo the running-statistics update of that forward pass
        const { loss, grads } = lossAndGrads(fcl, () => [fcl.forward(x, ...cat)], m.lossWeights);
        expect(loss).toBeCloseTo(m.loss, 3);
        expectGradsClose(grads, m.grads, `${name} ${mode}`);
        expectBuffersClose(fcl, m.runningAfter, `${name} ${mode}`);
        tf.dispose([x, ...cat]);
        fcl.dispose();
      });
    }
  }

  it("fclayers_3d: a [samples, cells, features] input, BatchNorm slice by slice", () => {
    const { fcl, x, cat, c } = build("fclayers_3d");
    const m = c.train as Mode;
    const { loss, grads } = lossAndGrads(fcl, () => [fcl.forward(x, ...cat)], m.lossWeights);
    expect(loss).toBeCloseTo(m.loss, 3);
    expectGradsClose(grads, m.grads, "fclayers_3d");
    expectBuffersClose(fcl, m.runningAfter, "fclayers_3d");
    fcl.loadStateDict(stateOf(c));
    const y = fcl.forward(x, ...cat);
    expectCloseTo(y, m.outputs.y, "fclayers_3d y");
    tf.dispose([x, y, ...cat]);
    fcl.dispose();
  });

  it("accepts covariates as float codes, int codes or one-hot rows alike", () => {
    setSeed(4);
    const fcl = new FCLayers(3, 2, { nCat: [3], dropoutRate: 0 }).eval();
    tf.tidy(() => {
      const x = tf.randomNormal([4, 3]);
      const codes = tf.tensor2d([[0], [2], [1], [2]]);
      const a = fcl.forward(x, codes).dataSync();
      const b = fcl.forward(x, tf.cast(codes, "int32")).dataSync();
      const c = fcl.forward(x, tf.tensor2d([[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1]])).dataSync();
      expect(Array.from(b)).toEqual(Array.from(a));
      expect(Array.from(c)).toEqual(Array.from(a));
    });
    fcl.dispose();
  });

  it("ignores covariates with a single category, and covariates beyond nCat, as scvi-tools does", () => {
    const fcl = new FCLayers(3, 2, { nCat: [1, 2] });
    expect(fcl.nCatList).toEqual([0, 2]);
    expect(fcl.stateDict()["fcLayers.layer0.linear.weight"]!.shape).toEqual([2, 5]);
    tf.tidy(() => {
      const y = fcl.forward(tf.ones([2, 3]), tf.zeros([2, 1]), tf.tensor2d([[0], [1]]), tf.zeros([2, 1]));
      expect(y.shape).toEqual([2, 2]);
    });
    fcl.dispose();
  });

  it("injects covariates into every layer, or only the first", () => {
    const every = new FCLayers(4, 2, { nCat: [3], nLayers: 3, nHidden: 5 });
    const first = new FCLayers(4, 2, { nCat: [3], nLayers: 3, nHidden: 5, injectCovariates: false });
    const widths = (m: FCLayers) => [0, 1, 2].map((i) => m.stateDict()[`fcLayers.layer${i}.linear.weight`]!.shape);
    expect(widths(every)).toEqual([[5, 7], [5, 8], [2, 8]]);
    expect(widths(first)).toEqual([[5, 7], [5, 5], [2, 5]]);
    every.dispose();
    first.dispose();
  });

  it("throws naming the problem when covariates are missing or misshapen", () => {
    const fcl = new FCLayers(3, 2, { nCat: [3, 2] });
    tf.tidy(() => {
      const x = tf.ones([2, 3]);
      expect(() => fcl.forward(x, tf.zeros([2, 1]))).toThrow(/expected 2 categorical covariate\(s\).*got 1/);
      expect(() => fcl.forward(x, tf.zeros([3, 1]), tf.zeros([2, 1]))).toThrow(/covariate 0 has shape \[3, 1\]/);
      expect(() => fcl.forward(x, tf.zeros([2, 2]), tf.zeros([2, 1]))).toThrow(/covariate 0 has shape \[2, 2\]/);
      expect(() => fcl.forward(tf.ones([2, 4]), tf.zeros([2, 1]), tf.zeros([2, 1]))).toThrow(/expected input \[n, 3\]/);
    });
    fcl.dispose();
  });

  it("one-hot encodes with tf.oneHot (so the covariates need no gather gradient)", () => {
    tf.tidy(() => {
      const [oh] = oneHotCovariates([4], [tf.tensor2d([[3], [0]])], 2, "test");
      expect(oh!.dtype).toBe("float32");
      expect(Array.from(oh!.dataSync())).toEqual([0, 0, 0, 1, 1, 0, 0, 0]);
    });
  });
});
