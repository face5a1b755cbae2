/**
 * Matrix products on the wasm backend's heap with the shape-specialised SIMD functions of
 * `wasm-gemm.ts`: `A · B + bias` and `Aᵀ · B + bias` without copying, packing or transposing
 * `A` (tfjs' `matMul` packs its second operand into XNNPACK's layout on every call with a
 * changed weight and runs a transposed operand through a scalar loop).
 *
 * One function is compiled per `[k, n]` of `B`, layout of `A` and bias flag (the number of rows
 * is an argument) and cached with the heap: a model needs a few per layer. Where relaxed SIMD is available
 * (Node.js 22+, or Node.js 20 with `--experimental-wasm-relaxed-simd`) the products use fused
 * multiply-adds.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { encodeModule, WasmFunction } from "./wasm-builder.js";
import { gemmFunction, type GemmSpec } from "./wasm-gemm.js";
import { heapModule, heapOffset, tfjsHeap } from "./wasm-heap.js";

/** Whether the heap products are used: `"auto"` (on the wasm heap), or `"off"` (tfjs' matMul). */
export type HeapMatMulMode = "auto" | "off";

let mode: HeapMatMulMode = "auto";
let fmaOverride: boolean | undefined;

/**
 * Turns the heap matrix products on (`"auto"`, the default) or off; `fma` forces fused
 * multiply-adds on or off (default: on where the engine supports relaxed SIMD).
 */
export function setHeapMatMul(next: HeapMatMulMode, options: { fma?: boolean } = {}): void {
  if (next !== "auto" && next !== "off") throw new Error(`setHeapMatMul: mode must be "auto" or "off", got ${JSON.stringify(next)}`);
  mode = next;
  fmaOverride = options.fma;
}

/** Whether {@link heapMatMul} runs for float32 operands now (the wasm backend with its heap, not turned off). */
export function heapMatMulEnabled(): boolean {
  return mode === "auto" && tfjsHeap() !== null;
}

let calls = 0;

/** How many products the heap path has computed in this process (a diagnostic for tests and profiling). */
export function heapMatMulCalls(): number {
  return calls;
}

let relaxedSimd: boolean | undefined;

/** Whether this engine validates relaxed-SIMD code (`f32x4.relaxed_madd`). */
export function hasRelaxedSimd(): boolean {
  if (relaxedSimd === undefined) {
    const fn = new WasmFunction([], []);
    fn.simd(0x0c, ...new Array<number>(16).fill(0)).simd(0x0c, ...new Array<number>(16).fill(0)).simd(0x0c, ...new Array<number>(16).fill(0));
    fn.simd(0x105).op(0x1a); // f32x4.relaxed_madd; drop
    const api = (globalThis as { WebAssembly?: { validate(bytes: Uint8Array): boolean } }).WebAssembly;
    relaxedSimd = api !== undefined && api.validate(encodeModule([fn], {}, { pages: 1 }));
  }
  return relaxedSimd;
}

type GemmExport = (a: number, b: number, c: number, bias: number, m: number) => void;

/**
 * `op(A) · B (+ bias)` for float32 matrices on the wasm heap, where `op(A)` is `A` or, with
 * `transposeA`, `Aᵀ`; null when the heap path does not apply (another backend, turned off,
 * other dtypes or empty shapes), and callers then use tfjs.
 */
export function heapMatMul(a: tf.Tensor, b: tf.Tensor, options: { transposeA?: boolean; bias?: tf.Tensor } = {}): tf.Tensor | null {
  if (mode === "off" || a.rank !== 2 || b.rank !== 2 || a.dtype !== "float32" || b.dtype !== "float32") return null;
  const heap = tfjsHeap();
  if (!heap) return null;
  const transposeA = options.transposeA ?? false;
  const [m, k] = (transposeA ? [a.shape[1], a.shape[0]] : a.shape) as [number, number];
  const [kb, n] = b.shape as [number, number];
  if (kb !== k) throw new Error(`heapMatMul: inner dimensions differ (${k} and ${kb}) for shapes [${a.shape.join(", ")}]${transposeA ? "ᵀ" : ""} and [${b.shape.join(", ")}]`);
  const bias = options.bias;
  if (bias !== undefined && (bias.dtype !== "float32" || bias.size !== n)) return null;
  if (m === 0 || n === 0 || k === 0) return null;
  const fma = fmaOverride ?? hasRelaxedSimd();
  const spec: GemmSpec = { n, k, transposeA, bias: bias !== undefined, fma };
  const key = `scvi-ts:gemm:${n}x${k}:${transposeA ? "t" : "n"}:${bias ? "b" : ""}:${fma ? "fma" : ""}`;
  const exports = heapModule(heap, key, () => encodeModule([gemmFunction(spec)], { gemm: 0 }, { pages: 1, imported: true }));
  if (!exports) return null;
  const out = heap.backend.makeOutput([m, n], "float32");
  calls++;
  (exports.gemm as GemmExport)(heapOffset(heap, a), heapOffset(heap, b), heapOffset(heap, out), bias ? heapOffset(heap, bias) : 0, m);
  return tf.engine().makeTensorFromTensorInfo(out);
}
