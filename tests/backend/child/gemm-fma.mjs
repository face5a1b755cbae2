/**
 * Child process for tests/backend/heap-matmul.test.ts: checks the fused multiply-add (relaxed
 * SIMD) GEMM functions against a float64 product on many shapes, in a process started with
 * `--experimental-wasm-relaxed-simd` (Node.js 20's V8 has relaxed SIMD behind that flag).
 * Prints one JSON line: `{ relaxed, cases, worst }`. Run with `node --import ./register-ts.mjs`.
 */
import { hasRelaxedSimd } from "../../../src/backend/heap-matmul.js";
import { encodeModule, instantiateSync } from "../../../src/backend/wasm-builder.js";
import { gemmFunction } from "../../../src/backend/wasm-gemm.js";

let state = 12345;
const random = (n) => Float32Array.from({ length: n }, () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0), state / 2 ** 32 - 0.5));

const relaxed = hasRelaxedSimd();
let worst = 0;
let cases = 0;
if (relaxed) {
  for (const m of [1, 3, 4, 9]) {
    for (const n of [1, 5, 8, 13, 20]) {
      for (const k of [1, 7, 300]) {
        for (const transposeA of [false, true]) {
          for (const bias of [false, true]) {
            const exports = instantiateSync(encodeModule([gemmFunction({ n, k, transposeA, bias, fma: true })], { gemm: 0 }, { pages: 4 }));
            if (!exports) throw new Error("the FMA module did not instantiate");
            const heap = new Float32Array(exports.memory.buffer);
            const a = random(m * k);
            const b = random(k * n);
            const v = random(n);
            const [aAt, bAt, vAt, cAt] = [0, m * k, m * k + k * n, m * k + k * n + n];
            heap.set(a, aAt);
            heap.set(b, bAt);
            heap.set(v, vAt);
            exports.gemm(4 * aAt, 4 * bAt, 4 * cAt, 4 * vAt, m);
            for (let i = 0; i < m; i++) {
              for (let j = 0; j < n; j++) {
                let s = bias ? v[j] : 0;
                for (let p = 0; p < k; p++) s += (transposeA ? a[p * m + i] : a[i * k + p]) * b[p * n + j];
                worst = Math.max(worst, Math.abs(heap[cAt + i * n + j] - s) / (0.25 * k + 1));
              }
            }
            cases++;
          }
        }
      }
    }
  }
}
process.stdout.write(`${JSON.stringify({ relaxed, cases, worst })}\n`);
