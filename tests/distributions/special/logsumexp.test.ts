import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { logSumExp } from "../../../src/distributions/special.js";
import { fixture, leakedTensors } from "./fixture.js";

function values(t: tf.Tensor): number[] {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
}

const lseGrad = (axis?: number | number[]) => (t: tf.Tensor) => tf.grad((u: tf.Tensor) => logSumExp(u, axis))(t);

describe("logSumExp", () => {
  it("matches scipy.special.logsumexp and softmax on every fixture row", () => {
    for (const row of fixture.logSumExp) {
      const x = tf.tensor1d(row.x);
      const [value] = values(logSumExp(x));
      expect(Math.abs(value! - row.value), `logSumExp([${row.x}])`).toBeLessThanOrEqual(2e-7 * Math.max(1, Math.abs(row.value)));
      const grad = values(lseGrad()(x));
      grad.forEach((g, i) => expect(Math.abs(g - row.grad[i]!), `softmax([${row.x}])[${i}]`).toBeLessThan(1e-6));
      x.dispose();
    }
  });

  it("returns -Infinity, with a zero gradient, when every term is -Infinity", () => {
    const x = tf.tensor2d([
      [-Infinity, -Infinity, -Infinity],
      [-Infinity, 0, Math.log(2)],
    ]);
    const v = values(logSumExp(x, 1));
    expect(v[0]).toBe(-Infinity);
    expect(v[1]).toBeCloseTo(Math.log(3), 6);
    const g = values(lseGrad(1)(x));
    expect(g.every((y) => !Number.isNaN(y))).toBe(true);
    expect(g.slice(0, 3)).toEqual([0, 0, 0]);
    expect(g[3]).toBe(0);
    expect(g[4]).toBeCloseTo(1 / 3, 6);
    expect(g[5]).toBeCloseTo(2 / 3, 6);
    x.dispose();
  });

  it("reduces any axes, with keepDims, consistently with the row-wise fixture", () => {
    const rows = fixture.logSumExp.filter((r) => r.x.length === 3 && r.x.every(Number.isFinite));
    expect(rows.length).toBeGreaterThanOrEqual(3);
    const x = tf.tensor2d(rows.map((r) => r.x));
    const byRow = values(logSumExp(x, -1));
    rows.forEach((r, i) => expect(Math.abs(byRow[i]! - r.value)).toBeLessThanOrEqual(2e-7 * Math.max(1, Math.abs(r.value))));
    expect(logSumExp(x, 1, true).shape).toEqual([rows.length, 1]);
    expect(logSumExp(x, [0, 1]).shape).toEqual([]);
    // log Σ over all = logSumExp of the row values
    const all = values(logSumExp(x, [0, 1]))[0]!;
    const nested = values(logSumExp(tf.tensor1d(byRow)))[0]!;
    expect(Math.abs(all - nested)).toBeLessThan(1e-6 * Math.abs(all));
    const colGrad = values(lseGrad(0)(x));
    for (let j = 0; j < 3; j++) {
      const s = rows.reduce((acc, _, i) => acc + colGrad[i * 3 + j]!, 0);
      expect(s).toBeCloseTo(1, 6);
    }
    expect(() => logSumExp(x, 2)).toThrow(/axis 2 is out of range/);
    x.dispose();
  });

  it("shifts with its input and its gradient sums to one (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ min: -1e4, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: -1000, max: 1000 }),
        (xs, c) => {
          const x = tf.tensor1d(xs);
          const base = values(logSumExp(x))[0]!;
          const shifted = values(logSumExp(tf.add(x, c)))[0]!;
          const g = values(lseGrad()(x));
          x.dispose();
          expect(Number.isFinite(base)).toBe(true);
          expect(base).toBeGreaterThanOrEqual(Math.max(...xs));
          expect(Math.abs(shifted - (base + c))).toBeLessThanOrEqual(1e-6 * (Math.abs(base) + Math.abs(c) + 1) * 4);
          expect(Math.abs(g.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
        },
      ),
      { seed: 42, numRuns: 60 },
    );
  });

  it("has a Hessian diagonal p(1 - p) (grad of grad), p the scipy softmax", () => {
    const row = fixture.logSumExp.find((r) => r.x.length === 4)!;
    const h = values(tf.grad(tf.grad((u: tf.Tensor) => logSumExp(u)))(tf.tensor1d(row.x)));
    // grad of grad sums the softmax over j, whose derivative is 0; the diagonal needs a one-hot weight
    const diag = row.x.map((_, i) => {
      const w = tf.oneHot([i], row.x.length).reshape([row.x.length]).cast("float32");
      const d = values(tf.grad((u: tf.Tensor) => tf.sum(tf.mul(lseGrad()(u), w)))(tf.tensor1d(row.x)))[i]!;
      w.dispose();
      return d;
    });
    h.forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-6));
    diag.forEach((d, i) => expect(d).toBeCloseTo(row.grad[i]! * (1 - row.grad[i]!), 6));
  });

  it("leaves no tensors behind, also under gradients and all -Infinity rows", () => {
    const x = tf.tensor2d([
      [1, 2, 3],
      [-Infinity, -Infinity, -Infinity],
    ]);
    expect(leakedTensors(() => logSumExp(x, 1))).toBe(0);
    expect(leakedTensors(() => lseGrad(1)(x))).toBe(0);
    expect(leakedTensors(() => tf.grad((u: tf.Tensor) => tf.sum(lseGrad(1)(tf.mul(u, 1))))(x))).toBe(0);
    x.dispose();
  });
});
