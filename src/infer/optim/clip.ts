/**
 * Gradient clipping by global norm (torch's `torch.nn.utils.clip_grad_norm_`).
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** The L2 norm of all `grads` taken together, as a scalar tensor (no sync). */
export function globalNorm(grads: readonly tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => {
    if (grads.length === 0) return tf.scalar(0);
    const squares = grads.map((g) => tf.sum(tf.square(g)));
    return tf.sqrt(squares.length === 1 ? squares[0]! : tf.addN(squares)) as tf.Scalar;
  });
}

/**
 * Scales `grads` so that their global L2 norm is at most `maxNorm`, with torch's formula:
 * every gradient is multiplied by `min(1, maxNorm / (norm + 1e-6))`. Returns new tensors
 * (the inputs are not disposed); computed without reading tensor values.
 *
 * @example
 * ```ts
 * const [gw, gb] = clipGradNorm([gradW, gradB], 5);
 * ```
 */
export function clipGradNorm(grads: readonly tf.Tensor[], maxNorm: number): tf.Tensor[] {
  if (!(maxNorm > 0)) throw new Error(`clipGradNorm: maxNorm must be > 0, got ${maxNorm}`);
  return tf.tidy(() => {
    const norm = globalNorm(grads);
    const coef = tf.minimum(tf.div(maxNorm, tf.add(norm, 1e-6)), 1);
    return grads.map((g) => tf.mul(g, coef));
  });
}
