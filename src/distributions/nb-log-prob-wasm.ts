/**
 * The NB / ZINB log-likelihood of `nb-log-prob-js.ts` as a WebAssembly kernel of the wasm
 * backend, running on the backend's own memory (see `backend/wasm-heap.ts`): no copies of the
 * 128 × 2,000 inputs and outputs, no JavaScript arrays to collect. It evaluates zero counts and
 * integer counts up to 16 with finite positive parameters — nearly every element of scVI's
 * data — by the same formulas as the JavaScript loop, in float64 with inline `log`/`log1p`/`exp`
 * (`backend/wasm-math.ts`); it lists the other elements, which the JavaScript loop then fills in.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { encodeModule, WasmFunction } from "../backend/wasm-builder.js";
import { Emitter, type Expr } from "../backend/wasm-expr.js";
import { heapModule, heapOffset, heapView, type TfjsHeap } from "../backend/wasm-heap.js";
import { InlineMath } from "../backend/wasm-math.js";
import {
  evaluateCountLogProb,
  LOG_FACTORIAL,
  MU_FLOOR,
  PRODUCT_MAX,
  PRODUCT_MAX_COUNT,
  PRODUCT_MIN,
  type CountInputs,
  type CountOutputs,
  type ThetaLayout,
} from "./nb-log-prob-js.js";

/** Parameters beyond this are left to the JavaScript loop (and so are NaNs). */
const FINITE = 1e300;

/**
 * Emits one kernel variant: `(n, period, x, mu, pi, theta, logFactorial, value, dMu, dTheta,
 * dPi, fallback) → fallbackCount`, with or without zero inflation and gradients.
 */
function kernelFunction(zi: boolean, grad: boolean): WasmFunction {
  const fn = new WasmFunction(["i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32"], ["i32"]);
  const [N, PERIOD, X, MU, PI, TH, LF, VAL, DMU, DTH, DPI, FB] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const c = new Emitter(fn);
  const i = c.local("i32");
  const j = c.local("i32");
  const fbc = c.local("i32");
  const a4 = c.local("i32");
  const [xv, m, t, logT, ratio, L, nb0, piv, e, inv, sig, p0, num, v, w, dLdMu, dLdT, q, d, mp, k, prod, logProd] = Array.from({ length: 23 }, () =>
    c.local("f64"),
  );
  const g = (l: number) => c.get(l);
  const f = (x: number) => c.f64(x);
  const at = (base: number): Expr => c.i32Add(g(base), g(a4));
  const math = new InlineMath(c);
  const inRange = (a: Expr, lo: number, hi: number) => c.and(c.gt(a, f(lo)), c.lt(a, f(hi)));

  c.block((exit) => {
    c.loop((top) => {
      c.brIf(c.i32GeS(g(i), g(N)), exit);
      c.block((next) => {
        const fallback = () => {
          c.storeI32(c.i32Add(g(FB), c.i32Shl(g(fbc), 2)), g(i));
          c.set(fbc, c.i32Add(g(fbc), c.i32(1)));
          c.br(next);
        };
        c.set(a4, c.i32Shl(g(i), 2));
        c.set(xv, c.loadF32(at(X)));
        c.set(m, c.add(c.loadF32(at(MU)), f(MU_FLOOR)));
        const th = c.i32Add(g(TH), c.i32Shl(g(j), 4));
        c.set(t, c.loadF64(th));
        c.set(logT, c.loadF64(c.i32Add(th, c.i32(8))));
        if (zi) c.set(piv, c.loadF32(at(PI)));
        // The kernel's domain: integer counts 0..16, finite positive μ and θ, finite logits.
        let ok = c.and(c.and(c.ge(g(xv), f(0)), c.le(g(xv), f(PRODUCT_MAX_COUNT))), c.eq(g(xv), c.floor(g(xv))));
        ok = c.and(ok, c.and(inRange(g(m), 0, FINITE), inRange(g(t), 0, FINITE)));
        if (zi) ok = c.and(ok, c.lt(c.abs(g(piv)), f(FINITE)));
        c.if(c.not(ok), fallback);
        c.set(ratio, c.div(g(m), g(t)));
        math.log1p(L, g(ratio));
        c.set(nb0, c.neg(c.mul(g(t), g(L))));
        if (zi) {
          math.exp(e, c.neg(c.abs(g(piv))));
          c.set(inv, c.div(f(1), c.add(f(1), g(e))));
          c.set(sig, c.select(c.ge(g(piv), f(0)), c.mul(g(e), g(inv)), g(inv))); // σ(−π)
        } else {
          c.set(inv, f(1));
        }
        c.if(
          c.eq(g(xv), f(0)),
          () => {
            if (grad) {
              c.set(dLdMu, c.neg(c.div(f(1), c.add(f(1), g(ratio)))));
              c.set(dLdT, c.sub(c.div(g(ratio), c.add(f(1), g(ratio))), g(L)));
            }
            if (!zi) {
              c.set(v, g(nb0));
              c.set(w, f(1));
              return;
            }
            // log(σ(π) + σ(−π) p0) = log(num / (1 + E)).
            math.exp(p0, g(nb0));
            const positive = c.ge(g(piv), f(0));
            c.set(num, c.select(positive, c.add(f(1), c.mul(g(e), g(p0))), c.add(g(e), g(p0))));
            c.if(c.not(c.gt(g(num), f(PRODUCT_MIN))), fallback);
            c.if(
              positive,
              () => math.log1p(v, c.mul(c.mul(g(e), c.sub(g(p0), f(1))), g(inv))),
              () => math.log(v, c.mul(g(num), g(inv))),
            );
            c.set(w, c.div(c.select(positive, c.mul(g(e), g(p0)), g(p0)), g(num)));
          },
          () => {
            // Q = Π(θ+k), D = dQ/dθ, μ^x, for k < x.
            c.set(q, f(1));
            c.set(d, f(0));
            c.set(mp, f(1));
            c.set(k, f(0));
            c.loop((again) => {
              const tk = c.add(g(t), g(k));
              c.set(d, c.add(c.mul(g(d), tk), g(q)));
              c.set(q, c.mul(g(q), tk));
              c.set(mp, c.mul(g(mp), g(m)));
              c.set(k, c.add(g(k), f(1)));
              c.brIf(c.lt(g(k), g(xv)), again);
            });
            c.set(prod, c.mul(c.mul(g(q), g(mp)), g(inv)));
            c.if(c.not(inRange(g(prod), PRODUCT_MIN, PRODUCT_MAX)), fallback);
            const logFact = c.loadF64(c.i32Add(g(LF), c.i32Shl(c.toI32(g(xv)), 3)));
            math.log(logProd, g(prod));
            let value = c.sub(c.add(c.sub(g(logProd), logFact), g(nb0)), c.mul(g(xv), c.add(g(logT), g(L))));
            if (zi) value = c.sub(value, c.max(g(piv), f(0)));
            c.set(v, value);
            c.set(w, f(1));
            if (grad) {
              const tm = c.add(g(t), g(m));
              c.set(dLdMu, c.div(c.mul(g(t), c.sub(g(xv), g(m))), c.mul(g(m), tm)));
              c.set(dLdT, c.add(c.sub(c.div(g(d), g(q)), g(L)), c.div(c.sub(g(m), g(xv)), tm)));
            }
          },
        );
        c.storeF32(at(VAL), g(v));
        if (grad) {
          c.storeF32(at(DMU), c.mul(g(w), g(dLdMu)));
          c.storeF32(at(DTH), c.mul(g(w), g(dLdT)));
          if (zi) c.storeF32(at(DPI), c.sub(g(sig), g(w)));
        }
      });
      c.set(i, c.i32Add(g(i), c.i32(1)));
      c.set(j, c.i32Add(g(j), c.i32(1)));
      c.if(c.i32Eq(g(j), g(PERIOD)), () => c.set(j, c.i32(0)));
      c.br(top);
    });
  });
  c.ret(g(fbc));
  return fn;
}

type KernelFn = (...args: number[]) => number;
type Variant = "nb" | "nbGrad" | "zinb" | "zinbGrad";

function buildModule(): Uint8Array {
  const functions: WasmFunction[] = [];
  const variants = { nb: [false, false], nbGrad: [false, true], zinb: [true, false], zinbGrad: [true, true] } as const;
  const exportsMap: Record<string, number> = {};
  for (const [name, [zi, grad]] of Object.entries(variants)) exportsMap[name] = functions.push(kernelFunction(zi, grad)) - 1;
  return encodeModule(functions, exportsMap, { pages: 1, imported: true });
}

/** The tensors {@link runWasmCountKernel} returns (owned by the caller). */
export interface WasmCountResult {
  value: tf.TensorInfo;
  dMu?: tf.TensorInfo;
  dTheta?: tf.TensorInfo;
  dPi?: tf.TensorInfo;
}

/**
 * Runs the kernel over float32 tensors `x`, `mu`, `pi` (all of `shape`) and `theta` (one value,
 * one per last-axis entry, or one per element, per `thetaLayout`): outputs are new tensors of
 * `shape` in the wasm backend. Returns null when the kernel cannot be built there.
 */
export function runWasmCountKernel(
  heap: TfjsHeap,
  inputs: { x: tf.TensorInfo; mu: tf.TensorInfo; theta: tf.TensorInfo; pi?: tf.TensorInfo },
  shape: number[],
  thetaLayout: ThetaLayout,
  grad: boolean,
): WasmCountResult | null {
  const kernels = heapModule(heap, "scvi-ts:count-log-prob", buildModule) as Record<Variant, KernelFn> | null;
  if (!kernels) return null;
  const { backend } = heap;
  const zi = inputs.pi !== undefined;
  const n = shape.reduce((a, b) => a * b, 1);
  const thetaSize = inputs.theta.shape.reduce((a, b) => a * b, 1);
  const period = thetaLayout === "scalar" ? 1 : thetaLayout === "lastAxis" ? thetaSize : n;
  const out = (): tf.TensorInfo => backend.makeOutput(shape, "float32");
  const result: WasmCountResult = { value: out() };
  if (grad) {
    result.dMu = out();
    result.dTheta = out();
    if (zi) result.dPi = out();
  }
  // Scratch: (θ, log θ) pairs and log k! as f64, then the fallback list (i32).
  const tableDoubles = 2 * period + LOG_FACTORIAL_SMALL.length;
  const scratch = backend.makeOutput([2 * tableDoubles + n], "float32");
  try {
    const scratchAt = heapOffset(heap, scratch);
    const thetaValues = heapView(heap, inputs.theta, Float32Array);
    const table = new Float64Array(heap.memory.buffer, scratchAt, tableDoubles);
    for (let p = 0; p < period; p++) {
      const t = thetaValues[thetaSize === 1 ? 0 : p]!;
      table[2 * p] = t;
      table[2 * p + 1] = Math.log(t);
    }
    table.set(LOG_FACTORIAL_SMALL, 2 * period);
    const fallbackAt = scratchAt + 8 * tableDoubles;
    const run = kernels[zi ? (grad ? "zinbGrad" : "zinb") : grad ? "nbGrad" : "nb"];
    const at = (t: tf.TensorInfo | undefined) => (t ? heapOffset(heap, t) : 0);
    const count = run(
      n,
      period,
      at(inputs.x),
      at(inputs.mu),
      at(inputs.pi),
      scratchAt,
      scratchAt + 16 * period,
      at(result.value),
      at(result.dMu),
      at(result.dTheta),
      at(result.dPi),
      fallbackAt,
    );
    if (count > 0) {
      // The JavaScript loop fills in the elements the kernel left out, in place.
      const f32 = (t: tf.TensorInfo | undefined) => (t ? heapView(heap, t, Float32Array) : undefined);
      const p: CountInputs = { x: f32(inputs.x)!, mu: f32(inputs.mu)!, pi: f32(inputs.pi), theta: thetaValues, thetaLayout };
      const outputs: CountOutputs = { value: f32(result.value)!, dMu: f32(result.dMu), dTheta: f32(result.dTheta), dPi: f32(result.dPi) };
      evaluateCountLogProb(p, grad, outputs, new Int32Array(heap.memory.buffer, fallbackAt, count).slice());
    }
  } finally {
    backend.disposeData(scratch.dataId);
  }
  return result;
}

const LOG_FACTORIAL_SMALL = LOG_FACTORIAL.slice(0, PRODUCT_MAX_COUNT + 1);
