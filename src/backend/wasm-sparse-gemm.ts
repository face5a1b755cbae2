/**
 * Products `op(A) · B (+ bias)` that skip the zeros of `A`, as run-time-built WebAssembly: for
 * count data (scVI's encoder input, log1p of counts, is mostly zeros) the first layer's forward
 * product and weight gradient cost a fraction of a dense product.
 *
 * Two steps. A *build* function lists the nonzeros of each row of `op(A)` as (byte offset of
 * the matching row of `B`, value) pairs after a row-start table, in compressed-sparse-row form:
 * a row-wise scan for `A`, a counting sort by column for a transposed `A`. The *multiply*
 * function, specialised to `n` columns and the bias flag, then accumulates each output row in
 * registers, 32 columns at a time (8-, 4- and 1-wide for the rest), one broadcast value times a
 * row of `B` per nonzero.
 *
 * Scratch layout (int32 words): `(start, end)` of each row's pairs (`2m`), then the pairs
 * (`int32` offset, `float32` value), at most `m · (k + 1)` of them.
 *
 * @module
 */
import { forRangeLoop, OP, SIMD, WasmFunction } from "./wasm-builder.js";

const i32Load = (fn: WasmFunction, offset = 0) => fn.mem(OP.i32Load, 2, offset);
const i32Store = (fn: WasmFunction, offset = 0) => fn.mem(OP.i32Store, 2, offset);
const f32Load = (fn: WasmFunction, offset = 0) => fn.mem(OP.f32Load, 2, offset);
const f32Store = (fn: WasmFunction, offset = 0) => fn.mem(OP.f32Store, 2, offset);

/** `entries = scratch + 8m`: the pairs follow the (start, end) table. */
function setEntries(fn: WasmFunction, scratch: number, m: number, entries: number): void {
  fn.get(scratch).get(m).i32Const(3).op(OP.i32Shl).op(OP.i32Add).set(entries);
}

/**
 * `rowsCsr(a, m, k, ldbBytes, scratch) → nnz`: the nonzeros of each row of a row-major `[m, k]`
 * `A` (a NaN counts as nonzero), with B offsets `p · ldbBytes`. Branch-free: every element is
 * written at the next free pair, which only a nonzero keeps.
 */
export function rowsCsrFunction(): WasmFunction {
  const fn = new WasmFunction(["i32", "i32", "i32", "i32", "i32"], ["i32"]);
  const [A, M, K, LDB, SCRATCH] = [0, 1, 2, 3, 4];
  const [i, p, src, nnz, entries, at, value] = [fn.local("i32"), fn.local("i32"), fn.local("i32"), fn.local("i32"), fn.local("i32"), fn.local("i32"), fn.local("f32")];
  setEntries(fn, SCRATCH, M, entries);
  fn.i32Const(0).set(nnz);
  fn.get(A).set(src);
  forRangeLoop(fn, i, () => fn.i32Const(0), () => fn.get(M), 1, () => {
    fn.get(SCRATCH).get(i).i32Const(3).op(OP.i32Shl).op(OP.i32Add).get(nnz);
    i32Store(fn); // start[i]
    forRangeLoop(fn, p, () => fn.i32Const(0), () => fn.get(K), 1, () => {
      fn.get(entries).get(nnz).i32Const(3).op(OP.i32Shl).op(OP.i32Add).tee(at).get(p).get(LDB).op(OP.i32Mul);
      i32Store(fn);
      fn.get(at).get(src);
      f32Load(fn);
      fn.tee(value);
      f32Store(fn, 4);
      fn.get(nnz).get(value).f32Const(0).op(OP.f32Ne).op(OP.i32Add).set(nnz);
      fn.get(src).i32Const(4).op(OP.i32Add).set(src);
    });
    fn.get(SCRATCH).get(i).i32Const(3).op(OP.i32Shl).op(OP.i32Add).get(nnz);
    i32Store(fn, 4); // end[i]
  });
  fn.get(nnz);
  return fn;
}

/**
 * `columnsCsr(a, k, m, ldbBytes, scratch) → pairs used`: the nonzeros of each row of `Aᵀ` for a
 * row-major `[k, m]` `A`, that is of each column of `A`, by a branch-free counting sort: count
 * per column, lay the columns out with one spare pair each, then write every element at its
 * column's cursor, which only a nonzero advances (a zero after the column's last nonzero lands
 * in the spare pair).
 */
export function columnsCsrFunction(): WasmFunction {
  const fn = new WasmFunction(["i32", "i32", "i32", "i32", "i32"], ["i32"]);
  const [A, K, M, LDB, SCRATCH] = [0, 1, 2, 3, 4];
  const [i, p, src, total, entries, at, count, value] = [
    fn.local("i32"),
    fn.local("i32"),
    fn.local("i32"),
    fn.local("i32"),
    fn.local("i32"),
    fn.local("i32"),
    fn.local("i32"),
    fn.local("f32"),
  ];
  /** The address of (start[i], end[i]). */
  const slot = () => fn.get(SCRATCH).get(i).i32Const(3).op(OP.i32Shl).op(OP.i32Add);
  setEntries(fn, SCRATCH, M, entries);
  forRangeLoop(fn, i, () => fn.i32Const(0), () => fn.get(M), 1, () => {
    slot().i32Const(0);
    i32Store(fn, 4); // end[i] = 0: the count
  });
  fn.get(A).set(src);
  forRangeLoop(fn, p, () => fn.i32Const(0), () => fn.get(K), 1, () => {
    forRangeLoop(fn, i, () => fn.i32Const(0), () => fn.get(M), 1, () => {
      slot().tee(at);
      i32Load(fn, 4);
      fn.set(count);
      fn.get(at).get(count).get(src);
      f32Load(fn);
      fn.f32Const(0).op(OP.f32Ne).op(OP.i32Add);
      i32Store(fn, 4);
      fn.get(src).i32Const(4).op(OP.i32Add).set(src);
    });
  });
  // start[i] = end[i] = the column's first pair; columns 1 pair apart beyond their counts.
  fn.i32Const(0).set(total);
  forRangeLoop(fn, i, () => fn.i32Const(0), () => fn.get(M), 1, () => {
    slot().tee(at);
    i32Load(fn, 4);
    fn.set(count);
    fn.get(at).get(total);
    i32Store(fn, 0);
    fn.get(at).get(total);
    i32Store(fn, 4);
    fn.get(total).get(count).op(OP.i32Add).i32Const(1).op(OP.i32Add).set(total);
  });
  fn.get(A).set(src);
  forRangeLoop(fn, p, () => fn.i32Const(0), () => fn.get(K), 1, () => {
    forRangeLoop(fn, i, () => fn.i32Const(0), () => fn.get(M), 1, () => {
      slot().tee(at);
      i32Load(fn, 4);
      fn.set(count); // the cursor
      fn.get(entries).get(count).i32Const(3).op(OP.i32Shl).op(OP.i32Add).get(p).get(LDB).op(OP.i32Mul);
      i32Store(fn);
      fn.get(entries).get(count).i32Const(3).op(OP.i32Shl).op(OP.i32Add).get(src);
      f32Load(fn);
      fn.tee(value);
      f32Store(fn, 4);
      fn.get(at).get(count).get(value).f32Const(0).op(OP.f32Ne).op(OP.i32Add);
      i32Store(fn, 4);
      fn.get(src).i32Const(4).op(OP.i32Add).set(src);
    });
  });
  fn.get(total);
  return fn;
}

/**
 * `allFinite(b, count) → 1 | 0`: whether every float32 of `b[0 : count]` is finite (x − x = 0
 * fails for ±Infinity and NaN), four lanes at a time.
 */
export function allFiniteFunction(): WasmFunction {
  const fn = new WasmFunction(["i32", "i32"], ["i32"]);
  const [B, COUNT] = [0, 1];
  const [at, end, v, x] = [fn.local("i32"), fn.local("i32"), fn.local("v128"), fn.local("f32")];
  fn.get(B).get(COUNT).i32Const(-4).op(OP.i32And).i32Const(2).op(OP.i32Shl).op(OP.i32Add).set(end);
  forRangeLoop(
    fn,
    at,
    () => fn.get(B),
    () => fn.get(end),
    16,
    () => {
      fn.get(at).simdMem(SIMD.load, 2).tee(v).get(v).simd(SIMD.f32x4Sub).simd(SIMD.const, ...new Array<number>(16).fill(0)).simd(SIMD.f32x4Eq).simd(SIMD.i32x4AllTrue).op(OP.i32Eqz);
      fn.begin(OP.if).i32Const(0).op(OP.return).op(OP.end);
    },
    true,
  );
  forRangeLoop(fn, at, () => fn.get(end), () => fn.get(B).get(COUNT).i32Const(2).op(OP.i32Shl).op(OP.i32Add), 4, () => {
    fn.get(at);
    f32Load(fn);
    fn.tee(x).get(x).op(OP.f32Sub).f32Const(0).op(OP.f32Ne);
    fn.begin(OP.if).i32Const(0).op(OP.return).op(OP.end);
  }, true);
  fn.i32Const(1);
  return fn;
}

/** What one sparse multiply function is specialised to. */
export interface SparseGemmSpec {
  /** Columns of `B` and `C`. */
  readonly n: number;
  /** Whether a `[n]` bias is added to every row. */
  readonly bias: boolean;
  /** Whether to use relaxed-SIMD fused multiply-adds. */
  readonly fma: boolean;
}

/**
 * `spmm(scratch, b, c, bias, m)`: `C[m, n] = op(A) · B (+ bias)` from the row lists a build
 * function left in `scratch` (`b`, `c`, `bias` byte addresses; `bias` ignored unless `spec.bias`).
 */
export function sparseGemmFunction(spec: SparseGemmSpec): WasmFunction {
  const { n } = spec;
  if (!Number.isInteger(n) || n < 1) throw new Error(`sparse gemm: n must be a positive integer, got ${n}`);
  const fn = new WasmFunction(["i32", "i32", "i32", "i32", "i32"], []);
  const [SCRATCH, B, C, BIAS, M] = [0, 1, 2, 3, 4];
  const [i, jb, e, eEnd, pb, pc, entries] = Array.from({ length: 7 }, () => fn.local("i32"));
  const av = fn.local("v128");
  const accV = Array.from({ length: 8 }, () => fn.local("v128"));
  const accS = fn.local("f32");
  setEntries(fn, SCRATCH, M, entries);

  /** One row chunk of `vectors` v128 columns (0: one scalar column) at (i, jb). */
  const chunk = (vectors: number) => {
    const scalar = vectors === 0;
    for (let v = 0; v < Math.max(vectors, 1); v++) {
      if (spec.bias) {
        fn.get(BIAS).get(jb).i32Const(2).op(OP.i32Shl).op(OP.i32Add);
        if (scalar) f32Load(fn);
        else fn.simdMem(SIMD.load, 2, v * 16);
      } else if (scalar) fn.f32Const(0);
      else fn.simd(SIMD.const, ...new Array<number>(16).fill(0));
      fn.set(scalar ? accS : accV[v]!);
    }
    // pb = b + jb·4; walk the entries of row i.
    fn.get(B).get(jb).i32Const(2).op(OP.i32Shl).op(OP.i32Add).set(pb);
    fn.get(SCRATCH).get(i).i32Const(3).op(OP.i32Shl).op(OP.i32Add);
    i32Load(fn);
    fn.i32Const(3).op(OP.i32Shl).get(entries).op(OP.i32Add).set(e);
    fn.get(SCRATCH).get(i).i32Const(3).op(OP.i32Shl).op(OP.i32Add);
    i32Load(fn, 4);
    fn.i32Const(3).op(OP.i32Shl).get(entries).op(OP.i32Add).set(eEnd);
    forRangeLoop(fn, e, () => fn.get(e), () => fn.get(eEnd), 8, () => {
      if (scalar) {
        fn.get(accS).get(e);
        f32Load(fn, 4);
        fn.get(pb).get(e);
        i32Load(fn);
        fn.op(OP.i32Add);
        f32Load(fn);
        fn.op(OP.f32Mul).op(OP.f32Add).set(accS);
        return;
      }
      fn.get(e).simdMem(SIMD.load32Splat, 2, 4).set(av);
      // the row of B: pb + offset
      fn.get(pb).get(e);
      i32Load(fn);
      fn.op(OP.i32Add).set(pc);
      for (let v = 0; v < vectors; v++) {
        if (spec.fma) fn.get(av).get(pc).simdMem(SIMD.load, 2, v * 16).get(accV[v]!).simd(SIMD.f32x4RelaxedMadd);
        else fn.get(accV[v]!).get(av).get(pc).simdMem(SIMD.load, 2, v * 16).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add);
        fn.set(accV[v]!);
      }
    }, true);
    // C[i, jb …] = acc
    fn.get(C).get(i).i32Const(n * 4).op(OP.i32Mul).op(OP.i32Add).get(jb).i32Const(2).op(OP.i32Shl).op(OP.i32Add).set(pc);
    for (let v = 0; v < Math.max(vectors, 1); v++) {
      fn.get(pc).get(scalar ? accS : accV[v]!);
      if (scalar) f32Store(fn);
      else fn.simdMem(SIMD.store, 2, v * 16);
    }
  };

  const n32 = n - (n % 32);
  const n8 = n - (n % 8);
  const n4 = n - (n % 4);
  // Rows outside, column chunks inside: a row's entries stay in L1 across its chunks.
  forRangeLoop(fn, i, () => fn.i32Const(0), () => fn.get(M), 1, () => {
    for (const [vectors, from, to, step] of [
      [8, 0, n32, 32],
      [2, n32, n8, 8],
      [1, n8, n4, 4],
      [0, n4, n, 1],
    ] as const) {
      if (from < to) forRangeLoop(fn, jb, () => fn.i32Const(from), () => fn.i32Const(to), step, () => chunk(vectors));
    }
  });
  return fn;
}
