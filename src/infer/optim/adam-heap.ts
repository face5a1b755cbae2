/**
 * The Adam-family update as a WebAssembly kernel of the wasm backend, on the backend's own heap
 * (`backend/wasm-heap.ts`): one pass per variable over the parameter, gradient and both moment
 * slots, two elements at a time (f64x2), with the host path's arithmetic (float64, stored as
 * float32: the results are the host path's bit for bit). It replaces about a dozen tfjs kernels per variable (a pass over
 * memory each) and, for small variables, the host path's reads and writes of JavaScript arrays.
 *
 * The moments are updated in place (they are the optimizer's own variables); the parameter is
 * written to a new tensor that the variable is assigned, never in place: the wasm backend
 * caches packed matrices by tensor, so rewriting a weight's memory would leave a stale copy.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { encodeModule, WasmFunction } from "../../backend/wasm-builder.js";
import { Emitter, type Expr } from "../../backend/wasm-expr.js";
import { heapModule, heapOffset, type TfjsHeap } from "../../backend/wasm-heap.js";
import { Simd } from "../../backend/wasm-simd.js";

/**
 * The scalars of one Adam-family step (see `AdamBase.adamHost`): `g = clamp(coef · grad, ±clip)
 * + decay · p`, `m ← b1 m + (1 − b1) g`, `v ← b2 v + (1 − b2) g²`,
 * `p ← shrink · p − stepSize · m / (sqrt(v) · rootScale + eps)`.
 */
export interface AdamStep {
  coef: number;
  clip: number;
  decay: number;
  shrink: number;
  stepSize: number;
  rootScale: number;
  b1: number;
  b2: number;
  eps: number;
}

const PARAMS = ["n", "param", "grad", "m", "v", "out"] as const;
const SCALARS = ["coef", "clip", "decay", "shrink", "stepSize", "rootScale", "b1", "b2", "eps"] as const;

/**
 * The step kernel: two elements per iteration in f64x2 lanes (float32 pairs promoted to
 * float64, the host path's arithmetic, demoted on store); an odd last element in scalar code.
 */
function stepFunction(): WasmFunction {
  const fn = new WasmFunction([...PARAMS.map(() => "i32" as const), ...SCALARS.map(() => "f64" as const)], []);
  const c = new Emitter(fn);
  const v = new Simd(c);
  const idx = Object.fromEntries([...PARAMS, ...SCALARS].map((name, i) => [name, i])) as Record<(typeof PARAMS)[number] | (typeof SCALARS)[number], number>;
  const i = c.local("i32");
  const a4 = c.local("i32");
  const get = (l: number) => c.get(l);
  const at = (base: number): Expr => c.i32Add(get(base), get(a4));
  // Scalars splatted once.
  const lanes = Object.fromEntries(SCALARS.map((k) => [k, v.local()])) as Record<(typeof SCALARS)[number], number>;
  for (const k of SCALARS) v.set(lanes[k], v.splat(get(idx[k])));
  const [g, p, mi, vi] = [v.local(), v.local(), v.local(), v.local()];
  const L = (k: (typeof SCALARS)[number]) => v.get(lanes[k]);
  const one = v.f64(1);
  /** One step over the lanes loaded by `load` and stored by `store` (pairs, or lane 0 alone). */
  const body = (load: (base: number) => Expr, store: (base: number, value: Expr) => void) => {
    v.set(g, load(idx.grad));
    // The host path scales into a float32 array first: round the same way.
    c.if(c.ne(get(idx.coef), c.f64(1)), () => v.set(g, v.roundF32(v.mul(v.get(g), L("coef")))));
    v.set(g, v.max(v.min(v.get(g), L("clip")), v.neg(L("clip"))));
    v.set(p, load(idx.param));
    c.if(c.ne(get(idx.decay), c.f64(0)), () => v.set(g, v.add(v.get(g), v.mul(L("decay"), v.get(p)))));
    v.set(mi, v.add(v.mul(L("b1"), load(idx.m)), v.mul(v.sub(one, L("b1")), v.get(g))));
    v.set(vi, v.add(v.mul(L("b2"), load(idx.v)), v.mul(v.mul(v.sub(one, L("b2")), v.get(g)), v.get(g))));
    store(idx.m, v.get(mi));
    store(idx.v, v.get(vi));
    const denominator = v.add(v.mul(v.sqrt(v.get(vi)), L("rootScale")), L("eps"));
    store(idx.out, v.sub(v.mul(v.get(p), L("shrink")), v.div(v.mul(L("stepSize"), v.get(mi)), denominator)));
  };
  c.block((exit) =>
    c.loop((top) => {
      c.brIf(c.i32GeS(c.i32Add(get(i), c.i32(1)), get(idx.n)), exit);
      c.set(a4, c.i32Shl(get(i), 2));
      body(
        (base) => v.loadF32Pair(at(base)),
        (base, value) => v.storeF32Pair(at(base), value),
      );
      c.set(i, c.i32Add(get(i), c.i32(2)));
      c.br(top);
    }),
  );
  c.if(c.i32Eq(get(i), c.i32Add(get(idx.n), c.i32(-1))), () => {
    c.set(a4, c.i32Shl(get(i), 2));
    body(
      (base) => v.splat(c.loadF32(at(base))),
      (base, value) => c.storeF32(at(base), v.lane(value, 0)),
    );
  });
  return fn;
}

type StepFn = (...args: number[]) => void;

/** Whether a tensor's memory is its own (not shared with a clone), so it may be updated in place. */
function exclusive(heap: TfjsHeap, t: tf.Tensor): boolean {
  return heap.backend.dataIdMap.get(t.dataId)?.refCount === 1;
}

/**
 * One Adam-family step of `variable` from `grad` with moment slots `m` and `v` (variables of
 * the same shape, updated in place). Returns false, changing nothing, when the kernel cannot
 * run (no WebAssembly, a non-float32 tensor, or a shared moment slot); the caller then uses
 * another path.
 */
export function adamHeapStep(heap: TfjsHeap, variable: tf.Variable, grad: tf.Tensor, m: tf.Variable, v: tf.Variable, s: AdamStep): boolean {
  if ([variable, grad, m, v].some((t) => t.dtype !== "float32") || !exclusive(heap, m) || !exclusive(heap, v)) return false;
  const run = heapModule(heap, "scvi-ts:adam-step", () => encodeModule([stepFunction()], { step: 0 }, { pages: 1, imported: true }))?.step as
    | StepFn
    | undefined;
  if (!run) return false;
  const out = heap.backend.makeOutput([...variable.shape], "float32");
  run(
    variable.size,
    heapOffset(heap, variable),
    heapOffset(heap, grad),
    heapOffset(heap, m),
    heapOffset(heap, v),
    heapOffset(heap, out),
    ...SCALARS.map((k) => s[k]),
  );
  tf.tidy(() => variable.assign(tf.engine().makeTensorFromTensorInfo(out) as tf.Tensor));
  return true;
}
