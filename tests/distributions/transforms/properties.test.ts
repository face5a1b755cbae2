/**
 * Properties every transform (and every bijectTo result) must have: round trip, log-det
 * equal to autodiff's log|det J|, values inside the codomain, the documented ladj shape, and
 * finite values and gradients at extreme inputs.
 */
import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectClose, expectNoLeak, jacobian, logAbsDet } from "../structural-helpers.js";
import type { Transform } from "../../../src/distributions/transforms/index.js";
import { bijectCases, transformCases, type TransformCase } from "./cases.js";

function inputOf(c: TransformCase, v: number[], batch: number[] = []): tf.Tensor {
  return tf.tensor(v, [...batch, ...(c.inputShape ?? [c.size])]);
}

function vectorArb(c: TransformCase, range: number, count = 1): fc.Arbitrary<number[]> {
  const n = c.size * count;
  return fc.array(fc.double({ min: -range, max: range, noNaN: true }), { minLength: n, maxLength: n });
}

/** Σ ladj(z, forward(z)), plus 0·Σz so that tf.grad accepts constant log-dets (affine). */
function ladjSum(t: Transform, z: tf.Tensor): tf.Tensor {
  return tf.add(tf.sum(t.logAbsDetJacobian(z, t.forward(z))), tf.mul(0, tf.sum(z)));
}

function allTrue(x: tf.Tensor): boolean {
  return Array.from(x.dataSync()).every((b) => b === 1);
}

for (const c of [...transformCases, ...bijectCases]) {
  describe(c.name, () => {
    it("inverse(forward(x)) ≈ x", () => {
      const t = c.make();
      fc.assert(
        fc.property(vectorArb(c, c.range), (v) => {
          tf.tidy(() => {
            const x = inputOf(c, v);
            expectClose(t.inverse(t.forward(x)), x, 2e-3, 2e-3);
          });
        }),
        { seed: 42, numRuns: 25 },
      );
    });

    it("logAbsDetJacobian equals log|det J| of the autodiff Jacobian", () => {
      const t = c.make();
      fc.assert(
        fc.property(vectorArb(c, c.range), (v) => {
          const shape = c.inputShape ?? [c.size];
          const jac = jacobian((x) => t.forward(x.reshape(shape)), v, c.outIndex);
          const expected = logAbsDet(jac);
          const got = tf.tidy(() => {
            const x = inputOf(c, v);
            return tf.sum(t.logAbsDetJacobian(x, t.forward(x))).dataSync()[0]!;
          });
          const tol = 3e-3 + 2e-3 * Math.abs(expected);
          if (!(Math.abs(got - expected) <= tol)) throw new Error(`ladj ${got} vs autodiff ${expected}`);
        }),
        { seed: 42, numRuns: 15 },
      );
    });

    it("forward(x) satisfies the codomain and logAbsDetJacobian has the batch shape", () => {
      const t = c.make();
      fc.assert(
        fc.property(vectorArb(c, c.range, 2), (v) => {
          tf.tidy(() => {
            const x = inputOf(c, v, [2]);
            const y = t.forward(x);
            expect(y.shape).toEqual(t.forwardShape(x.shape));
            expect(t.inverseShape(y.shape)).toEqual(x.shape);
            expect(allTrue(t.codomain.check(y))).toBe(true);
            expect(allTrue(t.domain.check(x))).toBe(true);
            const ladj = t.logAbsDetJacobian(x, y);
            expect(ladj.shape).toEqual(x.shape.slice(0, x.rank - t.domain.eventDim));
          });
        }),
        { seed: 42, numRuns: 20 },
      );
    });

    it("stays finite, in the codomain, with finite gradients at extreme inputs", () => {
      const t = c.make();
      const e = c.extreme;
      const extremes = fc.array(fc.constantFrom(-e, -e / 2, -1, 0, 1, e / 2, e), { minLength: c.size, maxLength: c.size });
      fc.assert(
        fc.property(extremes, (v) => {
          tf.tidy(() => {
            const x = inputOf(c, v);
            const y = t.forward(x);
            expect(allTrue(tf.isFinite(y))).toBe(true);
            expect(allTrue(t.codomain.check(y))).toBe(true);
            const gy = tf.grad((z: tf.Tensor) => tf.sum(t.forward(z)))(x);
            const gl = tf.grad((z: tf.Tensor) => ladjSum(t, z))(x);
            expect(allTrue(tf.isFinite(gy))).toBe(true);
            expect(allTrue(tf.isFinite(gl))).toBe(true);
          });
        }),
        { seed: 42, numRuns: 12 },
      );
    });

    it("does not leak tensors", () => {
      const t = c.make();
      expectNoLeak(() => {
        const x = inputOf(c, new Array<number>(c.size).fill(0.3));
        const y = t.forward(x);
        t.inverse(y);
        t.logAbsDetJacobian(x, y);
        tf.grad((z: tf.Tensor) => ladjSum(t, z))(x);
      });
    });
  });
}
