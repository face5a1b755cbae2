/**
 * Three tensor ops that tfjs' WebAssembly backend runs slowly at scVI's sizes, as kernels on
 * the backend's heap (`wasm-heap.ts`), each with a tfjs fallback on other backends:
 *
 * - {@link transpose2d}: the backend's `Transpose` walks the output with a generic strided loop
 *   (~1 ms for 128 × 2,000); here a cache-blocked copy (~4× faster).
 * - {@link sumRows}: a sum over the first axis of a matrix, which the backend computes by
 *   transposing first; here rows are accumulated with f32x4 adds.
 * - {@link log1pCounts}: `log1p` of count data (scVI's encoder input), which the backend
 *   evaluates with a scalar libm call per element; here two lanes at a time in float64.
 *
 * All three are differentiable (`customGrad` while a tape records). {@link expand2d} (a vector
 * repeated into a matrix) serves their gradients and `Sum`'s.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { encodeModule, forRangeLoop, OP, WasmFunction, SIMD } from "./wasm-builder.js";
import { Emitter } from "./wasm-expr.js";
import { heapModule, heapOffset, tfjsHeap, type TfjsHeap } from "./wasm-heap.js";
import { Simd, SimdMath } from "./wasm-simd.js";

/** Tile edge of the blocked transpose (16 × 16 float32 = 1 KiB per tile side). */
const TILE = 16;


/**
 * `transpose(rows, cols, in, out)`: out[c, r] = in[r, c], tile by tile; full tiles in 4 × 4
 * blocks (four loads, eight shuffles, four stores), edge tiles element by element.
 */
function transposeFunction(): WasmFunction {
  const fn = new WasmFunction(["i32", "i32", "i32", "i32"], []);
  const c = new Emitter(fn);
  const [ROWS, COLS, IN, OUT] = [0, 1, 2, 3];
  const [r0, c0, r, rEnd, cEnd, src, dst, srcEnd, outStride, cb, inStride] = Array.from({ length: 11 }, () => c.local("i32"));
  const rowsV = [0, 1, 2, 3].map(() => c.local("v128"));
  const pairs = [0, 1, 2, 3].map(() => c.local("v128"));
  /** out = the float32 lanes `lanes` of (a, b) (0–3 from a, 4–7 from b). */
  const shuffle = (a: number, b: number, lanes: number[], out: number) => {
    fn.get(a).get(b).simd(SIMD.i8x16Shuffle, ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]));
    fn.set(out);
  };
  const g = (l: number) => c.get(l);
  const add = (a: number, k: number | (() => void)) => c.i32Add(g(a), typeof k === "number" ? c.i32(k) : k);
  const min = (a: number, b: number) => c.select(c.i32LtS(add(a, TILE), g(b)), add(a, TILE), g(b));
  const loopTo = (v: number, from: () => void, end: () => void, step: number, body: () => void) => {
    c.set(v, from);
    c.block((exit) =>
      c.loop((top) => {
        c.brIf(c.i32GeS(g(v), end), exit);
        body();
        c.set(v, add(v, step));
        c.br(top);
      }),
    );
  };
  c.set(outStride, c.i32Shl(g(ROWS), 2));
  c.set(inStride, c.i32Shl(g(COLS), 2));
  loopTo(r0, c.i32(0), g(ROWS), TILE, () => {
    c.set(rEnd, min(r0, ROWS));
    loopTo(c0, c.i32(0), g(COLS), TILE, () => {
      c.set(cEnd, min(c0, COLS));
      // A full tile in 4 × 4 blocks of SIMD shuffles; an edge tile element by element.
      c.if(
        c.and(c.i32Eq(c.i32Add(g(r0), c.i32(TILE)), g(rEnd)), c.i32Eq(c.i32Add(g(c0), c.i32(TILE)), g(cEnd))),
        () => {
          loopTo(r, g(r0), g(rEnd), 4, () => {
            loopTo(cb, g(c0), g(cEnd), 4, () => {
              // src = &in[r, cb], dst = &out[cb, r]
              c.set(src, c.i32Add(g(IN), c.i32Shl(c.i32Add(c.i32Mul(g(r), g(COLS)), g(cb)), 2)));
              c.set(dst, c.i32Add(g(OUT), c.i32Shl(c.i32Add(c.i32Mul(g(cb), g(ROWS)), g(r)), 2)));
              for (let k = 0; k < 4; k++) {
                fn.get(src).simdMem(SIMD.load, 2).set(rowsV[k]!);
                c.set(src, c.i32Add(g(src), g(inStride)));
              }
              shuffle(rowsV[0]!, rowsV[1]!, [0, 4, 1, 5], pairs[0]!);
              shuffle(rowsV[0]!, rowsV[1]!, [2, 6, 3, 7], pairs[1]!);
              shuffle(rowsV[2]!, rowsV[3]!, [0, 4, 1, 5], pairs[2]!);
              shuffle(rowsV[2]!, rowsV[3]!, [2, 6, 3, 7], pairs[3]!);
              const outs: [number, number, number[]][] = [
                [pairs[0]!, pairs[2]!, [0, 1, 4, 5]],
                [pairs[0]!, pairs[2]!, [2, 3, 6, 7]],
                [pairs[1]!, pairs[3]!, [0, 1, 4, 5]],
                [pairs[1]!, pairs[3]!, [2, 3, 6, 7]],
              ];
              for (const [a, b, lanes] of outs) {
                fn.get(dst);
                fn.get(a).get(b).simd(SIMD.i8x16Shuffle, ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]));
                fn.simdMem(SIMD.store, 2);
                c.set(dst, c.i32Add(g(dst), g(outStride)));
              }
            });
          });
        },
        () =>
      loopTo(r, g(r0), g(rEnd), 1, () => {
        // One row of the tile: src walks in[r, c0..cEnd), dst walks out[c0..cEnd, r].
        c.set(src, c.i32Add(g(IN), c.i32Shl(c.i32Add(c.i32Mul(g(r), g(COLS)), g(c0)), 2)));
        c.set(srcEnd, c.i32Add(g(IN), c.i32Shl(c.i32Add(c.i32Mul(g(r), g(COLS)), g(cEnd)), 2)));
        c.set(dst, c.i32Add(g(OUT), c.i32Shl(c.i32Add(c.i32Mul(g(c0), g(ROWS)), g(r)), 2)));
        c.block((exit) =>
          c.loop((top) => {
            c.brIf(c.i32GeU(g(src), g(srcEnd)), exit);
            g(dst)();
            g(src)();
            fn.mem(0x28, 2).mem(0x36, 2); // i32.load / i32.store: a bit-exact copy
            c.set(src, add(src, 4));
            c.set(dst, add(dst, g(outStride)));
            c.br(top);
          }),
        );
      }),
      );
    });
  });
  return fn;
}

/** `sumRows(rows, cols, in, out)`: out[c] = Σ_r in[r, c] (f32x4 accumulation along rows). */
function sumRowsFunction(): WasmFunction {
  const fn = new WasmFunction(["i32", "i32", "i32", "i32"], []);
  const c = new Emitter(fn);
  const [ROWS, COLS, IN, OUT] = [0, 1, 2, 3];
  const [r, col, rowAt] = [c.local("i32"), c.local("i32"), c.local("i32")];
  const g = (l: number) => c.get(l);
  // Zero the output.
  c.set(col, c.i32(0));
  c.block((exit) =>
    c.loop((top) => {
      c.brIf(c.i32GeS(g(col), g(COLS)), exit);
      c.storeI32(c.i32Add(g(OUT), c.i32Shl(g(col), 2)), c.i32(0)); // +0.0f
      c.set(col, c.i32Add(g(col), c.i32(1)));
      c.br(top);
    }),
  );
  c.set(r, c.i32(0));
  c.block((exitR) =>
    c.loop((topR) => {
      c.brIf(c.i32GeS(g(r), g(ROWS)), exitR);
      c.set(rowAt, c.i32Add(g(IN), c.i32Shl(c.i32Mul(g(r), g(COLS)), 2)));
      c.set(col, c.i32(0));
      c.block((exit) =>
        c.loop((top) => {
          c.brIf(c.i32GeS(c.i32Add(g(col), c.i32(3)), g(COLS)), exit);
          const dst = c.i32Add(g(OUT), c.i32Shl(g(col), 2));
          dst();
          dst();
          fn.simdMem(SIMD.load, 2);
          c.i32Add(g(rowAt), c.i32Shl(g(col), 2))();
          fn.simdMem(SIMD.load, 2).simd(SIMD.f32x4Add).simdMem(SIMD.store, 2);
          c.set(col, c.i32Add(g(col), c.i32(4)));
          c.br(top);
        }),
      );
      // The remaining (cols mod 4) columns one by one.
      c.block((exit) =>
        c.loop((top) => {
          c.brIf(c.i32GeS(g(col), g(COLS)), exit);
          const dst = c.i32Add(g(OUT), c.i32Shl(g(col), 2));
          dst();
          dst();
          fn.mem(0x2a, 2);
          c.i32Add(g(rowAt), c.i32Shl(g(col), 2))();
          fn.mem(0x2a, 2).op(0x92).mem(0x38, 2); // f32.load, f32.load, f32.add, f32.store
          c.set(col, c.i32Add(g(col), c.i32(1)));
          c.br(top);
        }),
      );
      c.set(r, c.i32Add(g(r), c.i32(1)));
      c.br(topR);
    }),
  );
  return fn;
}

/**
 * `expand(rows, cols, alongRows, in, out)`: `out[r, c] = in[c]` (alongRows = 1: a row repeated)
 * or `in[r]` (alongRows = 0: a column repeated), as 32-bit copies.
 */
function expandFunction(): WasmFunction {
  const fn = new WasmFunction(["i32", "i32", "i32", "i32", "i32"], []);
  const c = new Emitter(fn);
  const [ROWS, COLS, ALONG_ROWS, IN, OUT] = [0, 1, 2, 3, 4];
  const [r, col, dst] = [c.local("i32"), c.local("i32"), c.local("i32")];
  const g = (l: number) => c.get(l);
  c.set(dst, g(OUT));
  c.block((exitR) =>
    c.loop((topR) => {
      c.brIf(c.i32GeS(g(r), g(ROWS)), exitR);
      c.set(col, c.i32(0));
      c.block((exit) =>
        c.loop((top) => {
          c.brIf(c.i32GeS(g(col), g(COLS)), exit);
          g(dst)();
          // source: in[col] along rows, in[r] otherwise
          c.i32Add(g(IN), c.i32Shl(c.select(g(ALONG_ROWS), g(col), g(r)), 2))();
          fn.mem(0x28, 2).mem(0x36, 2);
          c.set(dst, c.i32Add(g(dst), c.i32(4)));
          c.set(col, c.i32Add(g(col), c.i32(1)));
          c.br(top);
        }),
      );
      c.set(r, c.i32Add(g(r), c.i32(1)));
      c.br(topR);
    }),
  );
  return fn;
}

/** Integer counts below this take `log1p` from a table. */
const LOG1P_TABLE_SIZE = 256;

/** `log1p(k)` for k = 0 … {@link LOG1P_TABLE_SIZE} − 1, as float64. */
const LOG1P_TABLE = Float64Array.from({ length: LOG1P_TABLE_SIZE }, (_, k) => Math.log1p(k));

/**
 * `log1p(n, in, out, table) → ok`: out = log1p(in) in pairs, a pair of integer counts below
 * {@link LOG1P_TABLE_SIZE} from `table` (float64 log1p(k)), others by the polynomial; returns 0
 * (writing nothing useful) if any input is ≤ −1 or not finite.
 */
function log1pFunction(): WasmFunction {
  const fn = new WasmFunction(["i32", "i32", "i32", "i32"], ["i32"]);
  const c = new Emitter(fn);
  const v = new Simd(c);
  const math = new SimdMath(v);
  const [N, IN, OUT, TABLE] = [0, 1, 2, 3];
  const i = c.local("i32");
  const [x, y] = [v.local(), v.local()];
  const g = (l: number) => c.get(l);
  const tableAt = (lane: 0 | 1) => c.i32Add(g(TABLE), c.i32Shl(c.toI32(v.lane(v.get(x), lane)), 3));
  const body = (load: () => () => void, store: (e: () => void) => void) => {
    v.set(x, load());
    const small = v.and(v.and(v.ge(v.get(x), v.f64(0)), v.lt(v.get(x), v.f64(LOG1P_TABLE_SIZE))), v.eq(v.get(x), v.floor(v.get(x))));
    c.if(
      v.allTrue(small),
      () => v.set(y, v.replace(v.splat(c.loadF64(tableAt(0))), 1, c.loadF64(tableAt(1)))),
      () => {
        c.if(c.not(v.allTrue(v.and(v.gt(v.get(x), v.f64(-1)), v.lt(v.get(x), v.f64(1e300))))), () => c.ret(c.i32(0)));
        math.log1p(y, v.get(x));
      },
    );
    store(v.get(y));
  };
  c.block((exit) =>
    c.loop((top) => {
      c.brIf(c.i32GeS(c.i32Add(g(i), c.i32(1)), g(N)), exit);
      body(
        () => v.loadF32Pair(c.i32Add(g(IN), c.i32Shl(g(i), 2))),
        (e) => v.storeF32Pair(c.i32Add(g(OUT), c.i32Shl(g(i), 2)), e),
      );
      c.set(i, c.i32Add(g(i), c.i32(2)));
      c.br(top);
    }),
  );
  c.if(c.i32Eq(g(i), c.i32Add(g(N), c.i32(-1))), () =>
    body(
      () => v.splat(c.loadF32(c.i32Add(g(IN), c.i32Shl(g(i), 2)))),
      (e) => c.storeF32(c.i32Add(g(OUT), c.i32Shl(g(i), 2)), v.lane(e, 0)),
    ),
  );
  c.ret(c.i32(1));
  return fn;
}

/** `sumSquares(n, in) → Σ in[i]²` in float64 (f64x2 lanes; an odd last element in scalar code). */
function sumSquaresFunction(): WasmFunction {
  const fn = new WasmFunction(["i32", "i32"], ["f64"]);
  const c = new Emitter(fn);
  const v = new Simd(c);
  const [N, IN] = [0, 1];
  const i = c.local("i32");
  const [x, acc] = [v.local(), v.local()];
  const total = c.local("f64");
  const g = (l: number) => c.get(l);
  v.set(acc, v.f64(0));
  c.block((exit) =>
    c.loop((top) => {
      c.brIf(c.i32GeS(c.i32Add(g(i), c.i32(1)), g(N)), exit);
      v.set(x, v.loadF32Pair(c.i32Add(g(IN), c.i32Shl(g(i), 2))));
      v.set(acc, v.add(v.get(acc), v.mul(v.get(x), v.get(x))));
      c.set(i, c.i32Add(g(i), c.i32(2)));
      c.br(top);
    }),
  );
  c.set(total, c.add(v.lane(v.get(acc), 0), v.lane(v.get(acc), 1)));
  c.if(c.i32Eq(g(i), c.i32Add(g(N), c.i32(-1))), () => {
    const last = c.loadF32(c.i32Add(g(IN), c.i32Shl(g(i), 2)));
    c.set(total, c.add(g(total), c.mul(last, last)));
  });
  c.ret(g(total));
  return fn;
}

/**
 * `sumLastAxis(rows, cols, in, out)`: out[r] = Σ_c in[r, c], accumulated in float64 two
 * columns at a time (an odd last column in scalar code), rounded once to float32.
 */
function sumLastAxisFunction(): WasmFunction {
  const fn = new WasmFunction(["i32", "i32", "i32", "i32"], []);
  const c = new Emitter(fn);
  const v = new Simd(c);
  const [ROWS, COLS, IN, OUT] = [0, 1, 2, 3];
  const [r, at, end] = [c.local("i32"), c.local("i32"), c.local("i32")];
  const acc = v.local();
  const total = c.local("f64");
  const g = (l: number) => c.get(l);
  c.set(at, g(IN));
  c.block((exitRows) =>
    c.loop((nextRow) => {
      c.brIf(c.i32GeS(g(r), g(ROWS)), exitRows);
      // end = the row's last pair boundary: at + 4·(cols − cols mod 2)
      c.set(end, c.i32Add(g(at), c.i32Shl(c.and(g(COLS), c.i32(-2)), 2)));
      v.set(acc, v.f64(0));
      c.block((exit) =>
        c.loop((top) => {
          c.brIf(c.i32GeU(g(at), g(end)), exit);
          v.set(acc, v.add(v.get(acc), v.loadF32Pair(g(at))));
          c.set(at, c.i32Add(g(at), c.i32(8)));
          c.br(top);
        }),
      );
      c.set(total, c.add(v.lane(v.get(acc), 0), v.lane(v.get(acc), 1)));
      c.if(c.and(g(COLS), c.i32(1)), () => {
        c.set(total, c.add(g(total), c.loadF32(g(at))));
        c.set(at, c.i32Add(g(at), c.i32(4)));
      });
      c.storeF32(c.i32Add(g(OUT), c.i32Shl(g(r), 2)), g(total));
      c.set(r, c.i32Add(g(r), c.i32(1)));
      c.br(nextRow);
    }),
  );
  return fn;
}

/**
 * `softmaxGrad(rows, cols, y, dy, out)`: the softmax's input gradient row by row,
 * out[r, c] = y[r, c] · (dy[r, c] − Σ_k dy[r, k] y[r, k]), the sum in float64.
 */
function softmaxGradFunction(): WasmFunction {
  const fn = new WasmFunction(["i32", "i32", "i32", "i32", "i32"], []);
  const c = new Emitter(fn);
  const [ROWS, COLS, Y, DY, OUT] = [0, 1, 2, 3, 4];
  const [r, k, row] = [c.local("i32"), c.local("i32"), c.local("i32")];
  const [dot, y] = [c.local("f64"), c.local("f64")];
  const g = (l: number) => c.get(l);
  const at = (base: number) => c.i32Add(g(base), c.i32Shl(c.i32Add(g(row), g(k)), 2));
  const overColumns = (body: () => void) => {
    c.set(k, c.i32(0));
    c.block((exit) =>
      c.loop((top) => {
        c.brIf(c.i32GeS(g(k), g(COLS)), exit);
        body();
        c.set(k, c.i32Add(g(k), c.i32(1)));
        c.br(top);
      }),
    );
  };
  c.block((exitRows) =>
    c.loop((nextRow) => {
      c.brIf(c.i32GeS(g(r), g(ROWS)), exitRows);
      c.set(row, c.i32Mul(g(r), g(COLS)));
      c.set(dot, c.f64(0));
      overColumns(() => c.set(dot, c.add(g(dot), c.mul(c.loadF32(at(DY)), c.loadF32(at(Y))))));
      overColumns(() => {
        c.set(y, c.loadF32(at(Y)));
        c.storeF32(at(OUT), c.mul(g(y), c.sub(c.loadF32(at(DY)), g(dot))));
      });
      c.set(r, c.i32Add(g(r), c.i32(1)));
      c.br(nextRow);
    }),
  );
  return fn;
}

/**
 * `mulEach(n, dy, a, b, c, outA, outB, outC)`: outX = dy · X elementwise for each of up to three
 * float32 arrays (an address of 0 skips one), four lanes at a time, one pass over `dy`.
 */
function mulEachFunction(): WasmFunction {
  const fn = new WasmFunction(["i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32"], []);
  const [N, DY, A, B, C, OA, OB, OC] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [i, end] = [fn.local("i32"), fn.local("i32")];
  const d = fn.local("v128");
  const ds = fn.local("f32");
  const pairs: [number, number][] = [
    [A, OA],
    [B, OB],
    [C, OC],
  ];
  // Full vectors: i < n − n mod 4 (byte offsets)
  fn.get(N).i32Const(-4).op(OP.i32And).i32Const(2).op(OP.i32Shl).set(end);
  forRangeLoop(fn, i, () => fn.i32Const(0), () => fn.get(end), 16, () => {
    fn.get(DY).get(i).op(OP.i32Add).simdMem(SIMD.load, 2).set(d);
    for (const [src, out] of pairs) {
      fn.get(src).begin(OP.if);
      fn.get(out).get(i).op(OP.i32Add);
      fn.get(src).get(i).op(OP.i32Add).simdMem(SIMD.load, 2).get(d).simd(SIMD.f32x4Mul);
      fn.simdMem(SIMD.store, 2);
      fn.op(OP.end);
    }
  });
  forRangeLoop(fn, i, () => fn.get(end), () => fn.get(N).i32Const(2).op(OP.i32Shl), 4, () => {
    fn.get(DY).get(i).op(OP.i32Add).mem(OP.f32Load, 2).set(ds);
    for (const [src, out] of pairs) {
      fn.get(src).begin(OP.if);
      fn.get(out).get(i).op(OP.i32Add);
      fn.get(src).get(i).op(OP.i32Add).mem(OP.f32Load, 2).get(ds).op(OP.f32Mul);
      fn.mem(OP.f32Store, 2);
      fn.op(OP.end);
    }
  });
  return fn;
}

interface HeapOps {
  mulEach: (n: number, dy: number, a: number, b: number, c: number, outA: number, outB: number, outC: number) => void;
  softmaxGrad: (rows: number, cols: number, y: number, dy: number, output: number) => void;
  sumLastAxis: (rows: number, cols: number, input: number, output: number) => void;
  transpose: (rows: number, cols: number, input: number, output: number) => void;
  expand: (rows: number, cols: number, alongRows: number, input: number, output: number) => void;
  sumSquares: (n: number, input: number) => number;
  sumRows: (rows: number, cols: number, input: number, output: number) => void;
  log1p: (n: number, input: number, output: number, table: number) => number;
}

function ops(heap: TfjsHeap): HeapOps | null {
  return heapModule(heap, "scvi-ts:heap-ops", () =>
    encodeModule([transposeFunction(), sumRowsFunction(), log1pFunction(), expandFunction(), sumSquaresFunction(), sumLastAxisFunction(), softmaxGradFunction(), mulEachFunction()], { transpose: 0, sumRows: 1, log1p: 2, expand: 3, sumSquares: 4, sumLastAxis: 5, softmaxGrad: 6, mulEach: 7 }, {
      pages: 1,
      imported: true,
    }),
  ) as HeapOps | null;
}

/** Whether a gradient tape is recording at this point (outside any kernel). */
function taping(): boolean {
  const state = tf.engine().state;
  return state.gradientDepth > 0 && state.kernelDepth === 0;
}

let enabled = true;

/**
 * Turns the heap kernels of this module, and the heap loops of training-mode batch
 * normalisation, on or off (default on; off, they are the tfjs ops).
 */
export function setHeapOps(on: boolean): void {
  enabled = on;
}

/** Whether {@link setHeapOps} left the heap kernels on. */
export function heapOpsEnabled(): boolean {
  return enabled;
}

/** Runs `kernel` from `x` to a new float32 tensor of `shape`; null off the wasm heap. */
function onHeap(x: tf.Tensor, shape: number[], kernel: (o: HeapOps, heap: TfjsHeap, inAt: number, outAt: number) => boolean | void): tf.Tensor | null {
  if (!enabled || x.dtype !== "float32") return null;
  const heap = tfjsHeap();
  const o = heap && ops(heap);
  if (!heap || !o) return null;
  const out = heap.backend.makeOutput(shape, "float32");
  if (kernel(o, heap, heapOffset(heap, x), heapOffset(heap, out)) === false) {
    heap.backend.disposeData(out.dataId);
    return null;
  }
  return tf.engine().makeTensorFromTensorInfo(out);
}

/** `fn(x)` with gradient `grad(dy, x)` while a tape records. */
function differentiable(x: tf.Tensor, fn: (x: tf.Tensor) => tf.Tensor, grad: (dy: tf.Tensor, x: tf.Tensor) => tf.Tensor): tf.Tensor {
  if (!taping()) return fn(x);
  const op = tf.customGrad(((input: tf.Tensor, save: tf.GradSaveFunc) => {
    save([input]);
    return { value: fn(input), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => grad(dy, saved[0]!) };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor) => tf.Tensor;
  return op(x);
}

function transposeRaw(x: tf.Tensor): tf.Tensor {
  const [rows, cols] = x.shape as [number, number];
  return onHeap(x, [cols, rows], (o, _h, inAt, outAt) => o.transpose(rows, cols, inAt, outAt)) ?? tf.transpose(x);
}

/**
 * The transpose of a matrix (`tf.transpose` for 2-d input), faster on the wasm backend.
 *
 * @example
 * ```ts
 * transpose2d(tf.tensor2d([[1, 2, 3]])); // [[1], [2], [3]]
 * ```
 */
export function transpose2d(x: tf.Tensor): tf.Tensor {
  if (x.rank !== 2) throw new Error(`transpose2d: expected a matrix, got shape [${x.shape.join(", ")}]`);
  return differentiable(x, transposeRaw, (dy) => transposeRaw(dy));
}

function sumRowsRaw(x: tf.Tensor): tf.Tensor {
  const [rows, cols] = x.shape as [number, number];
  return onHeap(x, [cols], (o, _h, inAt, outAt) => o.sumRows(rows, cols, inAt, outAt)) ?? tf.sum(x, 0);
}

/**
 * The sum over the first axis of a matrix (`tf.sum(x, 0)`), faster on the wasm backend.
 *
 * @example
 * ```ts
 * sumRows(tf.tensor2d([[1, 2], [3, 4]])); // [4, 6]
 * ```
 */
export function sumRows(x: tf.Tensor): tf.Tensor {
  if (x.rank !== 2) throw new Error(`sumRows: expected a matrix, got shape [${x.shape.join(", ")}]`);
  return differentiable(x, sumRowsRaw, (dy, input) => expand2d(dy, input.shape as [number, number], 0));
}

function sumLastAxisRaw(x: tf.Tensor): tf.Tensor {
  const [rows, cols] = x.shape as [number, number];
  return onHeap(x, [rows], (o, _h, inAt, outAt) => o.sumLastAxis(rows, cols, inAt, outAt)) ?? tf.sum(x, -1);
}

/**
 * The sum over the last axis of a matrix (`tf.sum(x, -1)`), accumulated in float64 on the wasm
 * backend (whose own reduction takes ~0.4 ms for 128 × 2,000; this ~0.05 ms).
 *
 * @example
 * ```ts
 * sumLastAxis(tf.tensor2d([[1, 2], [3, 4]])); // [3, 7]
 * ```
 */
export function sumLastAxis(x: tf.Tensor): tf.Tensor {
  if (x.rank !== 2) throw new Error(`sumLastAxis: expected a matrix, got shape [${x.shape.join(", ")}]`);
  return differentiable(x, sumLastAxisRaw, (dy, input) => expand2d(dy, input.shape as [number, number], 1));
}

/**
 * `tf.softmax(x, -1)` for a matrix, whose gradient is one pass over the wasm heap per row
 * (`y · (dy − Σ dy · y)`, the sum in float64) instead of tfjs' four kernels over the matrix.
 *
 * @example
 * ```ts
 * softmaxLastAxis(tf.tensor2d([[0, 0]])); // [[0.5, 0.5]]
 * ```
 */
export function softmaxLastAxis(x: tf.Tensor): tf.Tensor {
  if (x.rank !== 2) throw new Error(`softmaxLastAxis: expected a matrix, got shape [${x.shape.join(", ")}]`);
  if (!taping()) return tf.softmax(x, -1);
  const op = tf.customGrad(((input: tf.Tensor, save: tf.GradSaveFunc) => {
    const y = tf.softmax(input, -1);
    save([y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const out = saved[0]!;
        const [rows, cols] = out.shape as [number, number];
        const onTheHeap =
          dy.dtype === "float32"
            ? onHeap(out, [rows, cols], (o, heap, yAt, outAt) => o.softmaxGrad(rows, cols, yAt, heapOffset(heap, dy), outAt))
            : null;
        return onTheHeap ?? tf.mul(out, tf.sub(dy, tf.sum(tf.mul(dy, out), -1, true)));
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor) => tf.Tensor;
  return op(x);
}

/**
 * `dy · p` for each of one to three tensors `p` of `dy`'s shape (a gradient times several
 * partial derivatives), in one pass on the wasm heap; tfjs' `mul` elsewhere or when shapes or
 * dtypes differ. Not differentiable (it serves gradients).
 *
 * @example
 * ```ts
 * multiplyEach(tf.tensor([2, 3]), [tf.tensor([1, 1]), tf.tensor([0, 2])]); // [[2, 3], [0, 6]]
 * ```
 */
export function multiplyEach(dy: tf.Tensor, partials: readonly tf.Tensor[]): tf.Tensor[] {
  if (partials.length === 0 || partials.length > 3) throw new Error(`multiplyEach: takes 1 to 3 tensors, got ${partials.length}`);
  const heap = enabled && dy.dtype === "float32" && partials.every((p) => p.dtype === "float32" && tf.util.arraysEqual(p.shape, dy.shape)) ? tfjsHeap() : null;
  const o = heap && ops(heap);
  if (!heap || !o) return partials.map((p) => tf.mul(dy, p));
  const outputs = partials.map(() => heap.backend.makeOutput([...dy.shape], "float32"));
  const at = (t: tf.TensorInfo | undefined) => (t ? heapOffset(heap, t) : 0);
  o.mulEach(dy.size, at(dy), at(partials[0]), at(partials[1]), at(partials[2]), at(outputs[0]), at(outputs[1]), at(outputs[2]));
  return outputs.map((t) => tf.engine().makeTensorFromTensorInfo(t));
}

/**
 * A vector repeated into a `[rows, cols]` matrix: along axis 0 (`v` of length `cols`, every row
 * equal to it) or axis 1 (`v` of length `rows`, every column equal to it); the `Sum` gradient's
 * broadcast. The wasm backend's `Tile` (behind `tf.broadcastTo`) takes ~27 ms for 128 × 2,000;
 * this copy ~0.1 ms. Not differentiable (it serves gradients).
 */
export function expand2d(v: tf.Tensor, shape: [number, number], axis: 0 | 1): tf.Tensor {
  const [rows, cols] = shape;
  const heap = enabled && v.dtype === "float32" && v.size === (axis === 0 ? cols : rows) ? onHeap(v, shape, (o, _h, inAt, outAt) => o.expand(rows, cols, axis === 0 ? 1 : 0, inAt, outAt)) : null;
  if (heap) return heap;
  return tf.tidy(() => tf.add(tf.reshape(v, axis === 0 ? [1, cols] : [rows, 1]), tf.zeros(shape, v.dtype)));
}

function log1pRaw(x: tf.Tensor): tf.Tensor {
  return (
    onHeap(x, [...x.shape], (o, heap, inAt, outAt) => {
      // The table lives in a scratch buffer of the call (growing the heap moves no offset).
      const table = heap.backend.makeOutput([2 * LOG1P_TABLE_SIZE], "float32");
      try {
        const tableAt = heapOffset(heap, table);
        new Float64Array(heap.memory.buffer, tableAt, LOG1P_TABLE_SIZE).set(LOG1P_TABLE);
        return o.log1p(x.size, inAt, outAt, tableAt) === 1;
      } finally {
        heap.backend.disposeData(table.dataId, true);
      }
    }) ?? tf.log1p(x)
  );
}

/**
 * `log(1 + x)` (`tf.log1p`), computed in float64 two elements at a time on the wasm backend
 * (accurate also for tiny `x`, which the backend's `log1p` rounds away); scVI's encoder input.
 *
 * @example
 * ```ts
 * log1pCounts(tf.tensor([0, 1, 9])); // [0, 0.693, 2.303]
 * ```
 */
export function log1pCounts(x: tf.Tensor): tf.Tensor {
  return differentiable(x, log1pRaw, (dy, input) => tf.div(dy, tf.add(input, 1)));
}

/**
 * The sum of the squares of every element of `tensors`, as a number (NaN or Infinity when an
 * element is not finite): on the wasm heap one pass per tensor in float64, no tensor created;
 * elsewhere one tfjs reduction and a read. For a gradient's squared norm.
 *
 * @example
 * ```ts
 * sumOfSquares([tf.tensor([3, 4])]); // 25
 * ```
 */
export function sumOfSquares(tensors: readonly tf.Tensor[]): number {
  const heap = enabled ? tfjsHeap() : null;
  const o = heap && ops(heap);
  if (heap && o && tensors.every((t) => t.dtype === "float32")) {
    let total = 0;
    for (const t of tensors) total += o.sumSquares(t.size, heapOffset(heap, t));
    return total;
  }
  if (tensors.length === 0) return 0;
  const total = tf.tidy(() => tf.addN(tensors.map((t) => tf.sum(tf.square(tf.cast(t, "float32"))))));
  const value = total.dataSync()[0]!;
  total.dispose();
  return value;
}
