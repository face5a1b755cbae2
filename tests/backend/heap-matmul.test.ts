import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { hasRelaxedSimd, heapMatMul, heapMatMulCalls, heapSparseMatMulCalls, setHeapMatMul } from "../../src/backend/heap-matmul.js";
import { encodeModule, instantiateSync } from "../../src/backend/wasm-builder.js";
import { gemmFunction } from "../../src/backend/wasm-gemm.js";

/** `op(A) · B + bias` in float64 from row-major arrays. */
function reference(a: Float32Array, b: Float32Array, bias: Float32Array | null, m: number, n: number, k: number, transposeA: boolean): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = bias ? bias[j]! : 0;
      for (let p = 0; p < k; p++) s += (transposeA ? a[p * m + i]! : a[i * k + p]!) * b[p * n + j]!;
      c[i * n + j] = s;
    }
  }
  return c;
}

/** Largest |ours − ref| relative to Σ|a||b| (the float32 summation error scale). */
function maxRelativeError(ours: ArrayLike<number>, ref: Float64Array, scale: number): number {
  let worst = 0;
  for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(ours[i]! - ref[i]!) / scale);
  return worst;
}

const random = (n: number, seed: number) => {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  });
};

const product = fc.record({
  m: fc.integer({ min: 1, max: 23 }),
  n: fc.integer({ min: 1, max: 37 }),
  k: fc.integer({ min: 1, max: 70 }),
  transposeA: fc.boolean(),
  bias: fc.boolean(),
  seed: fc.integer({ min: 1, max: 1e6 }),
});

afterEach(() => setHeapMatMul("auto"));

describe("heapMatMul (shape-specialised SIMD products on the wasm heap)", () => {
  it("is on for the wasm backend", () => {
    expect(tf.getBackend()).toBe("wasm");
    const before = heapMatMulCalls();
    const y = heapMatMul(tf.ones([2, 3]), tf.ones([3, 4]));
    expect(y).not.toBeNull();
    expect(heapMatMulCalls()).toBe(before + 1);
    expect(Array.from(y!.dataSync())).toEqual(new Array(8).fill(3));
    y!.dispose();
  });

  // Fused multiply-adds in this process where the engine has relaxed SIMD; the child process
  // test below enables them on Node.js 20.
  for (const fma of hasRelaxedSimd() ? [false, true] : [false]) {
    it(`matches a float64 product for every edge of m, n, k, transposed A and bias (property, fma ${fma})`, () => {
      setHeapMatMul("auto", { fma });
      fc.assert(
        fc.property(product, ({ m, n, k, transposeA, bias, seed }) => {
          const a = random(m * k, seed);
          const b = random(k * n, seed + 1);
          const v = bias ? random(n, seed + 2) : null;
          const ref = reference(a, b, v, m, n, k, transposeA);
          const ours = tf.tidy(() => {
            const y = heapMatMul(tf.tensor2d(a, transposeA ? [k, m] : [m, k]), tf.tensor2d(b, [k, n]), { transposeA, bias: v ? tf.tensor1d(v) : undefined });
            expect(y).not.toBeNull();
            expect(y!.shape).toEqual([m, n]);
            return y!.dataSync();
          });
          expect(maxRelativeError(ours, ref, 0.25 * k + 1)).toBeLessThan(1e-6);
        }),
        { seed: 7, numRuns: 150 },
      );
    });
  }

  it("fused multiply-adds (relaxed SIMD) match a float64 product, in a process that enables them", async (ctx) => {
    const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        ["--experimental-wasm-relaxed-simd", "--import", here("./child/register-ts.mjs"), here("./child/gemm-fma.mjs")],
        { timeout: 60_000 },
        (error, stdout, stderr) => resolve({ code: error ? 1 : 0, stdout, stderr }),
      ),
    );
    // A Node.js whose V8 no longer knows the flag (relaxed SIMD on by default) is covered in process.
    if (result.code !== 0 && /bad option/.test(result.stderr)) ctx.skip();
    expect(result.code, result.stderr).toBe(0);
    const { relaxed, cases, worst } = JSON.parse(result.stdout.trim().split("\n").pop()!) as { relaxed: boolean; cases: number; worst: number };
    expect(relaxed).toBe(true);
    expect(cases).toBe(240);
    expect(worst).toBeLessThan(1e-6);
  });

  it("skips the zeros of A with the same result (property: shapes, sparsity, NaN in A, transposed A, bias)", () => {
    setHeapMatMul("auto", { sparse: "always" });
    const sparseProduct = product.chain((p) => fc.record({ p: fc.constant(p), density: fc.double({ min: 0, max: 1, noNaN: true }), nanAt: fc.option(fc.nat(), { nil: undefined }) }));
    fc.assert(
      fc.property(sparseProduct, ({ p: { m, n, k, transposeA, bias, seed }, density, nanAt }) => {
        const keep = random(m * k, seed + 3);
        const a = random(m * k, seed).map((v, i) => (keep[i]! + 0.5 < density ? v : 0));
        if (nanAt !== undefined) a[nanAt % a.length] = NaN;
        const b = random(k * n, seed + 1);
        const v = bias ? random(n, seed + 2) : null;
        const ref = reference(a, b, v, m, n, k, transposeA);
        const before = heapSparseMatMulCalls();
        const ours = tf.tidy(() => heapMatMul(tf.tensor2d(a, transposeA ? [k, m] : [m, k]), tf.tensor2d(b, [k, n]), { transposeA, bias: v ? tf.tensor1d(v) : undefined })!.dataSync());
        expect(heapSparseMatMulCalls()).toBe(before + 1);
        for (let i = 0; i < ref.length; i++) {
          if (Number.isNaN(ref[i]!)) expect(ours[i]).toBeNaN();
          else expect(Math.abs(ours[i]! - ref[i]!) / (0.25 * k + 1)).toBeLessThan(1e-6);
        }
      }),
      { seed: 11, numRuns: 150 },
    );
  });

  it("chooses the sparse path by a sample of A, and never when B holds a non-finite value", () => {
    const [m, n, k] = [64, 40, 300];
    const sparse = random(m * k, 1).map((v, i) => (i % 10 === 0 ? v : 0)); // 10% nonzero
    const dense = random(m * k, 2);
    const b = random(k * n, 3);
    const run = (a: Float32Array, bValues: Float32Array) => {
      const before = heapSparseMatMulCalls();
      const out = tf.tidy(() => heapMatMul(tf.tensor2d(a, [m, k]), tf.tensor2d(bValues, [k, n]))!.dataSync());
      return { sparse: heapSparseMatMulCalls() - before, out };
    };
    expect(run(sparse, b).sparse).toBe(1);
    expect(run(dense, b).sparse).toBe(0);
    setHeapMatMul("auto", { sparse: "off" });
    expect(run(sparse, b).sparse).toBe(0);
    setHeapMatMul("auto", { sparse: "always" });
    // An Infinity in a row of B that only zeros of A meet: a dense product gives NaN (0 · ∞),
    // and so must this one.
    const withInf = b.slice();
    withInf[1 * n + 5] = Infinity; // row 1 of B; column 1 of A is zero in every row (1 % 10 ≠ 0 …)
    const { sparse: used, out } = run(sparse, withInf);
    expect(used).toBe(0);
    expect(Number.isNaN(out[5])).toBe(true);
  });

  it("covers k blocks: a long k, and a row count that leaves every remainder", () => {
    for (const m of [1, 2, 3, 4, 5, 6, 7, 129]) {
      for (const transposeA of [false, true]) {
        const [n, k] = [19, 600];
        const a = random(m * k, m);
        const b = random(k * n, 3 * m);
        const bias = random(n, 5 * m);
        const ref = reference(a, b, bias, m, n, k, transposeA);
        const ours = tf.tidy(() => heapMatMul(tf.tensor2d(a, transposeA ? [k, m] : [m, k]), tf.tensor2d(b, [k, n]), { transposeA, bias: tf.tensor1d(bias) })!.dataSync());
        expect(maxRelativeError(ours, ref, 0.25 * k + 1)).toBeLessThan(1e-6);
      }
    }
  });

  it("tile rows and k block lengths are free parameters of the generator", () => {
    const [m, n, k] = [11, 21, 45];
    const a = random(m * k, 1);
    const b = random(k * n, 2);
    const ref = reference(a, b, null, m, n, k, false);
    for (const mr of [1, 2, 3, 5, 6]) {
      for (const kc of [1, 7, 64]) {
        const exports = instantiateSync(encodeModule([gemmFunction({ n, k, transposeA: false, bias: false, fma: false, mr, kc })], { gemm: 0 }, { pages: 1 }));
        expect(exports).not.toBeNull();
        const memory = exports!.memory as { buffer: ArrayBuffer };
        const heap = new Float32Array(memory.buffer);
        heap.set(a, 0);
        heap.set(b, m * k);
        (exports!.gemm as (a: number, b: number, c: number, bias: number, m: number) => void)(0, 4 * m * k, 4 * (m * k + k * n), 0, m);
        const ours = heap.slice(m * k + k * n, m * k + k * n + m * n);
        expect(maxRelativeError(ours, ref, 0.25 * k + 1)).toBeLessThan(1e-6);
      }
    }
  });

  it("returns null when it does not apply, so callers use tfjs", () => {
    setHeapMatMul("off");
    expect(heapMatMul(tf.ones([2, 2]), tf.ones([2, 2]))).toBeNull();
    setHeapMatMul("auto");
    tf.tidy(() => {
      expect(heapMatMul(tf.ones([2, 2], "int32"), tf.ones([2, 2], "int32"))).toBeNull();
      expect(heapMatMul(tf.zeros([0, 2]), tf.ones([2, 2]))).toBeNull();
    });
  });

  it("names the shapes when the inner dimensions differ", () => {
    tf.tidy(() => {
      expect(() => heapMatMul(tf.ones([2, 3]), tf.ones([4, 2]))).toThrow(/inner dimensions differ \(3 and 4\).*\[2, 3\].*\[4, 2\]/);
      expect(() => heapMatMul(tf.ones([3, 2]), tf.ones([4, 2]), { transposeA: true })).toThrow(/\[3, 2\]ᵀ/);
    });
  });

  it("leaves no tensor behind", () => {
    const a = tf.ones([5, 6]);
    const b = tf.ones([6, 7]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) heapMatMul(a, b)!.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b]);
  });

  it("refuses a rejected mode by name", () => {
    expect(() => setHeapMatMul("on" as never)).toThrow(/setHeapMatMul: mode must be "auto" or "off", got "on"/);
    expect(() => setHeapMatMul("auto", { sparse: "yes" as never })).toThrow(/sparse must be "auto", "always" or "off", got "yes"/);
  });
});
