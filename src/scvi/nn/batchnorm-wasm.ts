/**
 * The loops of `batchnorm-heap.ts` as WebAssembly functions on the wasm backend's heap
 * (built at run time with `backend/wasm-*.ts`): scalar float64 arithmetic over float32 data, a
 * few passes over a `[n, c]` matrix each. In JavaScript the same loops took about 0.6 ms per
 * `[128, 128]` layer and step; here a tenth of that.
 *
 * @module
 */
import { encodeModule, forRangeLoop, WasmFunction } from "../../backend/wasm-builder.js";
import { Emitter, type Expr } from "../../backend/wasm-expr.js";
import { heapModule, type TfjsHeap } from "../../backend/wasm-heap.js";

/** The exported functions (byte addresses; `mask` 0 for none). */
export interface BatchNormWasm {
  /**
   * Moments, normalisation, affine map, ReLU (`relu` 1) and dropout (`keep` < 1, uniform draws
   * at `u`): writes `value`, `xHat`, `mask` (when nonzero), `invStd`, `mean`, `unbiasedVar`,
   * and, when `runMean` is nonzero, the updated running statistics
   * `(1 − momentum) · run + momentum · batch` into `newMean` and `newVar`; `scratch` holds 2c
   * float64.
   */
  forward(
    n: number,
    c: number,
    x: number,
    gamma: number,
    beta: number,
    u: number,
    keep: number,
    relu: number,
    eps: number,
    scratch: number,
    value: number,
    xHat: number,
    mask: number,
    invStd: number,
    mean: number,
    unbiasedVar: number,
    runMean: number,
    runVar: number,
    momentum: number,
    newMean: number,
    newVar: number,
  ): void;
  /** `dx`, `dγ`, `dβ` from `dyOut` (times `mask` when nonzero); `scratch` holds 2c float64. */
  backward(n: number, c: number, dyOut: number, xHat: number, invStd: number, gamma: number, mask: number, scratch: number, dx: number, dGamma: number, dBeta: number): void;
}

/** Shared loop helpers over one function. */
function loops(fn: WasmFunction, c: Emitter) {
  const g = (l: number) => c.get(l);
  const f32At = (base: number, index: Expr) => c.i32Add(g(base), c.i32Shl(index, 2));
  const f64At = (base: number, index: Expr) => c.i32Add(g(base), c.i32Shl(index, 3));
  /** for (i = 0; i < n; i++) for (j = 0; j < cols; j++) body(at) with at = i·cols + j. */
  const matrix = (rows: number, cols: number, i: number, j: number, at: number, body: () => void) => {
    c.set(at, c.i32(0));
    forRangeLoop(fn, i, () => fn.i32Const(0), () => fn.get(rows), 1, () => {
      forRangeLoop(fn, j, () => fn.i32Const(0), () => fn.get(cols), 1, () => {
        body();
        c.set(at, c.i32Add(g(at), c.i32(1)));
      });
    });
  };
  const columns = (cols: number, j: number, body: () => void) => forRangeLoop(fn, j, () => fn.i32Const(0), () => fn.get(cols), 1, body);
  return { g, f32At, f64At, matrix, columns };
}

function forwardFunction(): WasmFunction {
  const fn = new WasmFunction(["i32", "i32", "i32", "i32", "i32", "i32", "f64", "i32", "f64", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "f64", "i32", "i32"], []);
  const [N, C, X, GAMMA, BETA, U, KEEP, RELU, EPS, SCRATCH, VALUE, XHAT, MASK, INVSTD, MEAN, UVAR, RUN_MEAN, RUN_VAR, MOMENTUM, NEW_MEAN, NEW_VAR] = Array.from({ length: 21 }, (_, k) => k);
  const c = new Emitter(fn);
  const { g, f32At, f64At, matrix, columns } = loops(fn, c);
  const [i, j, at, sq] = [c.local("i32"), c.local("i32"), c.local("i32"), c.local("i32")];
  const [d, y, m, variance, INV_KEEP] = [c.local("f64"), c.local("f64"), c.local("f64"), c.local("f64"), c.local("f64")];
  c.set(INV_KEEP, c.div(c.f64(1), g(KEEP)));
  const sumAt = () => f64At(SCRATCH, g(j));
  const sqAt = () => f64At(sq, g(j));
  c.set(sq, f64At(SCRATCH, g(C)));
  columns(C, j, () => {
    c.storeF64(sumAt(), c.f64(0));
    c.storeF64(sqAt(), c.f64(0));
  });
  matrix(N, C, i, j, at, () => c.storeF64(sumAt(), c.add(c.loadF64(sumAt()), c.loadF32(f32At(X, g(at))))));
  const n64 = () => fn.get(N).op(0xb7); // f64.convert_i32_s
  columns(C, j, () => c.storeF64(sumAt(), c.div(c.loadF64(sumAt()), n64)));
  matrix(N, C, i, j, at, () => {
    c.set(d, c.sub(c.loadF32(f32At(X, g(at))), c.loadF64(sumAt())));
    c.storeF64(sqAt(), c.add(c.loadF64(sqAt()), c.mul(g(d), g(d))));
  });
  columns(C, j, () => {
    c.set(variance, c.div(c.loadF64(sqAt()), n64));
    c.storeF32(f32At(MEAN, g(j)), c.loadF64(sumAt()));
    c.storeF32(f32At(UVAR, g(j)), c.div(c.mul(g(variance), n64), c.sub(n64, c.f64(1))));
    c.if(c.not(c.i32Eq(g(RUN_MEAN), c.i32(0))), () => {
      const update = (run: number, batch: Expr) => c.add(c.mul(c.sub(c.f64(1), g(MOMENTUM)), c.loadF32(f32At(run, g(j)))), c.mul(g(MOMENTUM), batch));
      c.storeF32(f32At(NEW_MEAN, g(j)), update(RUN_MEAN, c.loadF32(f32At(MEAN, g(j)))));
      c.storeF32(f32At(NEW_VAR, g(j)), update(RUN_VAR, c.loadF32(f32At(UVAR, g(j)))));
    });
    c.storeF32(f32At(INVSTD, g(j)), c.div(c.f64(1), c.sqrt(c.add(c.roundF32(g(variance)), g(EPS)))));
    // The mean as float32 from here on, as tfjs' ops see it.
    c.storeF64(sumAt(), c.roundF32(c.loadF64(sumAt())));
  });
  matrix(N, C, i, j, at, () => {
    c.set(d, c.roundF32(c.mul(c.sub(c.loadF32(f32At(X, g(at))), c.loadF64(sumAt())), c.loadF32(f32At(INVSTD, g(j))))));
    c.storeF32(f32At(XHAT, g(at)), g(d));
    c.set(y, c.roundF32(c.add(c.mul(g(d), c.loadF32(f32At(GAMMA, g(j)))), c.loadF32(f32At(BETA, g(j))))));
    c.if(c.i32Eq(g(MASK), c.i32(0)), () => c.storeF32(f32At(VALUE, g(at)), g(y)), () => {
      // Branch-free (a select of doubles compiles to a branch, mispredicted half the time on
      // ReLU's sign): m = [y > 0 or no ReLU] · floor(u + keep) / keep.
      c.set(m, () => {
        c.or(c.gt(g(y), c.f64(0)), c.i32Eq(g(RELU), c.i32(0)))();
        fn.op(0xb8); // f64.convert_i32_u
      });
      c.if(c.lt(g(KEEP), c.f64(1)), () => c.set(m, c.mul(g(m), c.mul(c.floor(c.roundF32(c.add(c.loadF32(f32At(U, g(at))), g(KEEP)))), g(INV_KEEP)))));
      c.storeF32(f32At(MASK, g(at)), g(m));
      c.storeF32(f32At(VALUE, g(at)), c.mul(g(y), g(m)));
    });
  });
  return fn;
}

function backwardFunction(): WasmFunction {
  const fn = new WasmFunction(["i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32"], []);
  const [N, C, DY, XHAT, INVSTD, GAMMA, MASK, SCRATCH, DX, DGAMMA, DBETA] = Array.from({ length: 11 }, (_, k) => k);
  const c = new Emitter(fn);
  const { g, f32At, f64At, matrix, columns } = loops(fn, c);
  const [i, j, at, sq] = [c.local("i32"), c.local("i32"), c.local("i32"), c.local("i32")];
  const dy = c.local("f64");
  const sumAt = () => f64At(SCRATCH, g(j));
  const sqAt = () => f64At(sq, g(j));
  const n64 = () => fn.get(N).op(0xb7);
  c.set(sq, f64At(SCRATCH, g(C)));
  columns(C, j, () => {
    c.storeF64(sumAt(), c.f64(0));
    c.storeF64(sqAt(), c.f64(0));
  });
  const loadDy = () => {
    c.set(dy, c.loadF32(f32At(DY, g(at))));
    c.if(c.not(c.i32Eq(g(MASK), c.i32(0))), () => c.set(dy, c.mul(g(dy), c.loadF32(f32At(MASK, g(at))))));
  };
  matrix(N, C, i, j, at, () => {
    loadDy();
    c.storeF64(sumAt(), c.add(c.loadF64(sumAt()), g(dy)));
    c.storeF64(sqAt(), c.add(c.loadF64(sqAt()), c.mul(g(dy), c.loadF32(f32At(XHAT, g(at))))));
  });
  columns(C, j, () => {
    c.storeF32(f32At(DBETA, g(j)), c.loadF64(sumAt()));
    c.storeF32(f32At(DGAMMA, g(j)), c.loadF64(sqAt()));
    c.storeF64(sumAt(), c.div(c.loadF64(sumAt()), n64));
    c.storeF64(sqAt(), c.div(c.loadF64(sqAt()), n64));
  });
  matrix(N, C, i, j, at, () => {
    loadDy();
    const scale = c.mul(c.loadF32(f32At(INVSTD, g(j))), c.loadF32(f32At(GAMMA, g(j))));
    c.storeF32(f32At(DX, g(at)), c.mul(scale, c.sub(c.sub(g(dy), c.loadF64(sumAt())), c.mul(c.loadF32(f32At(XHAT, g(at))), c.loadF64(sqAt())))));
  });
  return fn;
}

/** The functions instantiated on `heap` (null when WebAssembly refuses). */
export function batchNormWasm(heap: TfjsHeap): BatchNormWasm | null {
  return heapModule(heap, "scvi-ts:batch-norm", () => encodeModule([forwardFunction(), backwardFunction()], { forward: 0, backward: 1 }, { pages: 1, imported: true })) as BatchNormWasm | null;
}
