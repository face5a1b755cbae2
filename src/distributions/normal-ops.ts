/**
 * Fused Normal ops with hand-written gradients: the log-density and the reparameterized draw.
 * Under a gradient tape tfjs records every elementary op of
 * `-(x - loc)² / (2 scale²) - log scale - c` (or `loc + scale · ε`) and clones each op's inputs
 * for the backward pass; one fused op records once and computes its gradients from a single
 * saved tensor (about half the kernels per Normal site in an SVI step).
 * @module
 */
import * as tf from "@tensorflow/tfjs";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Sums `grad` down to `shape` (the inverse of broadcasting `shape` up to `grad.shape`). */
function reduceTo(grad: tf.Tensor, shape: readonly number[]): tf.Tensor {
  if (tf.util.arraysEqual(grad.shape, shape as number[])) return grad;
  const lead = grad.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < grad.rank; i++) if (i < lead || shape[i - lead] === 1) axes.push(i);
  return tf.reshape(axes.length > 0 ? tf.sum(grad, axes) : grad, shape as number[]);
}

const op = tf.customGrad(((x: tf.Tensor, loc: tf.Tensor, scale: tf.Tensor, save: tf.GradSaveFunc) => {
  const z = tf.div(tf.sub(x, loc), scale);
  const value = tf.sub(tf.mul(tf.square(z), -0.5), tf.add(tf.log(scale), HALF_LOG_2PI));
  save([z, scale]);
  const xShape = x.shape;
  const locShape = loc.shape;
  return {
    value,
    gradFunc: (dy: tf.Tensor, [zs, s]: tf.Tensor[]) => {
      // d/dloc = z / scale, d/dx = -z / scale, d/dscale = (z² - 1) / scale.
      const dLoc = tf.div(tf.mul(dy, zs!), s!);
      const dScale = tf.div(tf.mul(dy, tf.sub(tf.square(zs!), 1)), s!);
      return [reduceTo(tf.neg(dLoc), xShape), reduceTo(dLoc, locShape), reduceTo(dScale, s!.shape)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]);

/**
 * `log N(x; loc, scale)` elementwise (broadcasting), differentiable in all three arguments.
 * Float32 inputs.
 */
export function normalLogDensity(x: tf.Tensor, loc: tf.Tensor, scale: tf.Tensor): tf.Tensor {
  return (op as unknown as (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.Tensor)(x, loc, scale);
}

const rsampleOp = tf.customGrad(((loc: tf.Tensor, scale: tf.Tensor, eps: tf.Tensor, save: tf.GradSaveFunc) => {
  const value = tf.add(loc, tf.mul(scale, eps));
  save([eps]);
  const locShape = loc.shape;
  const scaleShape = scale.shape;
  return {
    value,
    gradFunc: (dy: tf.Tensor, [e]: tf.Tensor[]) => [reduceTo(dy, locShape), reduceTo(tf.mul(dy, e!), scaleShape), tf.zerosLike(e!)],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]);

/**
 * The reparameterized draw `loc + scale · eps` (broadcasting) for given standard-normal noise
 * `eps`; differentiable in `loc` and `scale` (the noise gets a zero gradient).
 */
export function normalRsample(loc: tf.Tensor, scale: tf.Tensor, eps: tf.Tensor): tf.Tensor {
  return (rsampleOp as unknown as (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.Tensor)(loc, scale, eps);
}
