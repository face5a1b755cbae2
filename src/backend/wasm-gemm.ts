/**
 * Matrix products as run-time-built WebAssembly SIMD functions, specialised to one shape:
 * `C = A · B (+ bias) (+ C)` for row-major float32 `B` `[k, n]` and `C` `[m, n]`, with `A` read
 * through element strides (so `A` may be a matrix or the transpose of one at no cost).
 *
 * The function walks `C` in tiles of `mr` rows × 8 columns held in registers (the "splat"
 * scheme: each step loads two vectors of a row of `B`, broadcasts one element of `A` per tile
 * row, and accumulates products). Edge columns go through 4-wide and scalar tiles, edge rows
 * through a shorter tile; `k` is split in blocks whose rows of `B` stay in the L1 cache. The k
 * loop is not unrolled: V8's optimizing compiler (11.x) hoists an unrolled step's loads above
 * the previous step's multiply-adds and then spills accumulators (measured: about half the
 * speed). `B` is read in place: no packing,
 * which is what costs tfjs' XNNPACK products time when a weight changes every step.
 *
 * With `fma` the accumulation is the relaxed-SIMD `f32x4.relaxed_madd` (one fused
 * multiply-add where the CPU has one), else a multiply and an add.
 *
 * @module
 */
import { forRangeLoop, OP, SIMD, WasmFunction } from "./wasm-builder.js";

/** The shape and layout one GEMM function is specialised to (sizes in elements). */
export interface GemmSpec {
  /** Columns of `B` and `C`. */
  readonly n: number;
  /** Columns of `op(A)`, rows of `B`. */
  readonly k: number;
  /** Whether `A` is stored as `[k, m]` and read transposed (else `[m, k]`). */
  readonly transposeA: boolean;
  /** Whether a `[n]` bias is added to every row. */
  readonly bias: boolean;
  /** Whether to use relaxed-SIMD fused multiply-adds (the engine must support them). */
  readonly fma: boolean;
  /** Tile rows (default 4). */
  readonly mr?: number;
  /** Length of the k blocks (default {@link KC}): a block's rows of `B` stay in the L1 cache. */
  readonly kc?: number;
  /** Rows per block of `A` (default {@link MC}, rounded to a multiple of `mr`). */
  readonly mc?: number;
}

/** Length of the k blocks: 256 rows × 8 columns of `B` (8 KiB) stay in the L1 cache. */
const KC = 256;

/** Rows per block of `A`: 128 rows × a k block (128 KiB) stay in the L2 cache across columns. */
const MC = 128;

/** Columns per tile kind: two vectors, one vector, one scalar. */
type TileKind = 8 | 4 | 1;

/**
 * Builds `gemm(a, b, c, bias, m)`: `C[m, n] = op(A) · B (+ bias)` for the byte addresses `a`,
 * `b`, `c` and `bias` (ignored unless `spec.bias`) and `m` rows (at least 1).
 */
export function gemmFunction(spec: GemmSpec): WasmFunction {
  const { n, k } = spec;
  for (const [name, v] of Object.entries({ n, k })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`gemm: ${name} must be a positive integer, got ${v}`);
  }
  const mr = spec.mr ?? 4;
  const fn = new WasmFunction(["i32", "i32", "i32", "i32", "i32"], []);
  const [A, B, C, BIAS, M] = [0, 1, 2, 3, 4];
  const ib = fn.local("i32"); // first row of the tile
  const jb = fn.local("i32"); // first column of the tile
  const pa = fn.local("i32");
  const pb = fn.local("i32");
  const pc = fn.local("i32");
  const count = fn.local("i32");
  const k0 = fn.local("i32"); // first column of op(A) in the current k block
  const kLen = fn.local("i32"); // length of the current k block
  const i0 = fn.local("i32"); // first row of the current block of rows
  const iEnd = fn.local("i32"); // end of the current block of full tiles
  const av = fn.local("v128");
  const bv = [fn.local("v128"), fn.local("v128")];
  const bs = fn.local("f32");
  const accV = Array.from({ length: mr }, () => [fn.local("v128"), fn.local("v128")]);
  const accS = Array.from({ length: mr }, () => fn.local("f32"));

  const fullRows = fn.local("i32"); // m rounded down to a multiple of mr
  const aColBytes = fn.local("i32"); // bytes from A[i, p] to A[i, p + 1]
  const aRowBytes = spec.transposeA ? 4 : k * 4; // from A[i, p] to A[i + 1, p]
  const ldbBytes = n * 4;
  const ldcBytes = n * 4;

  const zeroV = () => {
    fn.simd(SIMD.const, ...new Array<number>(16).fill(0));
  };

  /** pc = C + (ib·ldc + jb)·4. */
  const setPc = () => fn.get(C).get(ib).i32Const(ldcBytes).op(OP.i32Mul).op(OP.i32Add).get(jb).i32Const(2).op(OP.i32Shl).op(OP.i32Add).set(pc);

  /**
   * Emits one tile of `rows` rows × `kind` columns at (ib, jb) over `op(A)[·, k0 : k0 + kLen]`:
   * the accumulators start from the bias (or zero) in the first k block and from C in later ones.
   */
  const tile = (rows: number, kind: TileKind) => {
    const nv = kind === 8 ? 2 : 1;
    setPc();
    const init = (fromC: boolean) => {
      for (let r = 0; r < rows; r++) {
        for (let v = 0; v < nv; v++) {
          if (fromC || spec.bias) {
            if (fromC) fn.get(pc);
            else fn.get(BIAS).get(jb).i32Const(2).op(OP.i32Shl).op(OP.i32Add);
            const at = fromC ? r * ldcBytes + v * 16 : v * 16;
            if (kind === 1) fn.mem(OP.f32Load, 2, at);
            else fn.simdMem(SIMD.load, 2, at);
          } else if (kind === 1) fn.op(0x43, 0, 0, 0, 0); // f32.const 0
          else zeroV();
          fn.set(kind === 1 ? accS[r]! : accV[r]![v]!);
        }
      }
    };
    fn.get(k0).op(OP.i32Eqz).begin(OP.if);
    init(false);
    fn.op(OP.else);
    init(true);
    fn.op(OP.end);
    // pa = A + ib·aRowBytes + k0·aColBytes, pb = B + jb·4 + k0·ldb·4
    fn.get(A).get(ib).i32Const(aRowBytes).op(OP.i32Mul).op(OP.i32Add).get(aColBytes).get(k0).op(OP.i32Mul).op(OP.i32Add).set(pa);
    fn.get(B).get(jb).i32Const(2).op(OP.i32Shl).op(OP.i32Add).get(k0).i32Const(ldbBytes).op(OP.i32Mul).op(OP.i32Add).set(pb);
    const step = () => {
      // Row p of the B panel.
      if (kind === 1) {
        fn.get(pb).mem(OP.f32Load, 2, 0).set(bs);
      } else {
        for (let v = 0; v < nv; v++) fn.get(pb).simdMem(SIMD.load, 2, v * 16).set(bv[v]!);
      }
      for (let r = 0; r < rows; r++) {
        const offset = r * aRowBytes;
        if (kind === 1) {
          fn.get(accS[r]!).get(pa).mem(OP.f32Load, 2, offset).get(bs).op(OP.f32Mul).op(OP.f32Add).set(accS[r]!);
          continue;
        }
        fn.get(pa).simdMem(SIMD.load32Splat, 2, offset).set(av);
        for (let v = 0; v < nv; v++) {
          if (spec.fma) fn.get(av).get(bv[v]!).get(accV[r]![v]!).simd(SIMD.f32x4RelaxedMadd);
          else fn.get(accV[r]![v]!).get(av).get(bv[v]!).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add);
          fn.set(accV[r]![v]!);
        }
      }
    };
    fn.get(kLen).set(count);
    fn.begin(OP.loop);
    step();
    fn.get(pa).get(aColBytes).op(OP.i32Add).set(pa);
    fn.get(pb).i32Const(ldbBytes).op(OP.i32Add).set(pb);
    fn.get(count).i32Const(1).op(OP.i32Sub).tee(count).brIf(0);
    fn.op(OP.end);
    for (let r = 0; r < rows; r++) {
      for (let v = 0; v < nv; v++) {
        const offset = r * ldcBytes + v * 16;
        fn.get(pc).get(kind === 1 ? accS[r]! : accV[r]![v]!);
        if (kind === 1) fn.mem(OP.f32Store, 2, offset);
        else fn.simdMem(SIMD.store, 2, offset);
      }
    }
  };

  const forRange = (v: number, from: () => void, to: () => void, stride: number, body: () => void) => forRangeLoop(fn, v, from, to, stride, body);
  const constant = (v: number) => () => void fn.i32Const(v);

  fn.get(M).i32Const(mr).op(0x6d /* i32.div_s */).i32Const(mr).op(OP.i32Mul).set(fullRows);
  if (spec.transposeA) fn.get(M).i32Const(2).op(OP.i32Shl).set(aColBytes);
  else fn.i32Const(4).set(aColBytes);
  const kc = spec.kc ?? KC;
  const mc = Math.max(mr, Math.floor((spec.mc ?? MC) / mr) * mr);
  const n8 = n - (n % 8);
  const n4 = n - (n % 4);
  const kinds = ([
    [8, 0, n8],
    [4, n8, n4],
    [1, n4, n],
  ] as const).filter(([, from, to]) => from < to);
  // for (k0 = 0; k0 < k; k0 += kc) with kLen = min(kc, k − k0)
  forRange(k0, constant(0), constant(k), kc, () => {
    fn.i32Const(kc).i32Const(k).get(k0).op(OP.i32Sub).i32Const(kc).i32Const(k).get(k0).op(OP.i32Sub).op(OP.i32LtS).op(OP.select).set(kLen);
    // Full tiles, mc rows at a time (their k block of A stays in the L2 cache across columns).
    forRange(i0, constant(0), () => fn.get(fullRows), mc, () => {
      fn.get(i0).i32Const(mc).op(OP.i32Add).get(fullRows).get(i0).i32Const(mc).op(OP.i32Add).get(fullRows).op(OP.i32LtS).op(OP.select).set(iEnd);
      for (const [kind, from, to] of kinds) {
        forRange(jb, constant(from), constant(to), kind, () => forRange(ib, () => fn.get(i0), () => fn.get(iEnd), mr, () => tile(mr, kind)));
      }
    });
    // The last m mod mr rows.
    for (let rows = 1; rows < mr; rows++) {
      fn.get(M).get(fullRows).op(OP.i32Sub).i32Const(rows).op(OP.i32Eq).begin(OP.if);
      fn.get(fullRows).set(ib);
      for (const [kind, from, to] of kinds) forRange(jb, constant(from), constant(to), kind, () => tile(rows, kind));
      fn.op(OP.end);
    }
  });
  return fn;
}
