/**
 * `AffineTransform`: `y = loc + scale · x`, elementwise.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { broadcastShapes, sumRightmost, toTensor, type TensorInput } from "../../backend/tensor.js";
import { independent, real, type Constraint } from "../constraints.js";
import { Transform } from "./transform.js";

/** The shape of a tensor input without building a tensor. */
function shapeOfInput(x: TensorInput): number[] {
  if (typeof x === "number") return [];
  if (x instanceof tf.Tensor) return [...x.shape];
  if (x instanceof Float32Array) return [x.length];
  const shape: number[] = [];
  let v: unknown = x;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0];
  }
  return shape;
}

/**
 * `y = loc + scale · x` with `loc` and `scale` broadcasting against `x`;
 * `log|dy/dx| = log|scale|`, summed over the `eventDim` rightmost dimensions.
 *
 * `loc` and `scale` are kept as given (numbers stay numbers) and turned into tensors inside
 * each call, so a transform holds no tensors of its own: it can be built inside one `tf.tidy`
 * and used in another, and building many (as `bijectTo` does on every call) leaks nothing.
 * A tensor `loc` or `scale` must stay alive while the transform is used.
 *
 * @example
 * ```ts
 * // maps (0, 1) onto (2, 5)
 * const t = new AffineTransform(2, 3);
 * ```
 */
export class AffineTransform extends Transform {
  /** The shift, as given. */
  readonly loc: TensorInput;
  /** The (nonzero) scale, as given. */
  readonly scale: TensorInput;
  readonly domain: Constraint;
  readonly codomain: Constraint;
  private readonly paramShape: number[];

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
    this.loc = loc;
    this.scale = scale;
    this.paramShape = broadcastShapes([shapeOfInput(loc), shapeOfInput(scale)], "AffineTransform(loc, scale)");
    this.domain = eventDim === 0 ? real : independent(real, eventDim);
    this.codomain = this.domain;
  }

  /** The sign of `scale` when it is a number; throws for tensor scales. */
  override get sign(): number {
    if (typeof this.scale !== "number") throw new Error("AffineTransform.sign is only known for a number scale");
    return Math.sign(this.scale);
  }

  private params(): [tf.Tensor, tf.Tensor] {
    return [toTensor(this.loc, "loc", "AffineTransform"), toTensor(this.scale, "scale", "AffineTransform")];
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [loc, scale] = this.params();
      return tf.add(loc, tf.mul(scale, x));
    });
  }

  inverse(y: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [loc, scale] = this.params();
      return tf.div(tf.sub(y, loc), scale);
    });
  }

  logAbsDetJacobian(x: tf.Tensor, y: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const scale = this.params()[1];
      const shape = broadcastShapes([x.shape, y.shape, scale.shape], this.name);
      const ladj = tf.broadcastTo(tf.log(tf.abs(scale)).reshape(padShape(scale.shape, shape.length)), shape);
      return sumRightmost(ladj, this.eventDim);
    });
  }

  override forwardShape(shape: readonly number[]): number[] {
    return broadcastShapes([shape, this.paramShape], this.name);
  }

  override inverseShape(shape: readonly number[]): number[] {
    return broadcastShapes([shape, this.paramShape], this.name);
  }
}

function padShape(shape: readonly number[], rank: number): number[] {
  return [...new Array<number>(Math.max(0, rank - shape.length)).fill(1), ...shape];
}
