import { describe, it, expect, onTestFinished } from "vitest";
import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { BatchNorm1d, batchNormTrain, FCLayers } from "../../../src/scvi/nn/index.js";
import { nextSeed, setSeed } from "../../../src/backend/random.js";
import { setHeapOps } from "../../../src/backend/heap-ops.js";
import {
  expectBuffersClose,
  expectCloseTo,
  expectGradsClose,
  fixtureCase,
  lossAndGrads,
  stateOf,
  tensorOf,
} from "./fixture.js";

type Mode = { outputs: { y: unknown }; lossWeights: unknown[]; loss: number; grads: unknown; runningAfter: unknown };

describe("BatchNorm1d against torch.nn.BatchNorm1d(momentum=0.01, eps=1e-3)", () => {
  const c = fixtureCase("batchnorm");
  for (const mode of ["train", "eval"] as const) {
    it(`${mode} mode: output, gradients (γ, β, input) and running statistics after the step`, () => {
      const m = c[mode] as Mode;
      const bn = new BatchNorm1d(c.n as number);
      bn.loadStateDict(stateOf(c));
      bn.train(mode === "train");
      const x = tf.variable(tensorOf(c.x));
      const { loss, grads } = lossAndGrads(bn, () => [bn.forward(x)], m.lossWeights, { x });
      expect(loss).toBeCloseTo(m.loss, 3);
      expectGradsClose(grads, m.grads, `batchnorm ${mode}`);
      // one forward pass happened: the running statistics moved once in training mode only
      expectBuffersClose(bn, m.runningAfter, `batchnorm ${mode}`);
      // a second evaluation of the output matches torch's (the output does not depend on the buffers in training)
      if (mode === "eval") {
        const y = bn.forward(x);
        expectCloseTo(y, m.outputs.y, "eval y");
        y.dispose();
      } else {
        const y = bn.forward(x);
        expectCloseTo(y, m.outputs.y, "train y");
        y.dispose();
      }
      x.dispose();
      bn.dispose();
    });
  }

  it("has parameters weight and bias and buffers runningMean and runningVar, with PyTorch's initial values", () => {
    const bn = new BatchNorm1d(3);
    expect(bn.namedParameters().map(([n]) => n)).toEqual(["weight", "bias"]);
    expect(bn.namedBuffers().map(([n]) => n)).toEqual(["runningMean", "runningVar"]);
    expect(bn.namedBuffers().every(([, v]) => !v.trainable)).toBe(true);
    expect(Array.from(bn.weight.dataSync())).toEqual([1, 1, 1]);
    expect(Array.from(bn.runningVar.dataSync())).toEqual([1, 1, 1]);
    expect(bn.momentum).toBe(0.01);
    expect(bn.eps).toBe(1e-3);
    bn.dispose();
  });

  it("refuses a batch of one in training mode (as PyTorch) but not in evaluation mode", () => {
    const bn = new BatchNorm1d(2);
    const x = tf.ones([1, 2]);
    expect(() => bn.forward(x)).toThrow(/more than 1 value/);
    bn.eval();
    const y = bn.forward(x);
    expect(y.shape).toEqual([1, 2]);
    [x, y].forEach((t) => t.dispose());
    bn.dispose();
  });

  it("rejects inputs of the wrong width", () => {
    const bn = new BatchNorm1d(4);
    tf.tidy(() => {
      expect(() => bn.forward(tf.zeros([3, 5]))).toThrow(/expected input \[n, 4\]/);
    });
    bn.dispose();
  });

  it.each([true, false])("updates running statistics outside the gradient tape without leaking tensors (heap loops %s)", (heap) => {
    setHeapOps(heap);
    onTestFinished(() => setHeapOps(true));
    const bn = new BatchNorm1d(8, { momentum: 0.1 });
    const x = tf.randomNormal([16, 8], 2, 3, "float32", 7);
    const step = () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(bn.forward(x))) as tf.Scalar, bn.parameters());
        value.dataSync();
        expect(Object.keys(grads)).toHaveLength(2);
      });
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    // after six steps of momentum 0.1 toward the batch mean μ: running = μ (1 − 0.9⁶)
    const batchMean = tf.tidy(() => tf.mean(x, 0).dataSync());
    const running = bn.runningMean.dataSync();
    for (let j = 0; j < 8; j++) expect(running[j]).toBeCloseTo(batchMean[j]! * (1 - 0.9 ** 6), 5);
    // and the variance toward the unbiased batch variance ν from 1: ν + (1 − ν) 0.9⁶
    const batchVar = tf.tidy(() => tf.mul(tf.moments(x, 0).variance, 16 / 15).dataSync());
    const runningVar = bn.runningVar.dataSync();
    for (let j = 0; j < 8; j++) expect(runningVar[j]).toBeCloseTo(batchVar[j]! + (1 - batchVar[j]!) * 0.9 ** 6, 4);
    x.dispose();
    bn.dispose();
  });
});

describe("batchNormTrain", () => {
  it("has the gradient of the elementary formula (autodiff through the moments)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 9 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 10_000 }), (n, c, seed) => {
        tf.tidy(() => {
          const x = tf.randomNormal([n, c], 1, 2, "float32", seed);
          const g = tf.randomNormal([c], 1, 0.5, "float32", seed + 1);
          const b = tf.randomNormal([c], 0, 1, "float32", seed + 2);
          const r = tf.randomNormal([n, c], 0, 1, "float32", seed + 3);
          const eps = 1e-3;
          const reference = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => {
            const { mean, variance } = tf.moments(xx, 0);
            return tf.add(tf.mul(tf.div(tf.sub(xx, mean), tf.sqrt(tf.add(variance, eps))), gg), bb);
          };
          const ours = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => batchNormTrain(xx, gg, bb, { eps });
          const close = (a: tf.Tensor, e: tf.Tensor) =>
            expect(tf.max(tf.abs(tf.sub(a, e))).dataSync()[0]).toBeLessThan(2e-4 * (1 + tf.max(tf.abs(e)).dataSync()[0]!));
          close(ours(x, g, b), reference(x, g, b));
          const lossOf = (f: typeof ours) => (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(f(xx, gg, bb), r));
          const mine = tf.grads(lossOf(ours))([x, g, b]);
          const theirs = tf.grads(lossOf(reference))([x, g, b]);
          mine.forEach((m, i) => close(m, theirs[i]!));
        });
      }),
      { seed: 42, numRuns: 30 },
    );
  });
});

describe("batchNormTrain with ReLU and dropout fused", () => {
  it.each([true, false])("equals batch norm → tf.relu → tf.dropout with the same seed, in value and gradient (heap loops %s)", (heap) => {
    setHeapOps(heap);
    onTestFinished(() => setHeapOps(true));
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 8 }),
        fc.integer({ min: 1, max: 6 }),
        fc.boolean(),
        fc.constantFrom(0, 0.3, 0.5),
        fc.integer({ min: 0, max: 10_000 }),
        (n, c, relu, p, seed) => {
          tf.tidy(() => {
            const x = tf.randomNormal([n, c], 0.5, 2, "float32", seed);
            const g = tf.randomNormal([c], 1, 0.5, "float32", seed + 1);
            const b = tf.randomNormal([c], 0, 1, "float32", seed + 2);
            const r = tf.randomNormal([n, c], 0, 1, "float32", seed + 3);
            const eps = 1e-3;
            const fused = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => {
              setSeed(seed);
              return batchNormTrain(xx, gg, bb, { eps, relu, dropoutRate: p });
            };
            const composed = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => {
              setSeed(seed);
              const { mean, variance } = tf.moments(xx, 0);
              let y = tf.add(tf.mul(tf.div(tf.sub(xx, mean), tf.sqrt(tf.add(variance, eps))), gg), bb);
              if (relu) y = tf.relu(y);
              return p > 0 ? tf.dropout(y, p, undefined, nextSeed()) : y;
            };
            const close = (a: tf.Tensor, e: tf.Tensor) =>
              expect(tf.max(tf.abs(tf.sub(a, e))).dataSync()[0]).toBeLessThan(2e-4 * (1 + tf.max(tf.abs(e)).dataSync()[0]!));
            close(fused(x, g, b), composed(x, g, b));
            const lossOf = (f: typeof fused) => (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(f(xx, gg, bb), r));
            const mine = tf.grads(lossOf(fused))([x, g, b]);
            const theirs = tf.grads(lossOf(composed))([x, g, b]);
            mine.forEach((m, i) => close(m, theirs[i]!));
          });
        },
      ),
      { seed: 42, numRuns: 30 },
    );
  });

  it("an FCLayers layer in training mode equals its parts applied one by one (Linear, BatchNorm1d, ReLU, Dropout)", () => {
    setSeed(17);
    const fcl = new FCLayers(6, 5, { dropoutRate: 0.4 });
    const layer = fcl.fcLayers.values()[0]!;
    const x = tf.randomNormal([9, 6], 0, 1, "float32", 5);
    const state = fcl.stateDict();
    setSeed(99);
    const fused = fcl.forward(x);
    fcl.loadStateDict(state);
    setSeed(99);
    const parts = tf.tidy(() => layer.dropout!.forward(tf.relu(layer.batchNorm!.forward(layer.linear.forward(x)))));
    const rounded = (t: tf.Tensor) => Array.from(t.dataSync()).map((v) => Math.round(v * 1e4) + 0);
    expect(rounded(fused)).toEqual(rounded(parts));
    expect(Array.from(fused.dataSync()).some((v) => v === 0)).toBe(true);
    tf.dispose([x, fused, parts]);
    fcl.dispose();
  });

  it("rejects a dropout probability of 1 or more", () => {
    tf.tidy(() => {
      expect(() => batchNormTrain(tf.ones([2, 2]), tf.ones([2]), tf.zeros([2]), { eps: 1e-3, dropoutRate: 1 })).toThrow(/dropoutRate=1/);
    });
  });
});
