/**
 * The training-mode batch normalisation of `batchnorm.ts` (with its fused ReLU and dropout) on
 * the wasm backend's heap, forward and backward, by the WebAssembly loops of
 * `batchnorm-wasm.ts`: the same formulas, with the moments accumulated in float64. A hidden
 * layer is `[batch, 128]`, so the op is cheap and its ~20 tfjs kernels forward and ~10 backward
 * cost more in engine bookkeeping (about 25 µs each) than in arithmetic. Only for float32
 * `[n, c]` inputs on the wasm heap, and only while `setHeapOps` leaves heap kernels on.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { heapOpsEnabled } from "../../backend/heap-ops.js";
import { heapOffset, tfjsHeap, type TfjsHeap } from "../../backend/wasm-heap.js";
import { batchNormWasm, type BatchNormWasm } from "./batchnorm-wasm.js";

/** What the backward pass needs from the forward pass (tensors owned by the caller). */
export interface BatchNormHeapForward {
  /** The output (after ReLU and dropout). */
  value: tf.Tensor;
  /** The normalised input `(x − mean) · invStd`. */
  xHat: tf.Tensor;
  /** `1 / √(biased variance + eps)`, `[c]`. */
  invStd: tf.Tensor;
  /** The output's gradient mask (ReLU step × dropout scale); undefined when neither applies. */
  mask?: tf.Tensor;
  /** The batch mean, `[c]`. */
  mean: tf.Tensor;
  /** The unbiased batch variance, `[c]`. */
  unbiasedVariance: tf.Tensor;
  /** The updated running mean and variance, when running statistics were given. */
  running?: [tf.Tensor, tf.Tensor];
}

/** The heap and its batch-norm functions, or null when the heap path does not apply. */
function heapAndKernels(tensors: readonly tf.Tensor[]): [TfjsHeap, BatchNormWasm] | null {
  const heap = heapOpsEnabled() ? tfjsHeap() : null;
  if (!heap || tensors.some((t) => t.dtype !== "float32")) return null;
  const kernels = batchNormWasm(heap);
  return kernels ? [heap, kernels] : null;
}

/** A float32 tensor of `shape` in the heap. */
function output(heap: TfjsHeap, shape: number[]): tf.Tensor {
  return tf.engine().makeTensorFromTensorInfo(heap.backend.makeOutput(shape, "float32"));
}

/** Runs `body` with a scratch buffer of `doubles` float64 in the heap. */
function withScratch(heap: TfjsHeap, doubles: number, body: (at: number) => void): void {
  const scratch = heap.backend.makeOutput([2 * doubles], "float32");
  try {
    body(heapOffset(heap, scratch));
  } finally {
    heap.backend.disposeData(scratch.dataId, true);
  }
}

/**
 * The forward pass on the heap, or null off it. `uniform` (`[n, c]`, from `tf.randomUniform`)
 * draws the dropout mask `floor(u + 1 − p) / (1 − p)` when `dropoutRate > 0`.
 */
export function batchNormForwardHeap(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  options: { eps: number; relu: boolean; dropoutRate: number; uniform?: tf.Tensor; running?: { mean: tf.Tensor; variance: tf.Tensor; momentum: number } },
): BatchNormHeapForward | null {
  const found = x.rank === 2 ? heapAndKernels([x, gamma, beta, ...(options.running ? [options.running.mean, options.running.variance] : [])]) : null;
  if (!found) return null;
  const [heap, kernels] = found;
  const [n, c] = x.shape as [number, number];
  const { eps, relu, dropoutRate: p, uniform } = options;
  if (p > 0 && uniform === undefined) throw new Error("batchNormForwardHeap: dropout needs the uniform draws");
  const value = output(heap, [n, c]);
  const xHat = output(heap, [n, c]);
  const invStd = output(heap, [c]);
  const mean = output(heap, [c]);
  const unbiasedVariance = output(heap, [c]);
  const mask = relu || p > 0 ? output(heap, [n, c]) : undefined;
  const run = options.running;
  const running: [tf.Tensor, tf.Tensor] | undefined = run ? [output(heap, [c]), output(heap, [c])] : undefined;
  const at = (t: tf.Tensor | undefined) => (t ? heapOffset(heap, t) : 0);
  withScratch(heap, 2 * c, (scratch) =>
    kernels.forward(
      n,
      c,
      at(x),
      at(gamma),
      at(beta),
      at(p > 0 ? uniform : undefined),
      1 - p,
      relu ? 1 : 0,
      eps,
      scratch,
      at(value),
      at(xHat),
      at(mask),
      at(invStd),
      at(mean),
      at(unbiasedVariance),
      at(run?.mean),
      at(run?.variance),
      run?.momentum ?? 0,
      at(running?.[0]),
      at(running?.[1]),
    ),
  );
  return { value, xHat, invStd, mask, mean, unbiasedVariance, running };
}

/**
 * The backward pass on the heap, or null off it: with `dy = dyOut · mask`,
 * `dβ = Σ dy`, `dγ = Σ dy · x̂`, `dx = invStd · γ · (dy − dβ/n − x̂ · dγ/n)`.
 */
export function batchNormBackwardHeap(
  dyOut: tf.Tensor,
  xHat: tf.Tensor,
  invStd: tf.Tensor,
  gamma: tf.Tensor,
  mask: tf.Tensor | undefined,
): [tf.Tensor, tf.Tensor, tf.Tensor] | null {
  const found = dyOut.rank === 2 ? heapAndKernels([dyOut, xHat, invStd, gamma]) : null;
  if (!found) return null;
  const [heap, kernels] = found;
  const [n, c] = xHat.shape as [number, number];
  const dx = output(heap, [n, c]);
  const dGamma = output(heap, [c]);
  const dBeta = output(heap, [c]);
  const at = (t: tf.Tensor | undefined) => (t ? heapOffset(heap, t) : 0);
  withScratch(heap, 2 * c, (scratch) => kernels.backward(n, c, at(dyOut), at(xHat), at(invStd), at(gamma), at(mask), scratch, at(dx), at(dGamma), at(dBeta)));
  return [dx, dGamma, dBeta];
}
