import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { digamma, lgamma, tetragamma, trigamma } from "../../../src/distributions/special.js";
import { compare, evaluate, fixture, leakedTensors, type Tolerance } from "./fixture.js";

// The requirement: relative error ≤ 1e-5 on [1e-3, 1e6]; absolute error where the function
// crosses zero (|f| < 0.1: lgamma near 1 and 2, digamma near 1.4616).
const LGAMMA_TOL: Tolerance = { rtol: 1e-5, atol: 2e-6, floor: 0.1 };
const DIGAMMA_TOL: Tolerance = { rtol: 1e-5, atol: 1e-6, floor: 0.1 };
const POLYGAMMA_TOL: Tolerance = { rtol: 1e-5, atol: 1e-7, floor: 0.1 };

const gradOf = (f: (t: tf.Tensor) => tf.Tensor) => (t: tf.Tensor) => tf.grad(f)(t);

describe.each(["wasm", "cpu"])("gamma family on the %s backend", (backend) => {
  let previous: string;
  beforeAll(async () => {
    previous = tf.getBackend();
    await tf.setBackend(backend);
  });
  afterAll(async () => {
    await tf.setBackend(previous);
  });

  const { x } = fixture.positive;

  it("lgamma matches scipy.special.gammaln on [1e-3, 1e6]", () => {
    compare("lgamma", evaluate(lgamma, x), fixture.positive.lgamma!, x!, LGAMMA_TOL);
  });

  it("digamma matches scipy.special.digamma on [1e-3, 1e6]", () => {
    compare("digamma", evaluate(digamma, x), fixture.positive.digamma!, x!, DIGAMMA_TOL);
  });

  it("trigamma and tetragamma match scipy.special.polygamma(1 | 2) on [1e-3, 1e6]", () => {
    compare("trigamma", evaluate(trigamma, x), fixture.positive.trigamma!, x!, POLYGAMMA_TOL);
    compare("tetragamma", evaluate(tetragamma, x), fixture.positive.tetragamma!, x!, POLYGAMMA_TOL);
  });

  it("gradients are the next polygamma function (scipy values)", () => {
    compare("lgamma'", evaluate(gradOf(lgamma), x), fixture.positive.digamma!, x!, DIGAMMA_TOL);
    compare("digamma'", evaluate(gradOf(digamma), x), fixture.positive.trigamma!, x!, POLYGAMMA_TOL);
    compare("trigamma'", evaluate(gradOf(trigamma), x), fixture.positive.tetragamma!, x!, POLYGAMMA_TOL);
  });

  it("the second derivative of lgamma (grad of grad) is trigamma", () => {
    compare("lgamma''", evaluate(gradOf(gradOf(lgamma)), x), fixture.positive.trigamma!, x!, POLYGAMMA_TOL);
  });

  it("stays accurate outside the required range (tiny and huge x)", () => {
    for (const group of [fixture.tiny, fixture.large]) {
      compare("lgamma", evaluate(lgamma, group.x!), group.lgamma!, group.x!, LGAMMA_TOL);
      compare("digamma", evaluate(digamma, group.x!), group.digamma!, group.x!, DIGAMMA_TOL);
    }
    const { tiny } = fixture;
    compare("trigamma", evaluate(trigamma, tiny.x!), tiny.trigamma!, tiny.x!, POLYGAMMA_TOL);
    compare("tetragamma", evaluate(tetragamma, tiny.x!), tiny.tetragamma!, tiny.x!, POLYGAMMA_TOL);
  });
});

describe("gamma family outside the domain", () => {
  it("x = 0 is a pole: lgamma, trigamma +Infinity; digamma, tetragamma -Infinity (as scipy)", () => {
    expect(Array.from(evaluate(lgamma, [0]))).toEqual([Infinity]);
    expect(Array.from(evaluate(digamma, [0]))).toEqual([-Infinity]);
    expect(Array.from(evaluate(trigamma, [0]))).toEqual([Infinity]);
    expect(Array.from(evaluate(tetragamma, [0]))).toEqual([-Infinity]);
  });

  it("x < 0 gives NaN (no reflection formula), including where scipy is finite", () => {
    const { x } = fixture.nonpositive;
    const negative = x!.filter((v) => v < 0);
    expect(negative.length).toBeGreaterThan(5);
    for (const f of [lgamma, digamma, trigamma, tetragamma]) {
      for (const v of evaluate(f, negative)) expect(v).toBeNaN();
    }
    // scipy gives log|Γ(x)| there; the test documents that we do not.
    const finiteInScipy = fixture.nonpositive.lgamma!.filter((v, i) => x![i]! < 0 && Number.isFinite(v));
    expect(finiteInScipy.length).toBeGreaterThan(0);
  });
});

describe("gamma family: API, finite differences, memory", () => {
  it("accepts numbers and arrays, and keeps the input shape", () => {
    expect(lgamma(5).shape).toEqual([]);
    expect(lgamma(5).dataSync()[0]).toBeCloseTo(Math.log(24), 5);
    expect(digamma([[1, 2, 3]]).shape).toEqual([1, 3]);
    expect(lgamma(tf.tensor1d([3, 4], "int32")).dataSync()[1]).toBeCloseTo(Math.log(6), 5);
  });

  it("gradients agree with central differences of the float32 forward values", () => {
    // h = x / 128 is exact in float32; truncation (h²/6 f''') and rounding (eps |f| / h)
    // both stay far below 1e-3 (|f'| + 1) on this range.
    const check = (f: (t: tf.Tensor) => tf.Tensor, xs: number[]) => {
      const h = xs.map((v) => v / 128);
      const up = evaluate(f, xs.map((v, i) => v + h[i]!));
      const down = evaluate(f, xs.map((v, i) => v - h[i]!));
      const grad = evaluate(gradOf(f), xs);
      xs.forEach((v, i) => {
        const fd = (up[i]! - down[i]!) / (2 * h[i]!);
        expect(Math.abs(fd - grad[i]!), `x = ${v}: finite difference ${fd}, gradient ${grad[i]}`).toBeLessThan(
          1e-3 * (Math.abs(grad[i]!) + 1),
        );
      });
    };
    fc.assert(
      fc.property(fc.array(fc.double({ min: -2, max: 4, noNaN: true }), { minLength: 1, maxLength: 16 }), (exps) => {
        const xs = exps.map((e) => Math.fround(10 ** e));
        check(lgamma, xs);
        check(digamma, xs);
        check(trigamma, xs);
      }),
      { seed: 42, numRuns: 40 },
    );
  });

  it("leaves no tensors behind, also when differentiated twice", () => {
    const x = tf.tensor1d([0.5, 1.5, 20]);
    expect(leakedTensors(() => lgamma(x))).toBe(0);
    expect(leakedTensors(() => digamma(x))).toBe(0);
    expect(leakedTensors(() => tetragamma(x))).toBe(0);
    expect(leakedTensors(() => tf.grad((t) => lgamma(tf.mul(t, 2)))(x))).toBe(0);
    expect(leakedTensors(() => tf.grad(tf.grad((t) => lgamma(t)))(x))).toBe(0);
    expect(leakedTensors(() => tf.grad(tf.grad(tf.grad((t) => lgamma(t))))(x))).toBe(0);
    x.dispose();
  });
});
