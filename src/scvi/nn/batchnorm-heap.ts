/**
 * The training-mode batch normalisation of `batchnorm.ts` (with its fused ReLU and dropout) as
 * two loops over the wasm backend's heap, forward and backward: the same formulas, with the
 * moments accumulated in float64. A hidden layer is `[batch, 128]`, so the op is cheap and
 * the ~20 tfjs kernels of the forward pass and ~10 of the backward cost more in bookkeeping
 * (about 25 µs each) than in arithmetic. Only for float32 `[n, c]` inputs on the wasm heap, and
 * only while `setHeapOps` leaves heap kernels on.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { heapOpsEnabled } from "../../backend/heap-ops.js";
import { heapView, tfjsHeap, type TfjsHeap } from "../../backend/wasm-heap.js";

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
}

function output(heap: TfjsHeap, shape: number[]): [tf.Tensor, Float32Array] {
  const info = heap.backend.makeOutput(shape, "float32");
  const t = tf.engine().makeTensorFromTensorInfo(info);
  return [t, heapView(heap, info, Float32Array)];
}

/**
 * The forward pass on the heap, or null off it. `uniform` (`[n, c]`, from `tf.randomUniform`)
 * draws the dropout mask `floor(u + 1 − p) / (1 − p)` when `dropoutRate > 0`.
 */
export function batchNormForwardHeap(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  options: { eps: number; relu: boolean; dropoutRate: number; uniform?: tf.Tensor },
): BatchNormHeapForward | null {
  const heap = heapOpsEnabled() ? tfjsHeap() : null;
  if (!heap || x.rank !== 2 || [x, gamma, beta].some((t) => t.dtype !== "float32")) return null;
  const [n, c] = x.shape as [number, number];
  const { eps, relu, dropoutRate: p, uniform } = options;
  if (p > 0 && uniform === undefined) throw new Error("batchNormForwardHeap: dropout needs the uniform draws");
  const hasMask = relu || p > 0;
  // Outputs first: allocating may grow the heap, which detaches earlier views.
  const [value] = output(heap, [n, c]);
  const [xHat] = output(heap, [n, c]);
  const [invStd] = output(heap, [c]);
  const [mean] = output(heap, [c]);
  const [unbiasedVariance] = output(heap, [c]);
  const mask = hasMask ? output(heap, [n, c])[0] : undefined;
  const view = (t: tf.Tensor) => heapView(heap, t, Float32Array);
  const [xs, gs, bs, vs, hs, is, ms, us] = [x, gamma, beta, value, xHat, invStd, mean, unbiasedVariance].map(view) as Float32Array[];
  const masks = mask ? view(mask) : undefined;
  const us2 = p > 0 ? view(uniform!) : undefined;
  const sum = new Float64Array(c);
  for (let i = 0; i < n; i++) {
    const row = i * c;
    for (let j = 0; j < c; j++) sum[j] += xs![row + j]!;
  }
  for (let j = 0; j < c; j++) sum[j] /= n;
  const squares = new Float64Array(c);
  for (let i = 0; i < n; i++) {
    const row = i * c;
    for (let j = 0; j < c; j++) {
      const d = xs![row + j]! - sum[j]!;
      squares[j] += d * d;
    }
  }
  for (let j = 0; j < c; j++) {
    const variance = squares[j]! / n;
    ms![j] = sum[j]!;
    us![j] = (variance * n) / (n - 1);
    is![j] = 1 / Math.sqrt(Math.fround(variance) + eps);
  }
  const keep = 1 - p;
  for (let i = 0; i < n; i++) {
    const row = i * c;
    for (let j = 0; j < c; j++) {
      const at = row + j;
      const h = Math.fround((xs![at]! - Math.fround(sum[j]!)) * is![j]!);
      hs![at] = h;
      let y = Math.fround(h * gs![j]! + bs![j]!);
      if (masks) {
        let m = relu && !(y > 0) ? 0 : 1;
        if (p > 0) m *= Math.floor(Math.fround(us2![at]! + keep)) / keep;
        masks[at] = m;
        y *= m;
      }
      vs![at] = y;
    }
  }
  return { value, xHat, invStd, mask, mean, unbiasedVariance };
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
  const heap = heapOpsEnabled() ? tfjsHeap() : null;
  if (!heap || dyOut.dtype !== "float32" || dyOut.rank !== 2) return null;
  const [n, c] = xHat.shape as [number, number];
  const [dx] = output(heap, [n, c]);
  const [dGamma] = output(heap, [c]);
  const [dBeta] = output(heap, [c]);
  const view = (t: tf.Tensor) => heapView(heap, t, Float32Array);
  const [dys, hs, is, gs, dxs, dgs, dbs] = [dyOut, xHat, invStd, gamma, dx, dGamma, dBeta].map(view) as Float32Array[];
  const masks = mask ? view(mask) : undefined;
  const sumDy = new Float64Array(c);
  const sumDyH = new Float64Array(c);
  for (let i = 0; i < n; i++) {
    const row = i * c;
    for (let j = 0; j < c; j++) {
      const dy = masks ? dys![row + j]! * masks[row + j]! : dys![row + j]!;
      sumDy[j] += dy;
      sumDyH[j] += dy * hs![row + j]!;
    }
  }
  for (let j = 0; j < c; j++) {
    dbs![j] = sumDy[j]!;
    dgs![j] = sumDyH[j]!;
    sumDy[j] /= n;
    sumDyH[j] /= n;
  }
  for (let i = 0; i < n; i++) {
    const row = i * c;
    for (let j = 0; j < c; j++) {
      const dy = masks ? dys![row + j]! * masks[row + j]! : dys![row + j]!;
      dxs![row + j] = is![j]! * gs![j]! * (dy - sumDy[j]! - hs![row + j]! * sumDyH[j]!);
    }
  }
  return [dx, dGamma, dBeta];
}
