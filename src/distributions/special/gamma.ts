/**
 * The log-gamma function and its derivatives ψ (digamma), ψ₁ (trigamma), ψ₂ (tetragamma),
 * as differentiable float32 tensor ops.
 *
 * Method: one unconditional shift by the recurrence Γ(x + 1) = x Γ(x), to z = x + 2, then
 * the Stirling / de Moivre asymptotic series at z. The shift is applied to every element
 * (no `tf.where`), so each function is a short chain of cheap elementwise ops: lgamma costs
 * two logs, digamma one, trigamma and tetragamma none (on wasm a log costs about ten adds,
 * a `tf.where` or comparison about as much as a log). For lgamma the shift correction is
 * written as `log (x/z)(x/z + 1/z)` (each factor ≤ 1), which never overflows, so no branch
 * is needed for large x either. Forward + backward of lgamma on 128 × 2,000 elements takes
 * about half the time of the earlier where-branched version with a shift of 7.
 *
 * Accuracy (float32, wasm and cpu backends, against scipy on [1e-3, 1e6]; see
 * `tests/distributions/special/gamma.test.ts`), measured: relative error ≤ 3e-6 (lgamma),
 * 1.2e-6 (digamma), 4e-7 (trigamma, tetragamma) wherever |f(x)| ≥ 0.1; near the zeros of
 * lgamma (x = 1, 2) and digamma (x ≈ 1.4616) the absolute error stays below 6e-7.
 *
 * Domain: x > 0. At x = 0 (a pole) lgamma and trigamma give +Infinity, digamma and
 * tetragamma -Infinity, as scipy does. For x < 0 every function returns NaN: the reflection
 * formula would need sin(πx), which on the WebAssembly backend costs more than the whole
 * function, and no distribution needs it. +Infinity also gives NaN.
 *
 * Gradients are exact by construction (`customOp`): d lgamma = ψ, d ψ = ψ₁, d ψ₁ = ψ₂, so
 * gradients of gradients work too.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { customOp, toTensor, type TensorInput } from "../../backend/tensor.js";

/**
 * The recurrence shifts every argument by this much before the asymptotic series (five
 * terms of it are enough from z = 2 on; measured: a larger shift only adds rounding).
 * `lgammaParts` spells out the product for SHIFT = 2.
 */
export const SHIFT = 2;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * `0` for x ≥ 0 and NaN for x < 0 (or NaN, +Infinity): added to a result, it turns the
 * values the series would give outside the domain into NaN without a `tf.where` branch.
 */
function domainGuard(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.sqrt(x), 0);
}

/** Horner evaluation of `c[0] + t c[1] + t² c[2] + ...`. */
function horner(t: tf.Tensor, coefficients: readonly number[]): tf.Tensor {
  let acc: tf.Tensor = tf.mul(t, coefficients[coefficients.length - 1]!);
  for (let i = coefficients.length - 2; i >= 1; i--) acc = tf.mul(t, tf.add(acc, coefficients[i]!));
  return tf.add(acc, coefficients[0]!);
}

// Asymptotic series coefficients, in powers of r² = 1/z² (Bernoulli numbers B₂ₖ).
/** lgamma(z) - [(z - ½) log z - z + ½ log 2π] = r · Σ B₂ₖ / (2k(2k-1)) r^(2k-2). */
const LGAMMA_SERIES = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188];
/** ψ(z) - [log z - 1/(2z)] = r² · Σ -B₂ₖ / (2k) r^(2k-2). */
const DIGAMMA_SERIES = [-1 / 12, 1 / 120, -1 / 252, 1 / 240, -1 / 132];
/** ψ₁(z) - [1/z + 1/(2z²)] = r³ · Σ B₂ₖ r^(2k-2). */
const TRIGAMMA_SERIES = [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66];
/** ψ₂(z) - [-1/z² - 1/z³] = r⁴ · Σ -(2k+1) B₂ₖ r^(2k-2). */
const TETRAGAMMA_SERIES = [-1 / 2, 1 / 6, -1 / 6, 3 / 10, -5 / 6, 691 / 210];

/**
 * The asymptotic-series remainder lgamma(z) - [(z - ½) log z - z + ½ log 2π], accurate for
 * z ≥ {@link SHIFT}. Internal (used by `logBeta`).
 */
export function lgammaSeries(z: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const r = tf.div(1, z);
    return tf.mul(r, horner(tf.square(r), LGAMMA_SERIES));
  });
}

/** The remainder ψ(z) - [log z - 1/(2z)], accurate for z ≥ {@link SHIFT}. Internal. */
export function digammaSeries(z: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const r2 = tf.square(tf.div(1, z));
    return tf.mul(r2, horner(r2, DIGAMMA_SERIES));
  });
}

/** lgamma's value and the two intermediates its gradient reuses. */
interface LgammaParts {
  value: tf.Tensor;
  logz: tf.Tensor;
  r: tf.Tensor;
}

/**
 * lgamma(x) = lgamma(z) - log(x (x + 1)), z = x + 2 (SHIFT = 2), with Stirling's series at z:
 *   lgamma(x) = (x - ½) log z - x + ½ log 2π - 2 + series(z) - log q,  q = x (x + 1) / z².
 * q is formed as (x/z)(x/z + 1/z), each factor at most 1, so it overflows for no x.
 */
function lgammaParts(x: tf.Tensor): LgammaParts {
  const z = tf.add(x, SHIFT);
  const r = tf.div(1, z);
  const logz = tf.log(z);
  const series = tf.mul(r, horner(tf.square(r), LGAMMA_SERIES));
  const xr = tf.mul(x, r);
  const q = tf.mul(xr, tf.add(xr, r));
  const stirling = tf.sub(tf.mul(tf.sub(x, 0.5), logz), x);
  const constants = tf.add(series, HALF_LOG_2PI - SHIFT);
  const value = tf.add(tf.sub(stirling, tf.log(q)), tf.add(constants, domainGuard(x)));
  return { value, logz, r };
}

/** Σ_{k<SHIFT} (x + k)^-power, the recurrence correction of the polygamma functions. */
function shiftSum(x: tf.Tensor, power: 1 | 2 | 3): tf.Tensor {
  let sum: tf.Tensor | undefined;
  for (let k = 0; k < SHIFT; k++) {
    const t = tf.div(1, k === 0 ? x : tf.add(x, k));
    const term = power === 1 ? t : power === 2 ? tf.square(t) : tf.mul(tf.square(t), t);
    sum = sum === undefined ? term : tf.add(sum, term);
  }
  return sum!;
}

function digammaFromParts(x: tf.Tensor, logz: tf.Tensor, r: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const r2 = tf.square(r);
    const asym = tf.add(tf.sub(logz, tf.mul(r, 0.5)), tf.mul(r2, horner(r2, DIGAMMA_SERIES)));
    return tf.add(tf.sub(asym, shiftSum(x, 1)), domainGuard(x));
  });
}

function digammaForward(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const z = tf.add(x, SHIFT);
    return digammaFromParts(x, tf.log(z), tf.div(1, z));
  });
}

function trigammaForward(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const z = tf.add(x, SHIFT);
    const r = tf.div(1, z);
    const r2 = tf.square(r);
    // ψ₁(x) = ψ₁(z) + Σ 1/(x + k)²,  ψ₁(z) = 1/z + 1/(2z²) + series
    const head = tf.add(r, tf.mul(r2, 0.5));
    const tail = tf.mul(tf.mul(r2, r), horner(r2, TRIGAMMA_SERIES));
    return tf.add(tf.add(tf.add(head, tail), shiftSum(x, 2)), domainGuard(x));
  });
}

function tetragammaForward(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const z = tf.add(x, SHIFT);
    const r = tf.div(1, z);
    const r2 = tf.square(r);
    // ψ₂(x) = ψ₂(z) - 2 Σ 1/(x + k)³,  ψ₂(z) = -1/z² - 1/z³ + series
    const head = tf.neg(tf.mul(r2, tf.add(r, 1)));
    const tail = tf.mul(tf.square(r2), horner(r2, TETRAGAMMA_SERIES));
    return tf.add(tf.sub(tf.add(head, tail), tf.mul(shiftSum(x, 3), 2)), domainGuard(x));
  });
}

/** ψ₃ is not implemented: the gradient of ψ₂ is autodiff of its series (a close approximation). */
const tetragammaOp = tetragammaForward;
const trigammaOp = customOp(
  (x) => trigammaForward(x),
  (dy, [x]) => [tf.mul(dy, tetragammaOp(x!))],
);
const digammaOp = customOp(
  (x) => digammaForward(x),
  (dy, [x]) => [tf.mul(dy, trigammaOp(x!))],
);
/** ψ(x) from lgamma's saved log z and 1/z; differentiable in x only (d/dx = ψ₁). */
const digammaFromPartsOp = customOp(
  (x, logz, r) => digammaFromParts(x!, logz!, r!),
  (dy, [x, logz, r]) => [tf.mul(dy, trigammaOp(x!)), tf.zerosLike(logz!), tf.zerosLike(r!)],
);

/**
 * lgamma saves log z and 1/z from its forward pass (only while a gradient tape records), so
 * its gradient ψ(x) costs no second logarithm: about 12% off forward + backward on wasm.
 * The saved copies stay connected to x through digammaFromPartsOp, so second derivatives
 * are still exact.
 */
const lgammaOp = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  const { value, logz, r } = lgammaParts(x);
  save([x, logz, r]);
  return {
    value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, digammaFromPartsOp(saved[0]!, saved[1]!, saved[2]!)),
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Tensor;

/**
 * log Γ(x), elementwise, for x > 0, with gradient ψ(x) ({@link digamma}).
 * +Infinity at x = 0; NaN for x < 0 (see the module notes).
 *
 * @example
 * ```ts
 * lgamma(tf.tensor1d([0.5, 1, 10])); // [log √π, 0, log 9!]
 * ```
 */
export function lgamma(x: TensorInput): tf.Tensor {
  return tf.tidy(() => lgammaOp(toTensor(x, "x", "lgamma")));
}

/**
 * The digamma function ψ(x) = d/dx log Γ(x), elementwise, for x > 0, with gradient ψ₁(x)
 * ({@link trigamma}). -Infinity at x = 0; NaN for x < 0.
 */
export function digamma(x: TensorInput): tf.Tensor {
  return tf.tidy(() => digammaOp(toTensor(x, "x", "digamma")));
}

/**
 * The trigamma function ψ₁(x) = d²/dx² log Γ(x), elementwise, for x > 0, with gradient
 * ψ₂(x) ({@link tetragamma}). +Infinity at x = 0; NaN for x < 0.
 */
export function trigamma(x: TensorInput): tf.Tensor {
  return tf.tidy(() => trigammaOp(toTensor(x, "x", "trigamma")));
}

/**
 * The tetragamma function ψ₂(x) = d³/dx³ log Γ(x) (scipy's `polygamma(2, x)`), elementwise,
 * for x > 0. -Infinity at x = 0; NaN for x < 0. Its own gradient is obtained by autodiff of
 * the series (an approximation of ψ₃).
 */
export function tetragamma(x: TensorInput): tf.Tensor {
  return tf.tidy(() => tetragammaOp(toTensor(x, "x", "tetragamma")));
}
