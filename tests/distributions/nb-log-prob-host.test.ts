import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { nbLogProb, zinbLogProb } from "../../src/distributions/nb-log-prob.js";
import { setHostCountKernels, type CountKernelMode } from "../../src/distributions/nb-log-prob-host.js";
import { gridPoints } from "./discrete-helpers.js";
import { kernelPool, setKernelPool } from "../../src/backend/kernel-pool.js";

afterEach(() => setHostCountKernels("auto"));

type Inputs = { x: number[]; mu: number[]; theta: number[]; pi: number[]; shape: [number, number]; thetaShape: readonly number[] };

/** Value and gradients (μ, θ, π) of sum(log p) under one evaluation mode. */
function evaluate(mode: CountKernelMode, input: Inputs, zi: boolean): number[][] {
  setHostCountKernels(mode);
  return tf.tidy(() => {
    const x = tf.tensor(input.x, input.shape);
    const args = [tf.tensor(input.mu, input.shape), tf.tensor(input.theta, [...input.thetaShape]), tf.tensor(input.pi, input.shape)];
    const f = (m: tf.Tensor, t: tf.Tensor, p?: tf.Tensor) => (p ? zinbLogProb(x, m, t, p) : nbLogProb(x, m, t));
    const value = Array.from(f(args[0]!, args[1]!, zi ? args[2] : undefined).dataSync());
    // A weighted sum, so that each element's gradient is checked (not just their total).
    const weights = tf.range(1, x.size + 1).reshape(input.shape);
    const grads = zi
      ? tf.grads((m: tf.Tensor, t: tf.Tensor, p: tf.Tensor) => tf.sum(tf.mul(f(m, t, p), weights)))(args)
      : tf.grads((m: tf.Tensor, t: tf.Tensor) => tf.sum(tf.mul(f(m, t), weights)))(args.slice(0, 2));
    return [value, ...grads.map((g) => Array.from(g.dataSync()))];
  }) as unknown as number[][];
}

function expectAgree(actual: number[][], expected: number[][], where: string): void {
  actual.forEach((arr, k) =>
    arr.forEach((v, i) => {
      const e = expected[k]![i]!;
      expect(Math.abs(v - e), `${where}: output ${k} element ${i}: ${v} vs ${e}`).toBeLessThanOrEqual(3e-5 * Math.max(1, Math.abs(e)));
    }),
  );
}

/** Counts mostly small (the WebAssembly kernel's domain), some large or fractional (its JavaScript fallback). */
const count = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 16 }) },
  { weight: 1, arbitrary: fc.integer({ min: 17, max: 3000 }) },
  { weight: 1, arbitrary: fc.double({ min: 0.1, max: 50, noNaN: true }) },
);
const logUniform = (lo: number, hi: number) => fc.double({ min: Math.log(lo), max: Math.log(hi), noNaN: true }).map(Math.exp);

const inputs = fc
  .record({ rows: fc.integer({ min: 1, max: 4 }), cols: fc.integer({ min: 1, max: 6 }), layout: fc.constantFrom("scalar", "lastAxis", "full") })
  .chain(({ rows, cols, layout }) => {
    const n = rows * cols;
    const thetaCount = layout === "scalar" ? 1 : layout === "lastAxis" ? cols : n;
    return fc.record({
      x: fc.array(count, { minLength: n, maxLength: n }),
      mu: fc.array(logUniform(1e-4, 1e4), { minLength: n, maxLength: n }),
      theta: fc.array(logUniform(1e-3, 1e5), { minLength: thetaCount, maxLength: thetaCount }),
      pi: fc.array(fc.double({ min: -30, max: 30, noNaN: true }), { minLength: n, maxLength: n }),
      shape: fc.constant([rows, cols] as [number, number]),
      thetaShape: fc.constant(layout === "scalar" ? [] : layout === "lastAxis" ? [cols] : [rows, cols]),
    });
  });

describe("the fused NB / ZINB pass (WebAssembly kernel and JavaScript loop)", () => {
  it("agrees with the tensor formulation in value and gradients, for every θ layout and counts in and out of the kernel's range", () => {
    fc.assert(
      fc.property(inputs, fc.boolean(), (input, zi) => {
        const reference = evaluate("tensor", input, zi);
        expectAgree(evaluate("auto", input, zi), reference, "wasm");
        expectAgree(evaluate("js", input, zi), reference, "js");
      }),
      { seed: 42, numRuns: 60 },
    );
  });

  it("meets the mpmath references of the extreme ZINB grid in both fused paths", () => {
    const points = gridPoints("zeroInflatedNegativeBinomialGrid");
    for (const mode of ["auto", "js"] as const) {
      const out = evaluate(mode, {
        x: points.map((p) => p.x),
        mu: points.map((p) => p.mu),
        theta: points.map((p) => p.theta),
        pi: points.map((p) => p.pi!),
        shape: [1, points.length],
        thetaShape: [1, points.length],
      }, true);
      points.forEach((p, i) => {
        const lp = out[0]![i]!;
        expect(Math.abs(lp - p.logProb), `${mode} x=${p.x} mu=${p.mu} theta=${p.theta} pi=${p.pi}: ${lp} vs ${p.logProb}`).toBeLessThanOrEqual(
          3e-6 * Math.max(1, Math.abs(p.logProb)),
        );
      });
    }
  });

  it("gives bit-identical values and gradients with the second thread (large inputs, odd and even θ periods, fallbacks)", () => {
    expect(kernelPool(), "the kernel pool starts on this Node.js").not.toBeNull();
    let state = 7;
    const rand = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0), state / 2 ** 32);
    for (const [rows, cols, thetaShape] of [
      [64, 2001, [2001]],
      [40, 1000, [1000]],
      [33, 1024, []],
    ] as const) {
      const n = rows * cols;
      // Mostly small counts, some beyond the kernel's range (64) or fractional (the JavaScript fallback).
      const x = Array.from({ length: n }, () => { const u = rand(); return u < 0.6 ? 0 : u < 0.97 ? Math.floor(rand() * 10) : u < 0.985 ? 100 + Math.floor(rand() * 500) : rand() * 5; });
      const input: Inputs = {
        x,
        mu: Array.from({ length: n }, () => Math.exp(6 * rand() - 3)),
        theta: Array.from({ length: thetaShape.length ? cols : 1 }, () => Math.exp(6 * rand() - 2)),
        pi: Array.from({ length: n }, () => 6 * rand() - 3),
        shape: [rows, cols],
        thetaShape,
      };
      for (const zi of [false, true]) {
        setKernelPool(true);
        const pooled = evaluate("auto", input, zi);
        setKernelPool(false);
        const single = evaluate("auto", input, zi);
        setKernelPool(true);
        pooled.forEach((arr, k) => expect(arr, `${rows}x${cols} zi=${zi} output ${k}`).toEqual(single[k]));
      }
    }
  });

  it("gives the limits at infinite logits and NaN for negative or NaN counts", () => {
    for (const mode of ["auto", "js"] as const) {
      setHostCountKernels(mode);
      const [inf, neg] = tf.tidy(() => {
        const mu = tf.tensor([2, 2, 2, 2]);
        const theta = tf.scalar(3);
        const nb = nbLogProb(tf.tensor([0, 4, 0, 4]), mu, theta).dataSync();
        const zinb = zinbLogProb(tf.tensor([0, 4, 0, 4]), mu, theta, tf.tensor([-Infinity, -Infinity, Infinity, Infinity])).dataSync();
        const bad = zinbLogProb(tf.tensor([-1, NaN]), tf.tensor([2, 2]), theta, tf.tensor([0, 0])).dataSync();
        return [[...nb, ...zinb], Array.from(bad)];
      });
      // π → −∞: the NB itself; π → +∞: all mass at zero.
      expect(inf[4]).toBeCloseTo(inf[0]!, 6);
      expect(inf[5]).toBeCloseTo(inf[1]!, 6);
      expect(inf[6]).toBeCloseTo(0, 6);
      expect(inf[7]).toBe(-Infinity);
      expect(neg.every(Number.isNaN), `${mode}: ${neg}`).toBe(true);
    }
  });

  it("does not leak tensors, with or without a gradient tape", () => {
    for (const mode of ["auto", "js"] as const) {
      setHostCountKernels(mode);
      const x = tf.tensor([[0, 3, 40]]);
      const mu = tf.tensor([[1, 2, 3]]);
      const theta = tf.tensor([2, 3, 4]);
      const pi = tf.tensor([[0, 1, -1]]);
      const before = tf.memory().numTensors;
      tf.dispose(tf.tidy(() => zinbLogProb(x, mu, theta, pi)));
      tf.dispose(tf.grads((m: tf.Tensor, t: tf.Tensor, p: tf.Tensor) => tf.sum(zinbLogProb(x, m, t, p)))([mu, theta, pi]));
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, mu, theta, pi]);
    }
  });
});
