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
import { encodeModule, OP, SIMD, WasmFunction } from "./wasm-builder.js";
import { gemmFunction, type GemmSpec } from "./wasm-gemm.js";
import { heapModule, heapOffset, tfjsHeap, type TfjsHeap } from "./wasm-heap.js";
import { allFiniteFunction, columnsCsrFunction, rowsCsrFunction, sparseGemmFunction } from "./wasm-sparse-gemm.js";

/** Whether the heap products are used: `"auto"` (on the wasm heap), or `"off"` (tfjs' matMul). */
export type HeapMatMulMode = "auto" | "off";

/** When the products skip the zeros of `A`: when it looks sparse (`"auto"`), `"always"` or `"off"`. */
export type SparseMode = "auto" | "always" | "off";

let mode: HeapMatMulMode = "auto";
let fmaOverride: boolean | undefined;
let sparseMode: SparseMode = "auto";

/**
 * Turns the heap matrix products on (`"auto"`, the default) or off; `fma` forces fused
 * multiply-adds on or off (default: on where the engine supports relaxed SIMD); `sparse` says
 * when a product walks the nonzeros of `A` only (default `"auto"`: when a sample of `A` is at
 * most 20% nonzero and `B` is finite).
 */
export function setHeapMatMul(next: HeapMatMulMode, options: { fma?: boolean; sparse?: SparseMode } = {}): void {
  if (next !== "auto" && next !== "off") throw new Error(`setHeapMatMul: mode must be "auto" or "off", got ${JSON.stringify(next)}`);
  const sparse = options.sparse ?? "auto";
  if (!["auto", "always", "off"].includes(sparse)) throw new Error(`setHeapMatMul: sparse must be "auto", "always" or "off", got ${JSON.stringify(sparse)}`);
  mode = next;
  fmaOverride = options.fma;
  sparseMode = sparse;
}

/** Whether {@link heapMatMul} runs for float32 operands now (the wasm backend with its heap, not turned off). */
export function heapMatMulEnabled(): boolean {
  return mode === "auto" && tfjsHeap() !== null;
}

let calls = 0;
let sparseCalls = 0;

/** How many products the heap path has computed in this process (a diagnostic for tests and profiling). */
export function heapMatMulCalls(): number {
  return calls;
}

/** How many of {@link heapMatMulCalls} went through the nonzeros of `A` only. */
export function heapSparseMatMulCalls(): number {
  return sparseCalls;
}

let relaxedSimd: boolean | undefined;

/** Whether this engine validates relaxed-SIMD code (`f32x4.relaxed_madd`). */
export function hasRelaxedSimd(): boolean {
  if (relaxedSimd === undefined) {
    const fn = new WasmFunction([], []);
    const zero = new Array<number>(16).fill(0);
    fn.simd(SIMD.const, ...zero).simd(SIMD.const, ...zero).simd(SIMD.const, ...zero);
    fn.simd(SIMD.f32x4RelaxedMadd).op(OP.drop);
    const api = (globalThis as { WebAssembly?: { validate(bytes: Uint8Array): boolean } }).WebAssembly;
    relaxedSimd = api !== undefined && api.validate(encodeModule([fn], {}, { pages: 1 }));
  }
  return relaxedSimd;
}

type GemmExport = (a: number, b: number, c: number, bias: number, m: number) => void;

/** The build and check functions of the sparse path (one module per heap). */
interface SparseTools {
  rowsCsr(a: number, m: number, k: number, ldbBytes: number, scratch: number): number;
  columnsCsr(a: number, k: number, m: number, ldbBytes: number, scratch: number): number;
  allFinite(b: number, count: number): number;
}

/**
 * `op(A)` goes the sparse way when at most this fraction of a sample of its elements is
 * nonzero. Measured on 128 × 2,000 × 128 products with warm caches (dense about 2.4 ms): sparse
 * 0.7–0.8 ms at 5% nonzeros, 1.2 ms at 15%, 1.7–2.0 ms at 27%, 2.2–2.6 ms at 35%. Inside scVI
 * training (weights fresh from the optimizer, random rows of them read) the break-even is
 * lower: no gain at 27%, 7–10% of the epoch at 8%.
 */
const SPARSE_DENSITY = 0.2;

/** Elements of `A` sampled to estimate its density. */
const DENSITY_SAMPLE = 512;

/** Products smaller than this (m · k) stay dense: the lists would cost more than they save. */
const SPARSE_MIN_SIZE = 8192;

/** Whether a strided sample of `A` says it is sparse enough for the sparse path. */
function looksSparse(heap: TfjsHeap, a: tf.Tensor, n: number): boolean {
  if (a.size < SPARSE_MIN_SIZE || n < 8) return false;
  const values = new Float32Array(heap.memory.buffer, heapOffset(heap, a), a.size);
  const stride = Math.floor(a.size / DENSITY_SAMPLE);
  let nonzero = 0;
  for (let i = 0; i < DENSITY_SAMPLE; i++) if (values[i * stride + (i % stride)] !== 0) nonzero++;
  return nonzero <= SPARSE_DENSITY * DENSITY_SAMPLE;
}

/**
 * `op(A) · B (+ bias)` through the nonzeros of `A` into `out`; false (nothing written) when `B`
 * holds a non-finite value, which a dense product would spread where the sparse one skips it.
 */
function sparseProduct(heap: TfjsHeap, a: tf.Tensor, b: tf.Tensor, bias: tf.Tensor | undefined, out: tf.TensorInfo, m: number, n: number, k: number, transposeA: boolean, fma: boolean): boolean {
  const tools = heapModule(heap, "scvi-ts:sparse-gemm-tools", () =>
    encodeModule([rowsCsrFunction(), columnsCsrFunction(), allFiniteFunction()], { rowsCsr: 0, columnsCsr: 1, allFinite: 2 }, { pages: 1, imported: true }),
  ) as SparseTools | null;
  const multiply = heapModule(heap, `scvi-ts:sparse-gemm:${n}:${bias ? "b" : ""}:${fma ? "fma" : ""}`, () =>
    encodeModule([sparseGemmFunction({ n, bias: bias !== undefined, fma })], { spmm: 0 }, { pages: 1, imported: true }),
  );
  if (!tools || !multiply || tools.allFinite(heapOffset(heap, b), k * n) !== 1) return false;
  // (start, end) per row and at most m·(k + 1) (offset, value) pairs.
  const scratch = heap.backend.makeOutput([2 * m + 2 * m * (k + 1)], "int32");
  try {
    const scratchAt = heapOffset(heap, scratch);
    const aAt = heapOffset(heap, a);
    if (transposeA) tools.columnsCsr(aAt, k, m, n * 4, scratchAt);
    else tools.rowsCsr(aAt, m, k, n * 4, scratchAt);
    (multiply.spmm as GemmExport)(scratchAt, heapOffset(heap, b), heapOffset(heap, out), bias ? heapOffset(heap, bias) : 0, m);
  } finally {
    heap.backend.disposeData(scratch.dataId, true);
  }
  return true;
}

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
  const sparse = sparseMode !== "off" && (sparseMode === "always" || looksSparse(heap, a, n)) && sparseProduct(heap, a, b, bias, out, m, n, k, transposeA, fma);
  if (sparse) sparseCalls++;
  else (exports.gemm as GemmExport)(heapOffset(heap, a), heapOffset(heap, b), heapOffset(heap, out), bias ? heapOffset(heap, bias) : 0, m);
  return tf.engine().makeTensorFromTensorInfo(out);
}
