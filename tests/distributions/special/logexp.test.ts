import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { log1mexp, log1p, logSigmoid, softplus } from "../../../src/distributions/special.js";
import { compare, evaluate, fixture, leakedTensors, type Tolerance } from "./fixture.js";

// These are single roundings away from exact: float32 resolution with a little slack. The
// floor keeps values float32 cannot represent (below ~1e-38) out of the relative check.
const TOL: Tolerance = { rtol: 1e-6, atol: 1e-37, floor: 1e-30 };
const grad = (f: (t: tf.Tensor) => tf.Tensor) => (t: tf.Tensor) => tf.grad((u: tf.Tensor) => f(tf.mul(u, 1)))(t);

describe.each(["wasm", "cpu"])("log/exp compositions on the %s backend", (backend) => {
  let previous: string;
  beforeAll(async () => {
    previous = tf.getBackend();
    await tf.setBackend(backend);
  });
  afterAll(async () => {
    await tf.setBackend(previous);
  });

  it("log1p matches mpmath from 1e-30 to 1e6 and down to -1", () => {
    const { x, value } = fixture.log1p;
    compare("log1p", evaluate(log1p, x!), value!, x!, TOL);
    // d/dx log1p(x) = 1 / (1 + x), away from the pole at -1 where 1 + x is rounded
    const away = x!.filter((v) => v > -0.99);
    compare("log1p'", evaluate(grad(log1p), away), away.map((v) => 1 / (1 + v)), away, TOL);
  });

  it("log1mexp matches mpmath on both sides of -log 2, with its gradient", () => {
    const { x, value, grad: dx } = fixture.log1mexp;
    compare("log1mexp", evaluate(log1mexp, x!), value!, x!, TOL);
    compare("log1mexp'", evaluate(grad(log1mexp), x!), dx!, x!, TOL);
  });

  it("softplus and logSigmoid match mpmath, with gradients σ(x) and σ(-x)", () => {
    const { x, softplus: sp, sigmoid, logSigmoid: ls, dLogSigmoid } = fixture.softplus;
    compare("softplus", evaluate(softplus, x!), sp!, x!, TOL);
    compare("logSigmoid", evaluate(logSigmoid, x!), ls!, x!, TOL);
    // float32 sigmoid carries a few ulps: 3e-7
    compare("softplus'", evaluate(grad(softplus), x!), sigmoid!, x!, { ...TOL, rtol: 3e-7 * 2 });
    compare("logSigmoid'", evaluate(grad(logSigmoid), x!), dLogSigmoid!, x!, { ...TOL, rtol: 3e-7 * 2 });
  });
});

describe("log/exp compositions: edge cases", () => {
  it("log1p is accurate where tf.log1p is not (wasm computes log(1 + x) in float32)", () => {
    const x = [1e-10, 1e-8, 1e-6];
    const ours = evaluate(log1p, x);
    x.forEach((v, i) => expect(Math.abs(ours[i]! - v) / v).toBeLessThan(1e-6));
    expect(Array.from(evaluate(log1p, [-1, -2]))).toEqual([-Infinity, NaN]);
  });

  it("log1mexp: -Infinity at 0, 0 at -Infinity, NaN above 0; gradient finite away from 0", () => {
    const v = evaluate(log1mexp, [0, -Infinity, 0.5]);
    expect(v[0]).toBe(-Infinity);
    expect(v[1]).toBe(0);
    expect(v[2]).toBeNaN();
    const g = evaluate(grad(log1mexp), [-Infinity, -1e4, -100, -1e-20, 0]);
    expect(Array.from(g.slice(0, 3)).every((y) => Number.isFinite(y) && y <= 0)).toBe(true);
    expect(g[3]).toBeCloseTo(-1e20, -15);
    expect(g[4]).toBe(-Infinity);
  });

  it("softplus and logSigmoid have finite values and gradients at |x| = 1e4", () => {
    const x = [-1e4, 1e4];
    expect(Array.from(evaluate(softplus, x))).toEqual([0, 1e4]);
    expect(Array.from(evaluate(logSigmoid, x))).toEqual([-1e4, -0]);
    expect(Array.from(evaluate(grad(softplus), x))).toEqual([0, 1]);
    expect(Array.from(evaluate(grad(logSigmoid), x))).toEqual([1, 0]);
  });

  it("gradients flow through intermediates and twice (tf.logSigmoid's closure bug)", () => {
    const x = tf.tensor1d([-3, 0, 2]);
    // σ'(x) = σ(x) σ(-x): second derivative of softplus; -σ(x)σ(-x) for logSigmoid
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    const d2sp = evaluate((t) => tf.grad(tf.grad((u: tf.Tensor) => softplus(tf.mul(u, 2))))(t), [-3, 0, 2]);
    const d2ls = evaluate((t) => tf.grad(tf.grad((u: tf.Tensor) => logSigmoid(tf.mul(u, 2))))(t), [-3, 0, 2]);
    [-3, 0, 2].forEach((v, i) => {
      expect(d2sp[i]).toBeCloseTo(4 * sig(2 * v) * sig(-2 * v), 6);
      expect(d2ls[i]).toBeCloseTo(-4 * sig(2 * v) * sig(-2 * v), 6);
    });
    expect(leakedTensors(() => tf.grad(tf.grad((u: tf.Tensor) => logSigmoid(tf.mul(u, 2))))(x))).toBe(0);
    expect(leakedTensors(() => tf.grad(tf.grad((u: tf.Tensor) => log1mexp(tf.mul(u, 2))))(tf.neg(x.abs().add(1))))).toBe(0);
    expect(leakedTensors(() => tf.grad((u: tf.Tensor) => log1p(tf.mul(u, 2)))(x.abs()))).toBe(0);
    x.dispose();
  });

  it("accepts numbers and keeps shapes", () => {
    expect(softplus(0).dataSync()[0]).toBeCloseTo(Math.LN2, 6);
    expect(log1mexp([[-1, -2]]).shape).toEqual([1, 2]);
    expect(log1p(tf.tensor2d([[1e-9], [1]])).shape).toEqual([2, 1]);
  });
});
