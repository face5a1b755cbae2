import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  batchMatMul,
  cholesky,
  choleskyInverse,
  matrixTranspose,
  matVec,
  triangularInverse,
  triangularSolve,
} from "../../src/distributions/linalg.js";
import { expectClose, expectNoLeak, fixture, t } from "./structural-helpers.js";

describe("linalg against NumPy / SciPy", () => {
  fixture.linalg.forEach((c, i) => {
    it(`case ${i}: cholesky and triangular solves`, () => {
      tf.tidy(() => {
        const l = cholesky(t(c.a));
        expectClose(l, c.cholesky, 1e-4, 1e-5);
        expectClose(triangularSolve(t(c.cholesky), t(c.b)), c.lowerSolve, 1e-4, 1e-5);
        expectClose(triangularSolve(matrixTranspose(t(c.cholesky)), t(c.b), true), c.upperSolve, 1e-4, 1e-5);
      });
    });
  });

  it("broadcasts batch dimensions of matrix and right-hand side", () => {
    tf.tidy(() => {
      const c = fixture.linalg[1]!; // a single 4 × 4 system
      const l = t(c.cholesky);
      const b = t(c.b);
      const many = tf.stack([b, tf.mul(b, 2), tf.mul(b, -1)]); // [3, 4, 2]
      const x = triangularSolve(l, many);
      expect(x.shape).toEqual([3, 4, 2]);
      expectClose(x.slice([1, 0, 0], [1, 4, 2]).reshape([4, 2]), tf.mul(t(c.lowerSolve), 2));
      // batched matrices with one shared right-hand side
      const ls = tf.stack([l, l]);
      expectClose(triangularSolve(ls, b).slice([1, 0, 0], [1, 4, 2]).reshape([4, 2]), c.lowerSolve);
    });
  });

  it("batchMatMul and matVec broadcast and match plain matMul", () => {
    tf.tidy(() => {
      const a = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
      const b = tf.tensor2d([1, 0, 2, 1], [2, 2]);
      const ab = batchMatMul(a, b);
      expect(ab.shape).toEqual([2, 2, 2]);
      expectClose(ab.slice([1, 0, 0], [1, 2, 2]).reshape([2, 2]), tf.matMul(tf.tensor2d([5, 6, 7, 8], [2, 2]), b));
      const v = tf.tensor2d([1, 1, 2, -1], [2, 2]);
      expectClose(matVec(b, v), tf.tensor2d([1, 3, 2, 3], [2, 2]));
      expectClose(matVec(a, v.slice([0, 0], [1, 2]).reshape([2])), tf.tensor2d([3, 7, 11, 15], [2, 2]));
    });
  });
});

describe("linalg properties", () => {
  const spdArb = fc
    .integer({ min: 1, max: 5 })
    .chain((n) => fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: n * n, maxLength: n * n }).map((v) => ({ n, v })));

  it("cholesky reproduces A = L Lᵀ and the inverse satisfies A A⁻¹ = I", () => {
    fc.assert(
      fc.property(spdArb, ({ n, v }) => {
        tf.tidy(() => {
          const m = tf.tensor2d(v, [n, n]);
          const a = tf.add(tf.matMul(m, m.transpose()), tf.mul(tf.eye(n), 0.5));
          const l = cholesky(a);
          expectClose(tf.matMul(l, l.transpose()), a, 1e-3, 1e-3);
          // strictly upper part is exactly zero
          const upper = tf.sub(l, tf.linalg.bandPart(l, -1, 0));
          expect(tf.max(tf.abs(upper)).dataSync()[0]).toBe(0);
          expectClose(tf.matMul(a, choleskyInverse(l)), tf.eye(n), 1e-3, 5e-3);
          expectClose(tf.matMul(l, triangularInverse(l)), tf.eye(n), 1e-3, 1e-3);
        });
      }),
      { seed: 42, numRuns: 30 },
    );
  });

  it("gradients through cholesky match finite differences of log det", () => {
    // d/dA log det A = A⁻¹ (symmetric); log det A = 2 Σ log diag L. Our cholesky reads the lower
    // triangle only, so the gradient is A⁻¹ on the diagonal, 2 A⁻¹ below it, 0 above.
    tf.tidy(() => {
      const a = t(fixture.linalg[1]!.a);
      const g = tf.grad((x: tf.Tensor) => tf.mul(2, tf.sum(tf.log(tf.sum(tf.mul(cholesky(x), tf.eye(4)), -1)))))(a);
      const inv = choleskyInverse(cholesky(a));
      const expected = tf.sub(tf.mul(2, tf.linalg.bandPart(inv, -1, 0)), tf.mul(inv, tf.eye(4)));
      expectClose(g, expected, 1e-3, 1e-4);
    });
  });

  it("does not leak tensors", () => {
    const c = fixture.linalg[2]!;
    expectNoLeak(() => {
      const l = cholesky(t(c.a));
      triangularSolve(l, t(c.b));
      triangularSolve(l, t(c.b), true);
      choleskyInverse(l);
      tf.grad((x: tf.Tensor) => tf.sum(triangularSolve(cholesky(x), t(c.b))))(t(c.a));
    });
  });

  it("rejects non-square matrices and mismatched right-hand sides, naming the shapes", () => {
    expect(() => cholesky(tf.zeros([2, 3]))).toThrow(/\[2, 3\]/);
    expect(() => triangularSolve(tf.eye(3), tf.zeros([2, 1]))).toThrow(/\[\.\.\., 3, m\]/);
  });
});
