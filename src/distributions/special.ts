/**
 * Special functions TensorFlow.js lacks, as differentiable tensor ops:
 * `lgamma`, `digamma`, `trigamma`, `logBeta`, `log1mexp`, and stable `softplus`,
 * `logSigmoid`, `logSumExp`.
 *
 * lgamma, digamma and trigamma use the recurrence to shift small arguments up to
 * `SHIFT` and an asymptotic (Stirling / de Moivre) series above it; their gradients are
 * supplied with `tf.customGrad` (d lgamma = digamma, d digamma = trigamma, ...), which is
 * exact and cheaper than differentiating the series.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { customOp } from "../backend/tensor.js";

/** Arguments below this are shifted up by the recurrence before the asymptotic series. */
const SHIFT = 7;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** `prod_{k=0}^{SHIFT-1} (x + k)` and the shifted argument, for x < SHIFT. */
function shifted(x: tf.Tensor): { z: tf.Tensor; small: tf.Tensor } {
  const small = tf.less(x, SHIFT);
  const z = tf.where(small, tf.add(x, SHIFT), x);
  return { z, small };
}

function lgammaForward(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const { z, small } = shifted(x);
    const zInv = tf.reciprocal(z);
    const zInv2 = tf.square(zInv);
    // 1/(12z) - 1/(360z^3) + 1/(1260z^5) - 1/(1680z^7)
    const series = tf.mul(
      zInv,
      tf.add(1 / 12, tf.mul(zInv2, tf.add(-1 / 360, tf.mul(zInv2, tf.add(1 / 1260, tf.mul(zInv2, -1 / 1680)))))),
    );
    const stirling = tf.add(tf.sub(tf.mul(tf.sub(z, 0.5), tf.log(z)), z), tf.add(series, HALF_LOG_2PI));
    // For x < SHIFT: lgamma(x) = lgamma(x + SHIFT) - log(x (x+1) ... (x+SHIFT-1)).
    const xs = tf.where(small, x, tf.onesLike(x));
    let prod = xs;
    for (let k = 1; k < SHIFT; k++) prod = tf.mul(prod, tf.add(xs, k));
    return tf.where(small, tf.sub(stirling, tf.log(prod)), stirling);
  });
}

function digammaForward(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const { z, small } = shifted(x);
    const zInv = tf.reciprocal(z);
    const zInv2 = tf.square(zInv);
    // log z - 1/(2z) - 1/(12z^2) + 1/(120z^4) - 1/(252z^6) + 1/(240z^8)
    const series = tf.mul(
      zInv2,
      tf.add(-1 / 12, tf.mul(zInv2, tf.add(1 / 120, tf.mul(zInv2, tf.add(-1 / 252, tf.mul(zInv2, 1 / 240)))))),
    );
    const asym = tf.add(tf.sub(tf.log(z), tf.mul(zInv, 0.5)), series);
    const xs = tf.where(small, x, tf.onesLike(x));
    let correction = tf.reciprocal(xs);
    for (let k = 1; k < SHIFT; k++) correction = tf.add(correction, tf.reciprocal(tf.add(xs, k)));
    return tf.where(small, tf.sub(asym, correction), asym);
  });
}

function polygammaForward(order: 1 | 2, x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const { z, small } = shifted(x);
    const zInv = tf.reciprocal(z);
    const zInv2 = tf.square(zInv);
    let asym: tf.Tensor;
    if (order === 1) {
      // 1/z + 1/(2z^2) + 1/(6z^3) - 1/(30z^5) + 1/(42z^7) - 1/(30z^9)
      const tail = tf.mul(
        tf.mul(zInv, zInv2),
        tf.add(1 / 6, tf.mul(zInv2, tf.add(-1 / 30, tf.mul(zInv2, tf.add(1 / 42, tf.mul(zInv2, -1 / 30)))))),
      );
      asym = tf.add(tf.add(zInv, tf.mul(zInv2, 0.5)), tail);
    } else {
      // -1/z^2 - 1/z^3 - 1/(2z^4) + 1/(6z^6) - 1/(6z^8) + 3/(10z^10)
      const tail = tf.mul(
        tf.square(zInv2),
        tf.add(-0.5, tf.mul(zInv2, tf.add(1 / 6, tf.mul(zInv2, tf.add(-1 / 6, tf.mul(zInv2, 3 / 10)))))),
      );
      asym = tf.add(tf.sub(tf.neg(zInv2), tf.mul(zInv2, zInv)), tail);
    }
    const xs = tf.where(small, x, tf.onesLike(x));
    let correction: tf.Tensor = tf.zerosLike(x);
    for (let k = 0; k < SHIFT; k++) {
      const t = tf.reciprocal(tf.add(xs, k));
      correction = order === 1 ? tf.add(correction, tf.square(t)) : tf.sub(correction, tf.mul(tf.mul(t, t), tf.mul(t, 2)));
    }
    return tf.where(small, tf.add(asym, correction), asym);
  });
}

const tetragammaOp = (x: tf.Tensor): tf.Tensor => polygammaForward(2, x);

const trigammaOp = customOp(
  (x) => polygammaForward(1, x),
  (dy, [x]) => [tf.mul(dy, tetragammaOp(x!))],
);

const digammaOp = customOp(
  (x) => digammaForward(x),
  (dy, [x]) => [tf.mul(dy, trigammaOp(x!))],
);

const lgammaOp = customOp(
  (x) => lgammaForward(x),
  (dy, [x]) => [tf.mul(dy, digammaOp(x!))],
);

/** log|Γ(x)| for x > 0, with gradient `digamma(x)`. */
export function lgamma(x: tf.Tensor): tf.Tensor {
  return lgammaOp(x);
}

/** ψ(x) = d/dx log Γ(x) for x > 0, with gradient `trigamma(x)`. */
export function digamma(x: tf.Tensor): tf.Tensor {
  return digammaOp(x);
}

/** ψ₁(x) = d²/dx² log Γ(x) for x > 0, with gradient ψ₂(x). */
export function trigamma(x: tf.Tensor): tf.Tensor {
  return trigammaOp(x);
}

/** log B(a, b) = lgamma(a) + lgamma(b) - lgamma(a + b). */
export function logBeta(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sub(tf.add(lgamma(a), lgamma(b)), lgamma(tf.add(a, b))));
}

/** log(1 - exp(x)) for x <= 0, stable on both ends (Mächler's switch at -log 2). */
export function log1mexp(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const nearZero = tf.greater(x, -Math.LN2);
    const safeNear = tf.where(nearZero, x, tf.fill(x.shape, -1));
    const safeFar = tf.where(nearZero, tf.fill(x.shape, -1), x);
    const a = tf.log(tf.neg(tf.expm1(safeNear)));
    const b = tf.log1p(tf.neg(tf.exp(safeFar)));
    return tf.where(nearZero, a, b);
  });
}

/** log(1 + exp(x)) without overflow: max(x, 0) + log1p(exp(-|x|)). */
export function softplus(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.add(tf.relu(x), tf.log1p(tf.exp(tf.neg(tf.abs(x))))));
}

/** log σ(x) = -softplus(-x). */
export function logSigmoid(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.neg(softplus(tf.neg(x))));
}

/**
 * log Σ exp(x) over `axis`, stable for large inputs and returning -Infinity (not NaN) when
 * every term is -Infinity.
 */
export function logSumExp(x: tf.Tensor, axis: number | number[] = -1, keepDims = false): tf.Tensor {
  return tf.tidy(() => {
    const m = tf.max(x, axis, true);
    const finiteMax = tf.where(tf.isFinite(m), m, tf.zerosLike(m));
    const shiftedSum = tf.log(tf.sum(tf.exp(tf.sub(x, finiteMax)), axis, true));
    const out = tf.add(shiftedSum, finiteMax);
    return keepDims ? out : tf.squeeze(out, normaliseAxes(axis, x.rank));
  });
}

function normaliseAxes(axis: number | number[], rank: number): number[] {
  const axes = Array.isArray(axis) ? axis : [axis];
  return axes.map((a) => (a < 0 ? a + rank : a));
}
