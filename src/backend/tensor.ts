/**
 * Small tensor utilities shared by every layer: argument conversion with names,
 * shape broadcasting, gradient stopping, and summing over trailing dimensions.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { sumLastAxis } from "./heap-ops.js";

/** A value that can stand for a float tensor: a number, nested number arrays, or a tensor. */
export type TensorInput = number | number[] | number[][] | number[][][] | Float32Array | tf.Tensor;

/**
 * Converts `x` to a float32 tensor. Errors name the argument and the operation, as tfjs'
 * own ops do: "argument 'scale' passed to 'Normal' must be ...".
 */
export function toTensor(x: TensorInput, argName: string, opName: string): tf.Tensor {
  if (x instanceof tf.Tensor) {
    if (x.isDisposed) {
      throw new Error(`argument '${argName}' passed to '${opName}' is a disposed tensor`);
    }
    return x.dtype === "float32" ? x : tf.cast(x, "float32");
  }
  if (typeof x === "number") return tf.scalar(x, "float32");
  if (x instanceof Float32Array) return tf.tensor1d(x, "float32");
  if (Array.isArray(x)) {
    try {
      return tf.tensor(x as number[], undefined, "float32");
    } catch (err) {
      throw new Error(
        `argument '${argName}' passed to '${opName}' is not a rectangular number array: ${(err as Error).message}`,
      );
    }
  }
  throw new Error(`argument '${argName}' passed to '${opName}' must be a number, an array or a tf.Tensor`);
}

/** Broadcasts shapes NumPy-style; throws naming `context` when they do not broadcast. */
export function broadcastShapes(shapes: readonly (readonly number[])[], context = "broadcast"): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const j = rank - s.length + i;
      const d = s[i]!;
      const o = out[j]!;
      if (o === 1) out[j] = d;
      else if (d !== 1 && d !== o) {
        throw new Error(
          `${context}: shapes ${shapes.map((x) => `[${x.join(", ")}]`).join(", ")} do not broadcast`,
        );
      }
    }
  }
  return out;
}

/** Whether two shapes are equal. */
export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Formats a shape as `[2, 3]`. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/**
 * Broadcasts `x` to `shape` (a no-op, returning `x` itself, when the shape already matches).
 * Its gradient sums over the broadcast axes in one op (tfjs' own `tf.broadcastTo` differentiates
 * through `Tile`'s gradient, one slice per repetition: seconds for a few thousand rows), and it
 * saves no tensors for the backward pass (only shapes), so it adds few kernels under a tape.
 */
export function broadcastTo(x: tf.Tensor, shape: readonly number[]): tf.Tensor {
  if (shapesEqual(x.shape, shape)) return x;
  const target = [...shape];
  const inShape = x.shape;
  const padded = x.rank < target.length ? [...new Array<number>(target.length - x.rank).fill(1), ...inShape] : inShape;
  const axes = target.flatMap((d, i) => (padded[i] === 1 && d !== 1 ? [i] : []));
  const op = tf.customGrad(((input: tf.Tensor) => ({
    value: tf.broadcastTo(padded === inShape ? input : tf.reshape(input, padded), target),
    gradFunc: (dy: tf.Tensor) => tf.reshape(tf.sum(dy, axes), inShape),
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x);
}

/**
 * Builds a differentiable op of tensor arguments from its forward computation and its
 * gradient (a typed wrapper around `tf.customGrad`). `backward(dy, inputs, value)` returns
 * one gradient per input, each of that input's shape.
 */
export function customOp(
  forward: (...inputs: tf.Tensor[]) => tf.Tensor,
  backward: (dy: tf.Tensor, inputs: tf.Tensor[], value: tf.Tensor) => tf.Tensor[],
): (...inputs: tf.Tensor[]) => tf.Tensor {
  const op = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const inputs = args.slice(0, -1) as tf.Tensor[];
    const value = forward(...inputs);
    save([...inputs, value]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const grads = backward(dy, saved.slice(0, -1), saved[saved.length - 1]!);
        return grads.length === 1 ? grads[0]! : grads;
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (...inputs: tf.Tensor[]) => op(...inputs);
}

const stopGradientOp = customOp(
  (x) => tf.clone(x),
  (dy) => [tf.zerosLike(dy)],
);

/**
 * The identity with a zero gradient (PyTorch's `detach`): gradients do not flow through it.
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return stopGradientOp(x) as T;
}

/** Sums the last `n` dimensions of `x` (returns `x` itself when `n` is 0). */
export function sumRightmost(x: tf.Tensor, n: number): tf.Tensor {
  if (n <= 0) return x;
  if (n > x.rank) throw new Error(`sumRightmost: cannot sum ${n} dims of a rank-${x.rank} tensor`);
  // A matrix's rows (e.g. a cell's log-likelihood over genes) take the wasm heap's reduction.
  if (n === 1 && x.rank === 2) return sumLastAxis(x);
  const axes = Array.from({ length: n }, (_, i) => x.rank - n + i);
  return tf.sum(x, axes);
}

/** The number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Reads a boolean tensor and returns the flat index of its first `false` element, or -1.
 * Costs a sync: used only for argument validation, never in hot loops.
 */
export function firstFalse(condition: tf.Tensor): number {
  const values = condition.dataSync();
  for (let i = 0; i < values.length; i++) if (!values[i]) return i;
  return -1;
}
