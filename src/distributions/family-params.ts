/**
 * Helpers shared by the parametric families (Normal, Gamma, Beta, ...): converting and
 * broadcasting constructor parameters, checking `expand` targets, and an internal option that
 * lets `expand` skip re-validating parameters that were validated already.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { broadcastShapes, broadcastTo, customOp, formatShape, toTensor, type TensorInput } from "../backend/tensor.js";
import type { DistributionOptions } from "./distribution.js";

const TRUSTED = Symbol("scvi-ts.trustedParameters");

/** Options plus the internal mark set by `expand` (parameters already validated). */
interface InternalOptions extends DistributionOptions {
  [TRUSTED]?: boolean;
}

/**
 * Options for a distribution whose parameters derive from an already-validated one by
 * broadcasting: validation of `logProb` values stays as it was, the parameter check is skipped.
 */
export function trustedOptions(validateArgs: boolean): DistributionOptions {
  const options: InternalOptions = { validateArgs, [TRUSTED]: true };
  return options;
}

/** Whether the constructor should check its parameters (validation on, not built by `expand`). */
export function shouldCheckParams(options: DistributionOptions, validateArgs: boolean): boolean {
  return validateArgs && (options as InternalOptions)[TRUSTED] !== true;
}

/**
 * Converts named parameters to float32 tensors and broadcasts them to their common shape (the
 * batch shape, less `eventDims` trailing dimensions that must already agree, for event families).
 * Errors name the family and the parameters. Scalars created from numbers are disposed when a
 * broadcast copy replaces them; tensors passed in are returned as they are when their shape is
 * already the batch shape.
 */
export function broadcastParams(
  family: string,
  params: readonly (readonly [name: string, value: TensorInput])[],
): { values: tf.Tensor[]; shape: number[] } {
  return tf.tidy(() => {
    const tensors = params.map(([name, value]) => toTensor(value, name, family));
    const shape = broadcastShapes(
      tensors.map((t) => t.shape),
      `${family}(${params.map(([name]) => name).join(", ")})`,
    );
    return { values: tensors.map((t) => broadcastTo(t, shape)), shape };
  }) as unknown as { values: tf.Tensor[]; shape: number[] };
}

/**
 * Throws unless `from` broadcasts to `to` by adding leading dimensions and growing size-1
 * dimensions (the only changes `expand` may make).
 */
export function checkExpand(family: string, from: readonly number[], to: readonly number[]): void {
  const offset = to.length - from.length;
  const bad = offset < 0 || from.some((d, i) => d !== to[offset + i] && d !== 1);
  if (bad) {
    throw new Error(
      `${family}.expand: batchShape ${formatShape(from)} cannot be broadcast to ${formatShape(to)} (each dimension must match or be 1)`,
    );
  }
}

/**
 * The shape of `logProb(value)`: `value`'s shape broadcast with `batchShape + eventShape`, less
 * the event dimensions. Throws naming the family when the shapes do not broadcast.
 */
export function logProbShape(
  family: string,
  value: tf.Tensor,
  batchShape: readonly number[],
  eventShape: readonly number[] = [],
): number[] {
  const full = broadcastShapes([value.shape, [...batchShape, ...eventShape]], `${family}.logProb(value of shape ${formatShape(value.shape)})`);
  return full.slice(0, full.length - eventShape.length);
}

/** `value` as float32 (tfjs ops on int tensors would truncate). */
export function asFloat(value: tf.Tensor): tf.Tensor {
  return value.dtype === "float32" ? value : tf.cast(value, "float32");
}

const xlogyOp = customOp(
  // Where a = 0 the logarithm is taken of 1 instead, so the value is 0, not 0 · (-Infinity).
  (a, x) => tf.mul(a!, tf.log(tf.where(tf.equal(a!, 0), tf.onesLike(x!), x!))),
  (dy, [a, x]) => {
    const positive = tf.greater(x!, 0);
    const safeX = tf.where(positive, x!, tf.onesLike(x!));
    // d/da = log x wherever x > 0 (also at a = 0, where the guard above must not zero it);
    // at x = 0 it is 0, as torch's subgradient, instead of -Infinity.
    const da = tf.where(positive, tf.log(safeX), tf.zerosLike(x!));
    const dx = tf.where(tf.equal(a!, 0), tf.zerosLike(x!), tf.div(a!, safeX));
    return [reduceGradTo(tf.mul(dy, da), a!.shape), reduceGradTo(tf.mul(dy, dx), x!.shape)];
  },
);

/** Sums a broadcast gradient back down to `shape`. */
function reduceGradTo(g: tf.Tensor, shape: readonly number[]): tf.Tensor {
  if (tf.util.arraysEqual(g.shape, shape as number[])) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) if (i < lead || shape[i - lead] === 1) axes.push(i);
  return tf.reshape(tf.sum(g, axes), shape as number[]);
}

/**
 * `a · log(x)` with `0 · log(0) = 0` (torch's `xlogy`), for log-densities such as
 * `(α - 1) log x` at `α = 1, x = 0`. The gradient in `a` is `log x` for every `x > 0` —
 * including at `a = 0`, i.e. a concentration of exactly 1 — and 0 at `x = 0`.
 */
export function xlogy(a: tf.Tensor, x: tf.Tensor): tf.Tensor {
  return xlogyOp(a, x);
}
