/**
 * Elementwise helpers for count log-likelihoods that stay accurate in float32 and are cheap on
 * the WebAssembly backend.
 *
 * Two measurements on tfjs 4.22's wasm backend shape this file:
 *
 * - `tf.log1p` there is `log(1 + x)`, so it loses all relative precision for tiny `x`
 *   (`log1p(1e-10)` returns 0). {@link log1pAccurate} restores it with one correction term.
 * - Transcendental kernels (`log`, `log1p`, `exp`, `softplus`) and comparisons / `where` cost
 *   10–40× an add or multiply on 128 × 2,000 tensors, so the helpers avoid branches and trade
 *   transcendental calls for arithmetic wherever that keeps the accuracy.
 *
 * The Stirling decomposition `lgamma(z) = (z - ½) log z - z + ½ log 2π + r(z)` underlies the
 * count log-likelihoods: the remainder `r` is small and smooth, and the large
 * `(z - ½) log z` parts of several `lgamma` calls are combined analytically into logs of ratios
 * near one, which removes the catastrophic cancellation of `lgamma(x + θ) - lgamma(θ)` and
 * `x log μ - lgamma(x + 1)` in float32.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** ½ log 2π. */
export const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Arguments are shifted up by this before the asymptotic series of {@link digammaMinusLog}. */
const SHIFT = 3;

/**
 * `log(1 + x)` accurate to a few ulp for every `x > -1`, including tiny `x` (tfjs' wasm
 * `log1p` is `log(1 + x)`). Uses `log(u) - ((u - 1) - x) / u` with `u = 1 + x`: the
 * correction is the rounding error of `1 + x`, which is exact in floating point.
 */
export function log1pAccurate(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const u = tf.add(x, 1);
    return tf.sub(tf.log(u), tf.div(tf.sub(tf.sub(u, 1), x), u));
  });
}

/**
 * `log(ratio)` for a positive `ratio` given together with `excess = ratio - 1` computed
 * independently (and accurately) by the caller, without a branch: relative accuracy is kept
 * both near `ratio = 1` (where `log(ratio)` would round) and near `ratio = 0` (where
 * `log1p(excess)` would round `excess` to -1).
 *
 * Uses `log r = sign(e) · log1p(t)` with `t = e` for `r ≥ 1` and `t = -e / r = (1 - r)/r` for
 * `r < 1` (so `log r = -log(1/r)`), computed branch-free as `t = relu(e) + relu(-e) / r`; `t` is
 * always ≥ 0, where the corrected `log1p` is accurate. `ratio` must be positive.
 */
export function logOfRatio(ratio: tf.Tensor, excess: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const positive = tf.relu(excess);
    // relu(-e) = relu(e) - e (one op fewer than negating first).
    const t = tf.add(positive, tf.div(tf.sub(positive, excess), ratio));
    // sign(e) as 2·step(e) - 1; e = 0 gives -log1p(0) = 0 either way.
    const sign = tf.sub(tf.mul(tf.step(excess), 2), 1);
    return tf.mul(sign, log1pAccurate(t));
  });
}

/**
 * The asymptotic Stirling series `1/(12z) - 1/(360z³) + 1/(1260z⁵) - 1/(1680z⁷)`, for z ≥ 3
 * (truncation error below 5e-8 there).
 */
export function stirlingSeries(z: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const zInv = tf.reciprocal(z);
    const zInv2 = tf.square(zInv);
    const inner = tf.add(-1 / 360, tf.mul(zInv2, tf.add(1 / 1260, tf.mul(zInv2, -1 / 1680))));
    return tf.mul(zInv, tf.add(1 / 12, tf.mul(zInv2, inner)));
  });
}

/**
 * The pieces of the Stirling remainder `r(z) = lgamma(z) - (z - ½) log z + z - ½ log 2π` that
 * cost a logarithm, written so that callers can merge the logarithms of several remainders
 * into one. With a shift `S` (3 for any `z > 0`, 2 when `z ≥ 1`):
 *
 * `r(z) = series(z + S) + (z + ½) log1p(S / z) - S + log Π_{k=1}^{S-1} (z + S)/(z + k)`
 *
 * Returns `smooth = series(z + S) + (z + ½) log1p(S / z) - S`, `ratio = Π (z + S)/(z + k)`
 * (in [1, 4.5]) and `log1pShift = log1p(S / z)`, so that `r(z) = smooth + log(ratio)`. The
 * shift applies to every `z`, so there is no branch; for large `z` the terms are small and
 * computed without cancellation beyond ~1e-7 absolute. Call inside `tf.tidy`.
 */
export function stirlingRemainderParts(
  z: tf.Tensor,
  shift: 2 | 3 = 3,
): { smooth: tf.Tensor; ratio: tf.Tensor; log1pShift: tf.Tensor } {
  const zs = tf.add(z, shift);
  const log1pShift = log1pAccurate(tf.div(shift, z));
  const smooth = tf.add(stirlingSeries(zs), tf.sub(tf.mul(tf.add(z, 0.5), log1pShift), shift));
  const ratio =
    shift === 2 ? tf.div(zs, tf.add(z, 1)) : tf.mul(tf.div(zs, tf.add(z, 1)), tf.div(zs, tf.add(z, 2)));
  return { smooth, ratio, log1pShift };
}

/** The Stirling remainder `r(z) = lgamma(z) - (z - ½) log z + z - ½ log 2π`, for `z > 0` (small and smooth; `r(z) ≈ 1/(12z)` for large `z`). */
export function stirlingRemainder(z: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const { smooth, ratio } = stirlingRemainderParts(z);
    return tf.add(smooth, tf.log(ratio));
  });
}

/**
 * `h(z) = ψ(z) - log z` for `z > 0` (ψ the digamma function), given `log1p(3 / z)`:
 * `h(z) = log1p(3/z) - 1/(2(z+3)) - s(z+3) - 1/z - 1/(z+1) - 1/(z+2)` with
 * `s(w) = 1/(12w²) - 1/(120w⁴) + 1/(252w⁶) - 1/(240w⁸)` (truncation error below 2e-7 at w = 3).
 * Passing the `log1pShift` already computed by {@link stirlingRemainderParts} makes this
 * free of transcendental calls.
 */
export function digammaMinusLog(z: tf.Tensor, log1pShift: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const w = tf.add(z, SHIFT);
    const wInv = tf.reciprocal(w);
    const wInv2 = tf.square(wInv);
    const s = tf.mul(wInv2, tf.add(1 / 12, tf.mul(wInv2, tf.add(-1 / 120, tf.mul(wInv2, tf.add(1 / 252, tf.mul(wInv2, -1 / 240)))))));
    const reciprocals = tf.add(tf.add(tf.reciprocal(z), tf.reciprocal(tf.add(z, 1))), tf.reciprocal(tf.add(z, 2)));
    return tf.sub(tf.sub(log1pShift, tf.add(tf.mul(wInv, 0.5), s)), reciprocals);
  });
}

/**
 * `log(1 + exp(y))` using the fast sigmoid kernel: `relu(y) - log(σ(|y|))`. `σ(|y|)` lies in
 * [½, 1], so nothing overflows or underflows; the absolute error is below 1e-7 (relative
 * accuracy is lost only where the result itself is below ~1e-7).
 */
export function softplusFast(y: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sub(tf.relu(y), tf.log(tf.sigmoid(tf.abs(y)))));
}

/**
 * Sums a gradient computed at a broadcast shape back to the shape of the input it belongs to
 * (the reverse of broadcasting).
 */
export function reduceToShape(grad: tf.Tensor, shape: readonly number[]): tf.Tensor {
  if (grad.shape.length === shape.length && grad.shape.every((d, i) => d === shape[i])) return grad;
  return tf.tidy(() => {
    const axes = tf.backend_util.getReductionAxes([...shape], grad.shape);
    const summed = axes.length > 0 ? tf.sum(grad, axes, true) : grad;
    return tf.reshape(summed, [...shape]);
  });
}
