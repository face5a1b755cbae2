import { describe, it, expect } from "vitest";
import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { Linear, dense, type DenseLayout } from "../../../src/scvi/nn/index.js";
import { setSeed } from "../../../src/backend/random.js";
import { heapMatMulCalls, setHeapMatMul } from "../../../src/backend/heap-matmul.js";
import { expectCloseTo, expectGradsClose, fixtureCase, lossAndGrads, stateOf, tensorOf } from "./fixture.js";

const LAYOUTS: DenseLayout[] = ["io", "oi"];

describe("Linear against torch.nn.Linear", () => {
  for (const name of ["linear_narrowing", "linear_widening", "linear_nobias"]) {
    for (const layout of LAYOUTS) {
      it(`${name}, weight stored ${layout}: forward and gradients (weight, bias, input)`, () => {
        const c = fixtureCase(name);
        const lin = new Linear(c.nIn as number, c.nOut as number, { bias: c.bias as boolean, layout });
        lin.loadStateDict(stateOf(c));
        const x = tf.variable(tensorOf(c.x));
        const y = lin.forward(x);
        expectCloseTo(y, (c.outputs as Record<string, unknown>).y, `${name} y`);
        y.dispose();
        const { loss, grads } = lossAndGrads(lin, () => [lin.forward(x)], c.lossWeights as unknown[], { x });
        expect(loss).toBeCloseTo(c.loss as number, 3);
        expectGradsClose(grads, c.grads, name);
        x.dispose();
        lin.dispose();
      });
    }
  }
});

describe("Linear initialisation", () => {
  it("draws weight and bias from U(-1/√nIn, 1/√nIn), like PyTorch", () => {
    setSeed(11);
    const lin = new Linear(400, 50);
    const bound = 1 / Math.sqrt(400);
    const w = Array.from(lin.weight.dataSync());
    const b = Array.from(lin.bias!.dataSync());
    for (const v of [...w, ...b]) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
    // the variance of U(-a, a) is a²/3
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    const variance = w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length;
    expect(Math.abs(mean)).toBeLessThan(0.05 * bound);
    expect(variance / (bound * bound / 3)).toBeGreaterThan(0.95);
    expect(variance / (bound * bound / 3)).toBeLessThan(1.05);
    lin.dispose();
  });

  it("is reproducible under setSeed and gives the same layer in both storage layouts", () => {
    setSeed(5);
    const a = new Linear(6, 4, { layout: "io" });
    setSeed(5);
    const b = new Linear(6, 4, { layout: "oi" });
    const c = new Linear(6, 4);
    const sa = a.stateDict();
    const sb = b.stateDict();
    expect(sa.weight!.shape).toEqual([4, 6]);
    expect(Array.from(sa.weight!.data)).toEqual(Array.from(sb.weight!.data));
    expect(Array.from(sa.bias!.data)).toEqual(Array.from(sb.bias!.data));
    expect(Array.from(c.stateDict().weight!.data)).not.toEqual(Array.from(sa.weight!.data));
    [a, b, c].forEach((m) => m.dispose());
  });

  it("chooses the layout from the shape: with heap products [nOut, nIn] when narrowing, [nIn, nOut] when widening", () => {
    const narrow = new Linear(20, 5);
    const wide = new Linear(5, 20);
    expect(narrow.layout).toBe("oi");
    expect(narrow.weight.shape).toEqual([5, 20]);
    expect(wide.layout).toBe("io");
    expect(wide.weight.shape).toEqual([5, 20]);
    narrow.dispose();
    wide.dispose();
  });

  it("chooses the other layouts with tfjs' matMul, whose packed right operand decides", () => {
    setHeapMatMul("off");
    const narrow = new Linear(20, 5);
    const wide = new Linear(5, 20);
    setHeapMatMul("auto");
    expect(narrow.layout).toBe("io");
    expect(narrow.weight.shape).toEqual([20, 5]);
    expect(wide.layout).toBe("oi");
    expect(wide.weight.shape).toEqual([20, 5]);
    narrow.dispose();
    wide.dispose();
  });

  it("rejects bad sizes and inputs, naming the shapes", () => {
    expect(() => new Linear(3, 0)).toThrow(/nOut=0/);
    const lin = new Linear(3, 2);
    expect(() => lin.forward(tf.zeros([4, 5]))).toThrow(/\[4, 5\].*3 features/);
    lin.dispose();
  });
});

describe("dense", () => {
  it("equals x·W + b and has tfjs autodiff's gradients, in both layouts and for 3-d inputs", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 7 }),
        fc.boolean(),
        fc.constantFrom<DenseLayout>("io", "oi"),
        fc.boolean(),
        fc.integer({ min: 0, max: 1000 }),
        (n, nIn, nOut, threeD, layout, withBias, seed) => {
          tf.tidy(() => {
            const xShape = threeD ? [2, n, nIn] : [n, nIn];
            const x = tf.randomNormal(xShape, 0, 1, "float32", seed);
            const w = tf.randomNormal([nIn, nOut], 0, 1, "float32", seed + 1);
            const b = withBias ? tf.randomNormal([nOut], 0, 1, "float32", seed + 2) : undefined;
            const r = tf.randomNormal([...xShape.slice(0, -1), nOut], 0, 1, "float32", seed + 3);
            const stored = layout === "io" ? w : tf.transpose(w);
            const ours = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
              tf.sum(tf.mul(dense(xx, ww, withBias ? bb : undefined, layout), r));
            const reference = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => {
              const lin = tf.matMul(tf.reshape(xx, [-1, nIn]), layout === "io" ? ww : tf.transpose(ww));
              const y = tf.reshape(withBias ? tf.add(lin, bb) : lin, r.shape);
              return tf.sum(tf.mul(y, r));
            };
            const bias = b ?? tf.zeros([nOut]);
            const y = dense(x, stored, b, layout);
            const yRef = tf.reshape(tf.add(tf.matMul(tf.reshape(x, [-1, nIn]), w), b ?? 0), r.shape);
            expect(y.shape).toEqual(r.shape);
            const args = withBias ? [x, stored, bias] : [x, stored];
            const [gx, gw, gb] = tf.grads((...a: tf.Tensor[]) => ours(a[0]!, a[1]!, a[2] ?? bias))(args);
            const [rx, rw, rb] = tf.grads((...a: tf.Tensor[]) => reference(a[0]!, a[1]!, a[2] ?? bias))(args);
            const close = (a: tf.Tensor, e: tf.Tensor) =>
              expect(tf.max(tf.abs(tf.sub(a, e))).dataSync()[0]).toBeLessThan(1e-4 * (1 + tf.max(tf.abs(e)).dataSync()[0]!));
            close(y, yRef);
            close(gx!, rx!);
            close(gw!, rw!);
            if (withBias) close(gb!, rb!);
          });
        },
      ),
      { seed: 42, numRuns: 40 },
    );
  });

  it.each(["auto", "off"] as const)("computes the input gradient only when something asks for it (heap products %s)", async (mode) => {
    setHeapMatMul(mode);
    const x = tf.randomNormal([16, 40]);
    const w = tf.variable(tf.randomNormal([40, 8]));
    const b = tf.variable(tf.zeros([8]));
    // Products in the gradient: tfjs' BatchMatMul kernels, or heap products (forward included).
    const count = async (f: () => void) => {
      const before = heapMatMulCalls();
      const kernels = (await tf.profile(f)).kernels.filter((k) => k.name === "BatchMatMul").length;
      return mode === "off" ? kernels : heapMatMulCalls() - before - 1;
    };
    const onlyWeights = await count(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(dense(x, w, b)) as tf.Scalar, [w, b]);
      value.dispose();
      Object.values(grads).forEach((g) => g.dispose());
    });
    const xv = tf.variable(x);
    const withInput = await count(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(dense(xv, w, b)) as tf.Scalar, [w, b, xv]);
      value.dispose();
      Object.values(grads).forEach((g) => g.dispose());
    });
    setHeapMatMul("auto");
    expect(onlyWeights).toBe(1);
    expect(withInput).toBe(2);
    [x, w, b, xv].forEach((t) => t.dispose());
  });

  it("rejects mismatched shapes", () => {
    tf.tidy(() => {
      expect(() => dense(tf.zeros([2, 3]), tf.zeros([4, 2]))).toThrow(/does not end in 4/);
      expect(() => dense(tf.zeros([2, 3]), tf.zeros([3, 2]), tf.zeros([3]))).toThrow(/bias of shape \[3\]/);
      expect(() => dense(tf.zeros([2, 3]), tf.zeros([3]))).toThrow(/2-d/);
    });
  });
});
