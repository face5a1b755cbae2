/**
 * The NB and ZINB log-likelihoods of `nb-log-prob.ts` as one fused pass over the elements, with
 * the gradients computed in the same pass, on the backends whose tensors live in main memory:
 * on `wasm` a WebAssembly kernel on the backend's own heap (`nb-log-prob-wasm.ts`), on `cpu`
 * a float64 JavaScript loop (`nb-log-prob-js.ts`).
 *
 * Why: the tensor formulation takes about a hundred kernels (ten of them transcendental) per
 * call and twice that with its gradient, each a pass over scVI's 128 × 2,000 minibatch; the
 * fused pass spends two or three `log`/`exp` per element and nothing else of note, and
 * computes the partial derivatives only while a gradient tape records.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { broadcastShapes } from "../backend/tensor.js";
import { multiplyEach, sumRows } from "../backend/heap-ops.js";
import { tfjsHeap } from "../backend/wasm-heap.js";
import { reduceToShape } from "./count-math.js";
import { evaluateCountLogProb, type CountOutputs, type ThetaLayout } from "./nb-log-prob-js.js";
import { runWasmCountKernel } from "./nb-log-prob-wasm.js";

/** Backends whose tensor data is in main memory. */
const HOST_BACKENDS = new Set(["wasm", "cpu"]);

/** How `nbLogProb` / `zinbLogProb` evaluate: see {@link setHostCountKernels}. */
export type CountKernelMode = "auto" | "js" | "tensor";

let mode: CountKernelMode = "auto";

/**
 * Chooses the evaluation of `nbLogProb` / `zinbLogProb`: `auto` (default: the fused pass on
 * `wasm` and `cpu`, WebAssembly where available), `js` (the fused JavaScript loop even on
 * `wasm`) or `tensor` (the tensor formulation on every backend). For tests and benchmarks that
 * compare them.
 */
export function setHostCountKernels(next: CountKernelMode): void {
  mode = next;
}

/** Whether `nbLogProb` / `zinbLogProb` use the fused pass on the current backend. */
export function useHostCountKernels(): boolean {
  return mode !== "tensor" && HOST_BACKENDS.has(tf.getBackend());
}

/** Whether a gradient tape is recording at this point (outside any kernel). */
function taping(): boolean {
  const state = tf.engine().state;
  return state.gradientDepth > 0 && state.kernelDepth === 0;
}

/** The inputs as float32 tensors at the broadcast shape (θ kept per gene or scalar when it can be). */
interface Prepared {
  shape: number[];
  x: tf.Tensor;
  mu: tf.Tensor;
  pi: tf.Tensor | undefined;
  theta: tf.Tensor;
  thetaLayout: ThetaLayout;
}

function at(t: tf.Tensor, shape: number[]): tf.Tensor {
  const f = t.dtype === "float32" ? t : tf.cast(t, "float32");
  return tf.util.arraysEqual(f.shape, shape) ? f : tf.broadcastTo(f, shape);
}

function prepare(x: tf.Tensor, mu: tf.Tensor, theta: tf.Tensor, pi: tf.Tensor | undefined): Prepared {
  const shapes = [x.shape, mu.shape, theta.shape, ...(pi ? [pi.shape] : [])];
  const shape = broadcastShapes(shapes, pi ? "ZeroInflatedNegativeBinomial parameters" : "NegativeBinomial parameters");
  const last = shape.length > 0 ? shape[shape.length - 1]! : 1;
  let thetaLayout: ThetaLayout;
  let thetaFlat: tf.Tensor;
  const theta32 = theta.dtype === "float32" ? theta : tf.cast(theta, "float32");
  if (theta.size === 1) {
    thetaLayout = "scalar";
    thetaFlat = tf.reshape(theta32, [1]);
  } else if (theta.size === last && theta.shape[theta.rank - 1] === last && shape.length > 1) {
    thetaLayout = "lastAxis";
    thetaFlat = tf.reshape(theta32, [last]);
  } else {
    thetaLayout = "full";
    thetaFlat = at(theta32, shape);
  }
  return { shape, x: at(x, shape), mu: at(mu, shape), pi: pi ? at(pi, shape) : undefined, theta: thetaFlat, thetaLayout };
}

/** The values and (with `grad`) the per-element partials, as tensors of the broadcast shape. */
interface Forward {
  value: tf.Tensor;
  dMu?: tf.Tensor;
  dTheta?: tf.Tensor;
  dPi?: tf.Tensor;
}

function forward(p: Prepared, grad: boolean): Forward {
  const heap = mode === "auto" ? tfjsHeap() : null;
  if (heap) {
    const r = runWasmCountKernel(heap, { x: p.x, mu: p.mu, theta: p.theta, pi: p.pi }, p.shape, p.thetaLayout, grad);
    if (r) {
      const engine = tf.engine();
      const wrap = (t: tf.TensorInfo | undefined) => (t ? engine.makeTensorFromTensorInfo(t) : undefined);
      return { value: wrap(r.value)!, dMu: wrap(r.dMu), dTheta: wrap(r.dTheta), dPi: wrap(r.dPi) };
    }
  }
  const n = p.x.size;
  const out: CountOutputs = {
    value: new Float32Array(n),
    dMu: grad ? new Float32Array(n) : undefined,
    dTheta: grad ? new Float32Array(n) : undefined,
    dPi: grad && p.pi ? new Float32Array(n) : undefined,
  };
  const inputs = { x: p.x.dataSync(), mu: p.mu.dataSync(), pi: p.pi?.dataSync(), theta: p.theta.dataSync(), thetaLayout: p.thetaLayout };
  evaluateCountLogProb(inputs, grad, out);
  const wrap = (a: Float32Array | undefined) => (a ? tf.tensor(a, p.shape, "float32") : undefined);
  return { value: wrap(out.value)!, dMu: wrap(out.dMu), dTheta: wrap(out.dTheta), dPi: wrap(out.dPi) };
}

/** `reduceToShape`, with the common per-gene case (a matrix summed over its rows) as `sumRows`. */
function toShape(grad: tf.Tensor, shape: readonly number[]): tf.Tensor {
  const cols = grad.shape[1];
  if (grad.rank === 2 && shape[shape.length - 1] === cols && tf.util.sizeFromShape([...shape]) === cols) {
    return tf.reshape(sumRows(grad), [...shape]);
  }
  return reduceToShape(grad, shape);
}

/**
 * The NB (`pi` undefined) or ZINB log-likelihood through the fused pass, differentiable in
 * `mu`, `theta` and `pi` (not in `x`). Call only when {@link useHostCountKernels} is true.
 */
export function countLogProbHost(x: tf.Tensor, mu: tf.Tensor, theta: tf.Tensor, pi?: tf.Tensor): tf.Tensor {
  if (!taping()) return tf.tidy(() => forward(prepare(x, mu, theta, pi), false).value);
  const inputs = pi ? [mu, theta, pi] : [mu, theta];
  const op = tf.customGrad(((...args: unknown[]) => {
    const ins = args.slice(0, inputs.length) as tf.Tensor[];
    const save = args[inputs.length] as tf.GradSaveFunc;
    const f = tf.tidy(() => {
      const r = forward(prepare(x, ins[0]!, ins[1]!, ins[2]), true);
      return [r.value, r.dMu!, r.dTheta!, ...(r.dPi ? [r.dPi] : [])];
    });
    save(f.slice(1));
    return {
      value: f[0]!,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        // dy · ∂ (one heap pass for all), summed back to each parameter's own shape (θ: over all but its own axes).
        multiplyEach(dy, saved).map((product, k) => toShape(product, ins[k]!.shape)),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(...inputs);
}
