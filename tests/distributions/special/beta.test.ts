import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lgamma, logBeta } from "../../../src/distributions/special.js";
import { compare, fixture, leakedTensors, type Tolerance } from "./fixture.js";

const VALUE_TOL: Tolerance = { rtol: 1e-5, atol: 1e-6, floor: 0.1 };
const GRAD_TOL: Tolerance = { rtol: 1e-5, atol: 1e-7, floor: 0.1 };

const { a, b } = fixture.logBeta as { a: number[]; b: number[] };
const pairs = a.map((v, i) => `${v}, ${b[i]}`);

function values(t: tf.Tensor): Float32Array {
  const v = t.dataSync() as Float32Array;
  t.dispose();
  return v;
}

describe.each(["wasm", "cpu"])("logBeta on the %s backend", (backend) => {
  let previous: string;
  beforeAll(async () => {
    previous = tf.getBackend();
    await tf.setBackend(backend);
  });
  afterAll(async () => {
    await tf.setBackend(previous);
  });

  it("matches scipy.special.betaln on a grid over [1e-3, 1e6]² and random pairs", () => {
    const got = values(logBeta(a, b));
    compare("logBeta", got, fixture.logBeta.logBeta!, pairs, VALUE_TOL);
  });

  it("gradients match ψ(a) - ψ(a + b) and ψ(b) - ψ(a + b) (mpmath)", () => {
    const [ga, gb] = tf.grads((u: tf.Tensor, v: tf.Tensor) => logBeta(u, v))([tf.tensor1d(a), tf.tensor1d(b)]);
    compare("d logBeta / da", values(ga!), fixture.logBeta.dA!, pairs, GRAD_TOL);
    compare("d logBeta / db", values(gb!), fixture.logBeta.dB!, pairs, GRAD_TOL);
  });
});

describe("logBeta", () => {
  it("is accurate where lgamma(a) + lgamma(b) - lgamma(a + b) loses every digit", () => {
    // log B(1e6, 1) = -log 1e6; float32 lgamma(1e6 + 1) ≈ 1.28e7 carries an error near 1.
    const stable = values(logBeta(1e6, 1))[0]!;
    expect(Math.abs(stable + Math.log(1e6)) / Math.log(1e6)).toBeLessThan(1e-6);
    const naive = values(tf.tidy(() => tf.sub(tf.add(lgamma(1e6), lgamma(1)), lgamma(1e6 + 1))))[0]!;
    expect(Math.abs(naive + Math.log(1e6))).toBeGreaterThan(1e-3);
  });

  it("is symmetric and broadcasts, with gradients of each input's shape", () => {
    fc.assert(
      fc.property(fc.double({ min: -3, max: 6, noNaN: true }), fc.double({ min: -3, max: 6, noNaN: true }), (ea, eb) => {
        const [x, y] = [10 ** ea, 10 ** eb];
        expect(values(logBeta(x, y))[0]).toBe(values(logBeta(y, x))[0]);
      }),
      { seed: 42, numRuns: 50 },
    );
    const ta = tf.tensor2d([[0.5], [2], [30]]);
    const tb = tf.tensor1d([1, 4, 1e3, 0.1]);
    const out = logBeta(ta, tb);
    expect(out.shape).toEqual([3, 4]);
    const [ga, gb] = tf.grads((u: tf.Tensor, v: tf.Tensor) => logBeta(u, v))([ta, tb]);
    expect(ga!.shape).toEqual([3, 1]);
    expect(gb!.shape).toEqual([4]);
    // each broadcast gradient is the sum of the elementwise ones
    const [gaFull] = tf.grads((u: tf.Tensor, v: tf.Tensor) => logBeta(u, v))([tf.tile(ta, [1, 4]), tf.tile(tb.reshape([1, 4]), [3, 1])]);
    const expected = gaFull!.sum(1).dataSync();
    ga!.dataSync().forEach((g, i) => expect(g).toBeCloseTo(expected[i]!, 5));
    tf.dispose([ta, tb, out, ga!, gb!, gaFull!]);
  });

  it("has second derivatives (ψ₁(a) - ψ₁(a + b)) without NaN", () => {
    const ta = tf.tensor1d([0.5, 3, 1e4]);
    const h = values(tf.grad(tf.grad((u: tf.Tensor) => logBeta(u, 2)))(ta));
    // ψ₁(a) - ψ₁(a + 2) = 1/a² + 1/(a + 1)² (the trigamma recurrence)
    [0.5, 3, 1e4].forEach((v, i) => expect(h[i]! / (1 / v ** 2 + 1 / (v + 1) ** 2)).toBeCloseTo(1, 4));
    ta.dispose();
  });

  it("is +Infinity at 0 and NaN for a negative argument", () => {
    expect(Array.from(values(logBeta([0, 2], [1, 0])))).toEqual([Infinity, Infinity]);
    expect(values(logBeta(-0.5, 2))[0]).toBeNaN();
  });

  it("leaves no tensors behind, also under gradients", () => {
    const ta = tf.tensor1d([0.5, 2, 1e5]);
    const tb = tf.tensor1d([3, 0.01, 1e5]);
    expect(leakedTensors(() => logBeta(ta, tb))).toBe(0);
    expect(leakedTensors(() => tf.grads((u: tf.Tensor, v: tf.Tensor) => logBeta(tf.mul(u, 1), v))([ta, tb]))).toBe(0);
    expect(leakedTensors(() => tf.grad(tf.grad((u: tf.Tensor) => logBeta(u, tb)))(ta))).toBe(0);
    tf.dispose([ta, tb]);
  });
});
