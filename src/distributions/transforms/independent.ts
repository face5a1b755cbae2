/**
 * `IndependentTransform`: a transform whose events gain extra rightmost dimensions.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { sumRightmost } from "../../backend/tensor.js";
import { independent, type Constraint } from "../constraints.js";
import { Transform } from "./transform.js";

/**
 * Wraps `base` so that `reinterpretedBatchNdims` more rightmost dimensions count as event
 * dimensions: values are unchanged, and `logAbsDetJacobian` is summed over those dimensions.
 * This is what `bijectTo(independent(c, n))` returns.
 *
 * @example
 * ```ts
 * // exp on vectors, with one log-det per vector
 * const t = new IndependentTransform(new ExpTransform(), 1);
 * ```
 */
export class IndependentTransform extends Transform {
  readonly domain: Constraint;
  readonly codomain: Constraint;

  constructor(
    /** The elementwise transform. */
    readonly base: Transform,
    /** How many more rightmost dims count as one event (their log-dets are summed). */
    readonly reinterpretedBatchNdims: number,
  ) {
    super();
    if (!Number.isInteger(reinterpretedBatchNdims) || reinterpretedBatchNdims < 0) {
      throw new Error(`IndependentTransform: reinterpretedBatchNdims must be a nonnegative integer, got ${reinterpretedBatchNdims}`);
    }
    this.domain = independent(base.domain, reinterpretedBatchNdims);
    this.codomain = independent(base.codomain, reinterpretedBatchNdims);
  }

  override get sign(): number {
    return this.base.sign;
  }

  override get name(): string {
    return `IndependentTransform(${this.base.name}, ${this.reinterpretedBatchNdims})`;
  }

  forward(x: tf.Tensor): tf.Tensor {
    return this.base.forward(x);
  }

  inverse(y: tf.Tensor): tf.Tensor {
    return this.base.inverse(y);
  }

  logAbsDetJacobian(x: tf.Tensor, y: tf.Tensor): tf.Tensor {
    return tf.tidy(() => sumRightmost(this.base.logAbsDetJacobian(x, y), this.reinterpretedBatchNdims));
  }

  override forwardShape(shape: readonly number[]): number[] {
    return this.base.forwardShape(shape);
  }

  override inverseShape(shape: readonly number[]): number[] {
    return this.base.inverseShape(shape);
  }
}
