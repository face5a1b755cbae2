/**
 * The NB / ZINB log-likelihood of `nb-log-prob-js.ts` as a WebAssembly kernel of the wasm
 * backend, running on the backend's own memory (see `backend/wasm-heap.ts`): no copies of the
 * 128 × 2,000 inputs and outputs, no JavaScript arrays to collect. It evaluates zero counts and
 * integer counts up to 64 with finite positive parameters — nearly every element of scVI's
 * data — by the same formulas as the JavaScript loop, in float64, two elements at a time
 * (`f64x2` SIMD with inline `log`/`log1p`/`exp`, `backend/wasm-simd.ts`); it lists the other
 * elements, which the JavaScript loop then fills in.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { encodeModule, WasmFunction } from "../backend/wasm-builder.js";
import { Emitter, type Expr } from "../backend/wasm-expr.js";
import { kernelPool, MAX_CHUNKS, SHARED_MAXIMUM_PAGES } from "../backend/kernel-pool.js";
import { heapModule, heapOffset, heapView, type TfjsHeap } from "../backend/wasm-heap.js";
import { Simd, SimdMath } from "../backend/wasm-simd.js";
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
 *
 * Two elements per iteration in `f64x2` lanes. The body is branch-free apart from the rare
 * fallback and the product loop (which runs to the larger count of the pair, masking the
 * other lane): both cases' quantities are computed for both lanes and selected, and the zero
 * case's logarithm (`log((σ(π) + σ(−π) p0)(1 + E))/(1 + E)`) and the count case's
 * (`log Π(θ+k) μ^x / (1 + E)`) are one `log` of a selected argument. A lane outside the kernel's
 * domain is listed for the JavaScript loop (and computed harmlessly here), as is an odd last
 * element.
 */
function kernelFunction(zi: boolean, grad: boolean): WasmFunction {
  const fn = new WasmFunction(["i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32"], ["i32"]);
  const [N, PERIOD, X, MU, PI, TH, LF, VAL, DMU, DTH, DPI, FB] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const c = new Emitter(fn);
  const v = new Simd(c);
  const math = new SimdMath(v);
  const i = c.local("i32");
  const j = c.local("i32");
  const j1 = c.local("i32");
  const fbc = c.local("i32");
  const a4 = c.local("i32");
  const [xv, m, t, invT, logT, ratio, r1, L, nb0, piv, e, inv, sig, p0, num, arg, lg, q, d, mp, k, zero, pos, active, ok] = Array.from({ length: 25 }, () =>
    v.local(),
  );
  const g = (l: number) => c.get(l);
  const f = (x: number) => v.f64(x);
  const at = (base: number): Expr => c.i32Add(g(base), g(a4));
  const inRange = (a: Expr, lo: number, hi: number) => v.and(v.gt(a, f(lo)), v.lt(a, f(hi)));
  /** A per-lane gather of the f64 at `base + 8 · index(lane)`. */
  const gather = (addr0: Expr, addr1: Expr) => v.replace(v.splat(c.loadF64(addr0)), 1, c.loadF64(addr1));
  const record = (index: Expr) => {
    c.storeI32(c.i32Add(g(FB), c.i32Shl(g(fbc), 2)), index);
    c.set(fbc, c.i32Add(g(fbc), c.i32(1)));
  };
  c.set(j1, c.i32(1));
  c.if(c.i32Eq(g(j1), g(PERIOD)), () => c.set(j1, c.i32(0)));

  c.block((exit) => {
    c.loop((top) => {
      c.brIf(c.i32GeS(c.i32Add(g(i), c.i32(1)), g(N)), exit);
      c.block(() => {
        /**
         * Lanes where `ok` is clear go to the JavaScript loop; they are made harmless (zero count,
         * unit parameters) so that the pair still runs, and their outputs are overwritten later.
         */
        const sendLanes = (ok: number) => {
          c.if(c.not(v.allTrue(g(ok))), () => {
            c.if(c.not(v.laneSet(g(ok), 0)), () => record(g(i)));
            c.if(c.not(v.laneSet(g(ok), 1)), () => record(c.i32Add(g(i), c.i32(1))));
            v.set(xv, v.select(g(ok), g(xv), f(0)));
            for (const [l, value] of [
              [m, 1],
              [t, 1],
              [invT, 1],
              [logT, 0],
              ...(zi ? [[piv, 0]] : []),
            ] as [number, number][]) {
              v.set(l, v.select(g(ok), g(l), f(value)));
            }
          });
        };
        c.set(a4, c.i32Shl(g(i), 2));
        v.set(xv, v.loadF32Pair(at(X)));
        v.set(m, v.add(v.loadF32Pair(at(MU)), f(MU_FLOOR)));
        const th0 = c.i32Add(g(TH), c.i32Mul(g(j), c.i32(24)));
        const th1 = c.i32Add(g(TH), c.i32Mul(g(j1), c.i32(24)));
        v.set(t, gather(th0, th1));
        v.set(invT, gather(c.i32Add(th0, c.i32(8)), c.i32Add(th1, c.i32(8))));
        v.set(logT, gather(c.i32Add(th0, c.i32(16)), c.i32Add(th1, c.i32(16))));
        if (zi) v.set(piv, v.loadF32Pair(at(PI)));
        // The kernel's domain: integer counts 0..PRODUCT_MAX_COUNT, finite positive μ and θ, finite logits.
        let domain = v.and(v.and(v.ge(g(xv), f(0)), v.le(g(xv), f(PRODUCT_MAX_COUNT))), v.eq(g(xv), v.floor(g(xv))));
        domain = v.and(domain, v.and(inRange(g(m), 0, FINITE), inRange(g(t), 0, FINITE)));
        if (zi) domain = v.and(domain, v.lt(v.abs(g(piv)), f(FINITE)));
        v.set(ok, domain);
        sendLanes(ok);
        v.set(zero, v.eq(g(xv), f(0)));
        v.set(ratio, v.mul(g(m), g(invT)));
        v.set(r1, v.div(f(1), v.add(f(1), g(ratio)))); // θ/(θ+μ)
        math.log1p(L, g(ratio), g(r1));
        v.set(nb0, v.neg(v.mul(g(t), g(L))));
        if (zi) {
          v.set(pos, v.ge(g(piv), f(0)));
          math.exp(e, v.neg(v.abs(g(piv))));
          v.set(inv, v.div(f(1), v.add(f(1), g(e))));
          v.set(sig, v.select(g(pos), v.mul(g(e), g(inv)), g(inv))); // σ(−π)
          // Zeros: σ(π) + σ(−π) p0 = num / (1 + E), num = 1 + E p0 (π ≥ 0) or E + p0 (π < 0).
          math.exp(p0, g(nb0));
          v.set(num, v.select(g(pos), v.add(f(1), v.mul(g(e), g(p0))), v.add(g(e), g(p0))));
        } else {
          v.set(inv, f(1));
        }
        // Counts: Q = Π(θ+k), D = dQ/dθ, μ^x, for k < x (each lane to its own count).
        v.set(q, f(1));
        v.set(d, f(0));
        v.set(mp, f(1));
        v.set(k, f(0));
        c.block((done) => {
          c.loop((again) => {
            v.set(active, v.lt(g(k), g(xv)));
            c.brIf(c.not(v.anyTrue(g(active))), done);
            const tk = v.add(g(t), g(k));
            v.set(d, v.select(g(active), v.add(v.mul(g(d), tk), g(q)), g(d)));
            v.set(q, v.select(g(active), v.mul(g(q), tk), g(q)));
            v.set(mp, v.select(g(active), v.mul(g(mp), g(m)), g(mp)));
            v.set(k, v.add(g(k), f(1)));
            c.br(again);
          });
        });
        // One logarithm for both cases.
        const zeroArg = zi ? v.mul(g(num), g(inv)) : f(1);
        v.set(arg, v.select(g(zero), zeroArg, v.mul(v.mul(g(q), g(mp)), g(inv))));
        // Out-of-range products (and zeros whose two terms underflow) go to the JavaScript loop;
        // the lane's log argument becomes 1 so the rest stays finite.
        v.set(ok, inRange(g(arg), PRODUCT_MIN, PRODUCT_MAX));
        c.if(c.not(v.allTrue(g(ok))), () => {
          c.if(c.not(v.laneSet(g(ok), 0)), () => record(g(i)));
          c.if(c.not(v.laneSet(g(ok), 1)), () => record(c.i32Add(g(i), c.i32(1))));
          v.set(arg, v.select(g(ok), g(arg), f(1)));
        });
        math.log(lg, g(arg));
        const lfAt = (lane: 0 | 1) => c.i32Add(g(LF), c.i32Shl(c.toI32(v.lane(g(xv), lane)), 3));
        let countValue = v.sub(v.add(v.sub(g(lg), gather(lfAt(0), lfAt(1))), g(nb0)), v.mul(g(xv), v.add(g(logT), g(L))));
        if (zi) countValue = v.sub(countValue, v.max(g(piv), f(0)));
        v.storeF32Pair(at(VAL), v.select(g(zero), zi ? g(lg) : g(nb0), countValue));
        if (grad) {
          // w = ∂ value / ∂ log NB: σ(log NB(0) − π) at zeros, 1 elsewhere (kept in `arg`).
          v.set(arg, zi ? v.select(g(zero), v.div(v.select(g(pos), v.mul(g(e), g(p0)), g(p0)), g(num)), f(1)) : f(1));
          // With r1 = θ/(θ+μ): 1/(θ+μ) = r1/θ, ∂/∂μ = θ(x−μ)/(μ(θ+μ)) = (x/μ − 1) r1.
          const dMuZero = v.neg(g(r1));
          const dMuCount = v.mul(v.sub(v.div(g(xv), g(m)), f(1)), g(r1));
          const dThetaZero = v.sub(v.mul(g(ratio), g(r1)), g(L));
          const dThetaCount = v.add(v.sub(v.div(g(d), g(q)), g(L)), v.mul(v.sub(g(m), g(xv)), v.mul(g(r1), g(invT))));
          v.storeF32Pair(at(DMU), v.mul(g(arg), v.select(g(zero), dMuZero, dMuCount)));
          v.storeF32Pair(at(DTH), v.mul(g(arg), v.select(g(zero), dThetaZero, dThetaCount)));
          if (zi) v.storeF32Pair(at(DPI), v.sub(g(sig), g(arg)));
        }
      });
      c.set(i, c.i32Add(g(i), c.i32(2)));
      c.set(j, c.i32Add(g(j1), c.i32(1)));
      c.if(c.i32GeS(g(j), g(PERIOD)), () => c.set(j, c.i32(0)));
      c.set(j1, c.i32Add(g(j), c.i32(1)));
      c.if(c.i32GeS(g(j1), g(PERIOD)), () => c.set(j1, c.i32(0)));
      c.br(top);
    });
  });
  // An odd last element goes to the JavaScript loop.
  c.if(c.i32Eq(g(i), c.i32Add(g(N), c.i32(-1))), () => record(g(i)));
  c.ret(g(fbc));
  return fn;
}

type KernelFn = (...args: number[]) => number;
type Variant = "nb" | "nbGrad" | "zinb" | "zinbGrad";

const VARIANTS = { nb: [false, false], nbGrad: [false, true], zinb: [true, false], zinbGrad: [true, true] } as const;

/** The module of the four variants, on tfjs' heap or (`sharedMaximum`) on a shared memory. */
function buildModule(sharedMaximum?: number): Uint8Array {
  const functions: WasmFunction[] = [];
  const exportsMap: Record<string, number> = {};
  for (const [name, [zi, grad]] of Object.entries(VARIANTS)) exportsMap[name] = functions.push(kernelFunction(zi, grad)) - 1;
  return encodeModule(functions, exportsMap, { pages: 1, imported: true, sharedMaximum });
}

/** Elements from which the second thread joins (below, the copies cost more than it saves). */
const POOL_MIN_ELEMENTS = 32768;

/** About this many elements per chunk of a pooled run. */
const POOL_CHUNK = 8192;

let sharedModule: Uint8Array | undefined;

/**
 * Runs `variant` over the elements on the main thread and the kernel pool's helper, through the
 * pool's shared memory: inputs are copied in, chunks of whole θ periods are claimed by either
 * thread, outputs are copied back into `outputs` (tfjs heap offsets). Returns the fallback
 * list (element indices), or null when the pool does not apply.
 */
function runPooled(
  heap: TfjsHeap,
  variant: Variant,
  inputs: { x: tf.TensorInfo; mu: tf.TensorInfo; pi?: tf.TensorInfo },
  outputs: WasmCountResult,
  n: number,
  period: number,
  table: Float64Array,
): Int32Array | null {
  const pool = n >= POOL_MIN_ELEMENTS && period <= n / 4 ? kernelPool() : null;
  if (!pool) return null;
  sharedModule ??= buildModule(SHARED_MAXIMUM_PAGES);
  const fn = pool.register(`scvi-ts:count-log-prob:${variant}`, sharedModule, variant);
  if (fn === null) return null;
  // Chunks of whole periods (an even number of elements when the period is odd).
  let rows = Math.max(1, Math.round(POOL_CHUNK / period));
  if (period % 2 === 1 && rows % 2 === 1) rows++;
  const chunk = rows * period;
  const chunks = Math.ceil(n / chunk);
  if (chunks > MAX_CHUNKS) return null;
  // Layout: x, mu, pi, value, dMu, dTheta, dPi (n float32 each), the table, the fallbacks.
  const bytes = 4 * n;
  const at = { x: 0, mu: bytes, pi: 2 * bytes, value: 3 * bytes, dMu: 4 * bytes, dTheta: 5 * bytes, dPi: 6 * bytes, table: 7 * bytes, fallback: 7 * bytes + 8 * table.length };
  pool.reserve(at.fallback + bytes + 4 * chunk + 64);
  const shared = pool.memory.buffer;
  const copyIn = (t: tf.TensorInfo | undefined, offset: number) => t && new Float32Array(shared, offset, n).set(heapView(heap, t, Float32Array));
  // (pool.run returns null, having run nothing, when its helper had to be given up.)
  copyIn(inputs.x, at.x);
  copyIn(inputs.mu, at.mu);
  copyIn(inputs.pi, at.pi);
  new Float64Array(shared, at.table, table.length).set(table);
  const zi = inputs.pi !== undefined;
  const step = 4 * chunk;
  const results = pool.run({
    fn,
    chunks,
    //      n      period  x     mu     pi               th        lf                      value     dMu       dTheta    dPi              fallback
    args: [chunk, period, at.x, at.mu, zi ? at.pi : 0, at.table, at.table + 24 * period, at.value, at.dMu, at.dTheta, zi ? at.dPi : 0, at.fallback],
    strides: [0, 0, step, step, zi ? step : 0, 0, 0, step, step, step, zi ? step : 0, step],
    last: [n - (chunks - 1) * chunk],
  });
  if (!results) return null;
  const copyOut = (t: tf.TensorInfo | undefined, offset: number) => t && heapView(heap, t, Float32Array).set(new Float32Array(shared, offset, n));
  copyOut(outputs.value, at.value);
  copyOut(outputs.dMu, at.dMu);
  copyOut(outputs.dTheta, at.dTheta);
  copyOut(outputs.dPi, at.dPi);
  let total = 0;
  for (const count of results) total += count;
  const fallback = new Int32Array(total);
  let k = 0;
  results.forEach((count, c) => {
    const list = new Int32Array(shared, at.fallback + c * step, count);
    for (let i = 0; i < count; i++) fallback[k++] = list[i]! + c * chunk;
  });
  return fallback;
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
  const kernels = heapModule(heap, "scvi-ts:count-log-prob", () => buildModule()) as Record<Variant, KernelFn> | null;
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
  // Scratch: (θ, 1/θ, log θ) triples and log k! as f64, then the fallback list (i32).
  const tableDoubles = 3 * period + LOG_FACTORIAL_SMALL.length;
  const scratch = backend.makeOutput([2 * tableDoubles + n], "float32");
  try {
    const scratchAt = heapOffset(heap, scratch);
    const thetaValues = heapView(heap, inputs.theta, Float32Array);
    const table = new Float64Array(heap.memory.buffer, scratchAt, tableDoubles);
    for (let p = 0; p < period; p++) {
      const t = thetaValues[thetaSize === 1 ? 0 : p]!;
      table[3 * p] = t;
      table[3 * p + 1] = 1 / t;
      table[3 * p + 2] = Math.log(t);
    }
    table.set(LOG_FACTORIAL_SMALL, 3 * period);
    const fallbackAt = scratchAt + 8 * tableDoubles;
    const variant: Variant = zi ? (grad ? "zinbGrad" : "zinb") : grad ? "nbGrad" : "nb";
    const pooled = runPooled(heap, variant, inputs, result, n, period, table);
    if (pooled) {
      fillFallbacks(heap, inputs, result, thetaValues, thetaLayout, grad, pooled);
      return result;
    }
    const run = kernels[variant];
    const at = (t: tf.TensorInfo | undefined) => (t ? heapOffset(heap, t) : 0);
    const count = run(
      n,
      period,
      at(inputs.x),
      at(inputs.mu),
      at(inputs.pi),
      scratchAt,
      scratchAt + 24 * period,
      at(result.value),
      at(result.dMu),
      at(result.dTheta),
      at(result.dPi),
      fallbackAt,
    );
    if (count > 0) fillFallbacks(heap, inputs, result, thetaValues, thetaLayout, grad, new Int32Array(heap.memory.buffer, fallbackAt, count).slice());
  } finally {
    backend.disposeData(scratch.dataId);
  }
  return result;
}

const LOG_FACTORIAL_SMALL = LOG_FACTORIAL.slice(0, PRODUCT_MAX_COUNT + 1);

/** The JavaScript loop fills in the elements the kernel left out (`indices`), in place. */
function fillFallbacks(
  heap: TfjsHeap,
  inputs: { x: tf.TensorInfo; mu: tf.TensorInfo; pi?: tf.TensorInfo },
  result: WasmCountResult,
  theta: Float32Array,
  thetaLayout: ThetaLayout,
  grad: boolean,
  indices: Int32Array,
): void {
  if (indices.length === 0) return;
  const f32 = (t: tf.TensorInfo | undefined) => (t ? heapView(heap, t, Float32Array) : undefined);
  const p: CountInputs = { x: f32(inputs.x)!, mu: f32(inputs.mu)!, pi: f32(inputs.pi), theta, thetaLayout };
  const outputs: CountOutputs = { value: f32(result.value)!, dMu: f32(result.dMu), dTheta: f32(result.dTheta), dPi: f32(result.dPi) };
  evaluateCountLogProb(p, grad, outputs, indices);
}
