/**
 * `AffineTransform`: `y = loc + scale · x`, elementwise.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { broadcastShapes, sumRightmost, toTensor, type TensorInput } from "../../backend/tensor.js";
import { independent, real, type Constraint } from "../constraints.js";
import { Transform } from "./transform.js";

/**
 * `y = loc + scale · x` with `loc` and `scale` broadcasting against `x`;
 * `log|dy/dx| = log|scale|`, summed over the `eventDim` rightmost dimensions.
 *
 * `loc` and `scale` are held as tensors (numbers are converted once, on construction).
 *
 * @example
 * ```ts
 * // maps (0, 1) onto (2, 5)
 * const t = new AffineTransform(2, 3);
 * ```
 */
export class AffineTransform extends Transform {
  /** The shift. */
  readonly loc: tf.Tensor;
  /** The (nonzero) scale. */
  readonly scale: tf.Tensor;
  readonly domain: Constraint;
  readonly codomain: Constraint;
  private readonly scaleNumber: number | undefined;

  /**
   * @param loc shift
   * @param scale nonzero scale
   * @param eventDim how many rightmost dimensions form one event (default 0: elementwise)
   */
  constructor(
    loc: TensorInput,
    scale: TensorInput,
    readonly eventDim = 0,
  ) {
    super();
    this.loc = toTensor(loc, "loc", "AffineTransform");
    this.scale = toTensor(scale, "scale", "AffineTransform");
    this.scaleNumber = typeof scale === "number" ? scale : undefined;
    this.domain = eventDim === 0 ? real : independent(real, eventDim);
    this.codomain = this.domain;
  }

  /** The sign of `scale` when it is a number; throws for tensor scales. */
  override get sign(): number {
    if (this.scaleNumber === undefined) throw new Error("AffineTransform.sign is only known for a number scale");
    return Math.sign(this.scaleNumber);
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.add(this.loc, tf.mul(this.scale, x)));
  }

  inverse(y: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.div(tf.sub(y, this.loc), this.scale));
  }

  logAbsDetJacobian(x: tf.Tensor, y: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const shape = broadcastShapes([x.shape, y.shape, this.scale.shape], this.name);
      const ladj = tf.broadcastTo(tf.log(tf.abs(this.scale)).reshape(padShape(this.scale.shape, shape.length)), shape);
      return sumRightmost(ladj, this.eventDim);
    });
  }

  override forwardShape(shape: readonly number[]): number[] {
    return broadcastShapes([shape, this.loc.shape, this.scale.shape], this.name);
  }

  override inverseShape(shape: readonly number[]): number[] {
    return broadcastShapes([shape, this.loc.shape, this.scale.shape], this.name);
  }
}

function padShape(shape: readonly number[], rank: number): number[] {
  return [...new Array<number>(Math.max(0, rank - shape.length)).fill(1), ...shape];
}
