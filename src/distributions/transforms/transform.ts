/**
 * The `Transform` base class: a differentiable, invertible map between constrained spaces,
 * with the log absolute determinant of its Jacobian (torch.distributions.transforms'
 * contract).
 *
 * A transform acts on events of `domain.eventDim` rightmost dimensions and produces events of
 * `codomain.eventDim` rightmost dimensions; all leading dimensions are batch dimensions.
 * `logAbsDetJacobian(x, y)` has the shape of `x` less its `domain.eventDim` rightmost
 * dimensions.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { Constraint } from "../constraints.js";

/**
 * A bijection `y = forward(x)` from `domain` onto `codomain` with `inverse` and
 * `logAbsDetJacobian`. Every method returns a new tensor owned by the caller.
 *
 * @example
 * ```ts
 * const t = new ExpTransform();
 * const y = t.forward(tf.tensor1d([0, 1]));       // [1, e]
 * const ladj = t.logAbsDetJacobian(x, y);         // = x
 * ```
 */
export abstract class Transform {
  /** The space `forward` maps from. */
  abstract readonly domain: Constraint;
  /** The space `forward` maps onto. */
  abstract readonly codomain: Constraint;

  /** Whether the transform is a bijection (every transform here is). */
  get bijective(): boolean {
    return true;
  }

  /** +1 or -1 for monotone elementwise transforms; throws for others. */
  get sign(): number {
    throw new Error(`${this.name} is not an elementwise monotone transform: it has no sign`);
  }

  /** A short name for messages, e.g. `ExpTransform` or `AffineTransform`. */
  get name(): string {
    return this.constructor.name;
  }

  /** `y = f(x)`. */
  abstract forward(x: tf.Tensor): tf.Tensor;

  /** `x = f⁻¹(y)`. */
  abstract inverse(y: tf.Tensor): tf.Tensor;

  /**
   * `log|det ∂y/∂x|` for `y = forward(x)`, one value per event: the shape of `x` less its
   * `domain.eventDim` rightmost dimensions.
   */
  abstract logAbsDetJacobian(x: tf.Tensor, y: tf.Tensor): tf.Tensor;

  /** The shape of `forward(x)` for `x` of shape `shape` (the same shape unless overridden). */
  forwardShape(shape: readonly number[]): number[] {
    return [...shape];
  }

  /** The shape of `inverse(y)` for `y` of shape `shape` (the same shape unless overridden). */
  inverseShape(shape: readonly number[]): number[] {
    return [...shape];
  }

  /** The name. */
  toString(): string {
    return this.name;
  }
}
