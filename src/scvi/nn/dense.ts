/**
 * The dense (affine) map `x · W + b` as one differentiable op with a fast gradient.
 *
 * Facts about TensorFlow.js 4.22 on the WebAssembly backend (measured) shape it:
 *
 * - a `matMul` with a transpose flag falls to a scalar loop (about 10× slower than a plain
 *   `matMul`), and tfjs' own gradient of `matMul` uses those flags. Here every product is a
 *   plain `matMul` of explicitly transposed operands.
 * - a plain `matMul(a, b)` first packs `b` into XNNPACK's layout, which costs about as much
 *   as two transposes of `b` and is cached only while `b` is unchanged (weights change every
 *   optimizer step). So each product is arranged to make its second operand the smaller one,
 *   and the weight is stored in whichever layout ({@link DenseLayout}) needs the fewest large
 *   transposes and packs for the layer's shape.
 * - a `tf.customGrad` op computes the gradient of every input, even of inputs nothing is
 *   differentiated with respect to (such as the data fed to an encoder's first layer, where
 *   `dy · Wᵀ` costs as much as the forward pass). So the op is a kernel of its own with a
 *   registered gradient, whose per-input gradients tfjs evaluates lazily: only inputs on a
 *   path from what is differentiated get one.
 *
 * On backends whose transposed `matMul` is fast (tfjs-node, WebGL) the transpose flags are used.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { heapMatMul, heapMatMulEnabled } from "../../backend/heap-matmul.js";
import { sumRows, transpose2d } from "../../backend/heap-ops.js";

/**
 * How a dense layer's weight is stored: `"io"` as `[nIn, nOut]` (PyTorch's transpose; best
 * when nIn ≥ nOut, e.g. an encoder's first layer) or `"oi"` as `[nOut, nIn]` (PyTorch's layout;
 * best when nOut > nIn, e.g. a decoder's output heads).
 */
export type DenseLayout = "io" | "oi";

/**
 * The layout that makes a `nIn → nOut` layer fastest on the current backend. With the wasm
 * heap's products the weight gradient reads its left operand transposed, which is slower the
 * taller that operand: `"io"` makes it `[nIn]` tall, `"oi"` `[nOut]` tall, so the smaller side
 * wins (measured on scVI's 2,000 ↔ 128 layers: 2.0 vs 2.6 ms). With tfjs' `matMul` the packed
 * right operand decides: `"oi"` when nOut > nIn.
 */
export function preferredLayout(nIn: number, nOut: number): DenseLayout {
  if (heapMatMulEnabled()) return nOut > nIn ? "io" : "oi";
  return nOut > nIn ? "oi" : "io";
}

/** The kernel name the op is registered under. */
const KERNEL_NAME = "ScviTsDense";

/** Backends on which a transposed matMul is slow and explicit transposes pay off. */
const EXPLICIT_TRANSPOSE_BACKENDS = new Set(["wasm"]);

function explicitTransposes(): boolean {
  return EXPLICIT_TRANSPOSE_BACKENDS.has(tf.getBackend());
}

/** `a · bᵀ`. */
function matMulBT(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return explicitTransposes() ? tf.matMul(a, transpose2d(b) as tf.Tensor2D) : tf.matMul(a, b, false, true);
}

/** `aᵀ · b`. */
function matMulAT(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return explicitTransposes() ? tf.matMul(transpose2d(a) as tf.Tensor2D, b) : tf.matMul(a, b, true, false);
}

/**
 * `x · W + b` with the wasm heap's matrix products (`heap-matmul.ts`), which read a transposed
 * left operand in place; a transposed right operand (`W` stored `"oi"`) is transposed first.
 * Null off the heap.
 */
function heapForward(x: tf.Tensor2D, w: tf.Tensor2D, bias: tf.Tensor1D | undefined, layout: DenseLayout): tf.Tensor | null {
  if (layout === "io") return heapMatMul(x, w, { bias });
  const wT = transpose2d(w);
  const y = heapMatMul(x, wT, { bias });
  wT.dispose();
  return y;
}

/** `dy · Wᵀ` (`"io"`) or `dy · W` (`"oi"`) on the heap; null off the heap. */
function heapInputGradient(dy: tf.Tensor2D, w: tf.Tensor2D, layout: DenseLayout): tf.Tensor | null {
  if (layout === "oi") return heapMatMul(dy, w);
  const wT = transpose2d(w);
  const dx = heapMatMul(dy, wT);
  wT.dispose();
  return dx;
}

/** `xᵀ · dy` (`"io"`) or `dyᵀ · x` (`"oi"`) on the heap; null off the heap. */
function heapWeightGradient(dy: tf.Tensor2D, x: tf.Tensor2D, layout: DenseLayout): tf.Tensor | null {
  return layout === "io" ? heapMatMul(x, dy, { transposeA: true }) : heapMatMul(dy, x, { transposeA: true });
}

/** The forward kernel: `x · W + b` for either layout. */
function denseKernel(args: { inputs: tf.NamedTensorMap; attrs?: tf.NamedAttrMap }): tf.Tensor {
  const { x, w, bias } = args.inputs as { x: tf.Tensor2D; w: tf.Tensor2D; bias?: tf.Tensor1D };
  const layout = (args.attrs?.layout ?? "io") as DenseLayout;
  const onHeap = heapForward(x, w, bias, layout);
  if (onHeap) return onHeap;
  return tf.tidy(() => {
    if (layout === "io") return bias ? tf.fused.matMul({ a: x, b: w, bias }) : tf.matMul(x, w);
    if (!explicitTransposes()) return bias ? tf.fused.matMul({ a: x, b: w, transposeB: true, bias }) : tf.matMul(x, w, false, true);
    const [n, nIn] = x.shape;
    const nOut = w.shape[0];
    // x · Wᵀ packs Wᵀ (nIn·nOut); (W · xᵀ)ᵀ packs xᵀ (n·nIn) and transposes the n·nOut result.
    if (n * nIn + n * nOut < 2 * nIn * nOut) {
      const yT = tf.matMul(w, transpose2d(x) as tf.Tensor2D);
      return bias ? tf.add(transpose2d(yT), bias) : transpose2d(yT);
    }
    const wT = transpose2d(w) as tf.Tensor2D;
    return bias ? tf.fused.matMul({ a: x, b: wT, bias }) : tf.matMul(x, wT);
  });
}

let gradientRegistered = false;

function registerGradient(): void {
  if (gradientRegistered) return;
  gradientRegistered = true;
  if (tf.getGradient(KERNEL_NAME) !== undefined) return;
  tf.registerGradient({
    kernelName: KERNEL_NAME,
    inputsToSave: ["x", "w"],
    gradFunc: (dyIn, saved, attrs) => {
      const dy = dyIn as tf.Tensor2D;
      const [x, w] = saved as [tf.Tensor2D, tf.Tensor2D];
      const layout = (attrs?.layout ?? "io") as DenseLayout;
      // The heap products where they apply (wasm), else tfjs' matMul.
      const fallback = tfjsGradient(dy, x, w, layout);
      return {
        x: () => heapInputGradient(dy, w, layout) ?? fallback.x(),
        w: () => heapWeightGradient(dy, x, layout) ?? fallback.w(),
        bias: fallback.bias,
      };
    },
  });
}

/** The gradient with tfjs' matMul (explicit transposes on the wasm backend). */
function tfjsGradient(dy: tf.Tensor2D, x: tf.Tensor2D, w: tf.Tensor2D, layout: DenseLayout): { x: () => tf.Tensor; w: () => tf.Tensor; bias: () => tf.Tensor } {
  if (layout === "io") {
    // W: [nIn, nOut]. dx = dy · Wᵀ, dW = xᵀ · dy, db = Σ dy.
    return {
      x: () => matMulBT(dy, w),
      w: () => matMulAT(x, dy),
      bias: () => sumRows(dy),
    };
  }
  // W: [nOut, nIn]. dx = dy · W, dW = dyᵀ · x, db = Σ dy (the column sum of the wasm
  // backend transposes internally: `sumRows` and `transpose2d` are heap kernels there).
  if (!explicitTransposes()) {
    return {
      x: () => tf.matMul(dy, w),
      w: () => tf.matMul(dy, x, true, false),
      bias: () => tf.sum(dy, 0),
    };
  }
  return {
    x: () => tf.matMul(dy, w),
    w: () => tf.matMul(transpose2d(dy) as tf.Tensor2D, x),
    bias: () => sumRows(dy),
  };
}

function ensureRegistered(): void {
  const backend = tf.getBackend();
  if (tf.getKernel(KERNEL_NAME, backend) === undefined) {
    tf.registerKernel({
      kernelName: KERNEL_NAME,
      backendName: backend,
      kernelFunc: denseKernel as unknown as tf.KernelFunc,
    });
  }
  registerGradient();
}

/**
 * `x · W + bias` for `x` of shape `[..., nIn]` and `bias` of shape `[nOut]`, where `w` is the
 * weight stored as `[nIn, nOut]` (`layout` `"io"`, the default) or `[nOut, nIn]` (`"oi"`).
 * Differentiable in all three, with a gradient that avoids transposed matMuls and skips
 * the inputs that are not differentiated.
 *
 * @example
 * ```ts
 * const y = dense(tf.ones([4, 3]), tf.ones([3, 2]), tf.zeros([2])); // [4, 2], all 3
 * const z = dense(tf.ones([4, 3]), tf.ones([2, 3]), undefined, "oi"); // the same
 * ```
 */
export function dense(x: tf.Tensor, w: tf.Tensor, bias?: tf.Tensor, layout: DenseLayout = "io"): tf.Tensor {
  if (w.rank !== 2) throw new Error(`dense: the weight must be 2-d, got shape [${w.shape.join(", ")}]`);
  const [nIn, nOut] = (layout === "io" ? w.shape : [w.shape[1], w.shape[0]]) as [number, number];
  if (x.rank < 1 || x.shape[x.rank - 1] !== nIn) {
    throw new Error(`dense: input of shape [${x.shape.join(", ")}] does not end in ${nIn} features`);
  }
  if (bias !== undefined && (bias.rank !== 1 || bias.shape[0] !== nOut)) {
    throw new Error(`dense: bias of shape [${bias.shape.join(", ")}] does not match ${nOut} outputs`);
  }
  ensureRegistered();
  return tf.tidy(() => {
    const x2 = x.rank === 2 ? x : tf.reshape(x, [-1, nIn]);
    const inputs: tf.NamedTensorMap = bias === undefined ? { x: x2, w } : { x: x2, w, bias };
    const y = tf.engine().runKernel(KERNEL_NAME, inputs, { layout }) as tf.Tensor;
    return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), nOut]);
  });
}
