import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expand2d, log1pCounts, multiplyEach, setHeapOps, softmaxLastAxis, sumLastAxis, sumOfSquares, sumRows, transpose2d } from "../../src/backend/heap-ops.js";

const matrix = fc
  .record({ rows: fc.integer({ min: 1, max: 40 }), cols: fc.integer({ min: 1, max: 41 }) })
  .chain(({ rows, cols }) =>
    fc.record({
      rows: fc.constant(rows),
      cols: fc.constant(cols),
      values: fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }).map(Math.fround), { minLength: rows * cols, maxLength: rows * cols }),
    }),
  );

/** Values and gradient (of a weighted sum) of `f` at `x`. */
function valueAndGrad(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor): [number[], number[]] {
  return tf.tidy(() => {
    const y = f(x);
    const w = tf.range(1, y.size + 1).reshape(y.shape);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(f(t), w)))(x);
    return [Array.from(y.dataSync()), Array.from(g.dataSync())];
  }) as unknown as [number[], number[]];
}

describe("heap ops (wasm backend kernels with tfjs fallbacks)", () => {
  it("transpose2d equals tf.transpose exactly, in value and gradient (property)", () => {
    fc.assert(
      fc.property(matrix, ({ rows, cols, values }) => {
        const x = tf.tensor2d(values, [rows, cols]);
        const [ours, ourGrad] = valueAndGrad(transpose2d, x);
        const [ref, refGrad] = valueAndGrad((t) => tf.transpose(t), x);
        x.dispose();
        expect(ours).toEqual(ref);
        expect(ourGrad).toEqual(refGrad);
      }),
      { seed: 42, numRuns: 60 },
    );
  });

  it("sumRows equals tf.sum(x, 0) to float32 rounding, in value and gradient (property)", () => {
    fc.assert(
      fc.property(matrix, ({ rows, cols, values }) => {
        const x = tf.tensor2d(values, [rows, cols]);
        const [ours, ourGrad] = valueAndGrad(sumRows, x);
        const [ref, refGrad] = valueAndGrad((t) => tf.sum(t, 0), x);
        x.dispose();
        ours.forEach((v, i) => expect(Math.abs(v - ref[i]!)).toBeLessThanOrEqual(1e-6 * rows * 1e3));
        expect(ourGrad).toEqual(refGrad);
      }),
      { seed: 42, numRuns: 60 },
    );
  });

  it("sumLastAxis is the float64 row sum rounded once to float32, with tf.sum(x, -1)'s gradient (property)", () => {
    fc.assert(
      fc.property(matrix, ({ rows, cols, values }) => {
        const x = tf.tensor2d(values, [rows, cols]);
        const [ours, ourGrad] = valueAndGrad(sumLastAxis, x);
        const [, refGrad] = valueAndGrad((t) => tf.sum(t, -1), x);
        x.dispose();
        for (let r = 0; r < rows; r++) {
          let exact = 0;
          for (let c = 0; c < cols; c++) exact += values[r * cols + c]!;
          // Pairwise float64 accumulation: within a few ulps of the exact sum's float32.
          expect(Math.abs(ours[r]! - Math.fround(exact))).toBeLessThanOrEqual(1e-12 * cols * 1e3 + Math.abs(Math.fround(exact)) * 2 ** -23);
        }
        expect(ourGrad).toEqual(refGrad);
      }),
      { seed: 42, numRuns: 60 },
    );
    expect(() => sumLastAxis(tf.ones([2]))).toThrow(/sumLastAxis: expected a matrix, got shape \[2\]/);
  });

  it("softmaxLastAxis is tf.softmax, with the gradient y · (dy − Σ dy · y) in float64 (property)", () => {
    fc.assert(
      fc.property(matrix, ({ rows, cols, values }) => {
        const x = tf.tensor2d(values.map((v) => v / 100), [rows, cols]);
        const [ours, ourGrad] = valueAndGrad(softmaxLastAxis, x);
        const [ref] = valueAndGrad((t) => tf.softmax(t, -1), x);
        x.dispose();
        expect(ours).toEqual(ref);
        // valueAndGrad's upstream gradient is 1, 2, 3, … in row-major order.
        for (let r = 0; r < rows; r++) {
          let dot = 0;
          for (let c = 0; c < cols; c++) dot += (r * cols + c + 1) * ours[r * cols + c]!;
          for (let c = 0; c < cols; c++) {
            const i = r * cols + c;
            const exact = ours[i]! * (i + 1 - dot);
            expect(Math.abs(ourGrad[i]! - exact)).toBeLessThanOrEqual(1e-6 * rows * cols * Math.max(ours[i]!, 1e-30) + 1e-30);
          }
        }
      }),
      { seed: 42, numRuns: 60 },
    );
  });

  it("multiplyEach is tf.mul of the gradient with each of one to three tensors, exactly", () => {
    for (const size of [1, 3, 4, 7, 4001]) {
      for (const count of [1, 2, 3]) {
        tf.tidy(() => {
          const dy = tf.randomNormal([size], 0, 1, "float32", size);
          const partials = Array.from({ length: count }, (_, k) => tf.randomNormal([size], 0, 1, "float32", size + k + 1));
          const ours = multiplyEach(dy, partials);
          ours.forEach((t, k) => expect(Array.from(t.dataSync())).toEqual(Array.from(tf.mul(dy, partials[k]!).dataSync())));
        });
      }
    }
    tf.tidy(() => {
      // Broadcasting shapes take tfjs' mul.
      expect(Array.from(multiplyEach(tf.tensor2d([[1, 2]]), [tf.tensor1d([3, 4])])[0]!.dataSync())).toEqual([3, 8]);
      expect(() => multiplyEach(tf.ones([2]), [])).toThrow(/multiplyEach: takes 1 to 3 tensors, got 0/);
    });
  });

  it("transpose2d is exact on full 16 × 16 tiles (SIMD shuffles) next to edge tiles", () => {
    for (const [rows, cols] of [
      [128, 2000],
      [2000, 128],
      [48, 35],
      [17, 64],
    ] as const) {
      tf.tidy(() => {
        const x = tf.randomNormal([rows, cols], 0, 1, "float32", rows + cols);
        expect(Array.from(transpose2d(x).dataSync())).toEqual(Array.from(tf.transpose(x).dataSync()));
      });
    }
  });

  it("log1pCounts is log1p in float64 rounded to float32, with gradient 1/(1+x); invalid inputs fall back to tf.log1p", () => {
    const xs = [0, 1, 2, 7, 30, 1000, 1e-9, 0.5, 123456, -0.5];
    const [values, grads] = valueAndGrad(log1pCounts, tf.tensor(xs));
    xs.forEach((x, i) => {
      expect(values[i]).toBe(Math.fround(Math.log1p(Math.fround(x))));
      expect(grads[i]).toBeCloseTo((i + 1) / (1 + x), 5);
    });
    // Integer counts (a table below 256) next to fractions, in every pairing, and an odd length.
    const counts = Array.from({ length: 301 }, (_, k) => (k % 7 === 3 ? k + 0.25 : k));
    const logs = tf.tidy(() => Array.from(log1pCounts(tf.tensor(counts)).dataSync()));
    counts.forEach((x, i) => expect(logs[i]).toBe(Math.fround(Math.log1p(x))));
    const invalid = tf.tidy(() => Array.from(log1pCounts(tf.tensor([1, -2, NaN])).dataSync()));
    expect(invalid[0]).toBeCloseTo(Math.log(2), 6);
    expect(invalid.slice(1).every(Number.isNaN)).toBe(true);
  });

  it("expand2d repeats a vector into a matrix along either axis (and falls back for other dtypes)", () => {
    const [rows, cols] = tf.tidy(() => [
      expand2d(tf.tensor([1, 2, 3]), [2, 3], 0).arraySync(),
      expand2d(tf.tensor([4, 5]), [2, 3], 1).arraySync(),
    ]);
    expect(rows).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(cols).toEqual([
      [4, 4, 4],
      [5, 5, 5],
    ]);
    expect(tf.tidy(() => expand2d(tf.tensor([1, 2], undefined, "int32"), [3, 2], 0).arraySync())).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
  });

  it("sumOfSquares is the float64 sum of squares on the heap and agrees with the tfjs fallback, NaN included", () => {
    const tensors = [tf.tensor([3, 4]), tf.tensor2d([[1, -2, 0.5]]), tf.tensor([7])];
    const before = tf.memory().numTensors;
    expect(sumOfSquares(tensors)).toBe(9 + 16 + 1 + 4 + 0.25 + 49);
    expect(tf.memory().numTensors).toBe(before);
    setHeapOps(false);
    expect(sumOfSquares(tensors)).toBeCloseTo(79.25, 4);
    setHeapOps(true);
    const bad = tf.tensor([1, NaN]);
    expect(sumOfSquares([...tensors, bad])).toBeNaN();
    expect(sumOfSquares([])).toBe(0);
    tf.dispose([...tensors, bad]);
  });

  it("leak no tensors and reject non-matrices", () => {
    const x = tf.tensor2d([[1, 2, 3]]);
    const before = tf.memory().numTensors;
    tf.dispose(tf.tidy(() => [transpose2d(x), sumRows(x), log1pCounts(x)]));
    tf.dispose(tf.grads((t: tf.Tensor) => tf.sum(tf.add(tf.sum(transpose2d(t)), tf.add(tf.sum(sumRows(t)), tf.sum(log1pCounts(t))))))([x]));
    expect(tf.memory().numTensors).toBe(before);
    expect(() => transpose2d(tf.zeros([2, 2, 2]))).toThrow(/expected a matrix/);
    x.dispose();
  });
});
