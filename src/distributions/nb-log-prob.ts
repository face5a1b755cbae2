/**
 * Fused log-likelihoods of the negative binomial and the zero-inflated negative binomial in
 * scvi-tools' `(mu, theta)` parametrisation, with hand-written gradients. They are the
 * reconstruction term of every scVI step (128 × 2,000 tensors), so they are written for
 * float32 accuracy and for few expensive kernels.
 *
 * With `x` the count, `μ` the mean, `θ` the inverse dispersion, the log-likelihood is
 *
 * `lgamma(x+θ) - lgamma(θ) - lgamma(x+1) + θ log(θ/(θ+μ)) + x log(μ/(θ+μ))`.
 *
 * scvi-tools' `log_nb_positive` evaluates it as written (with `eps = 1e-8` inside the logs).
 * In float32 that loses O(1) nats at large `θ` or `x`: `lgamma(x+θ) - lgamma(θ)` cancels terms
 * of size `θ log θ` (1.3e7 at θ = 1e6), and `θ (log θ - log(θ+μ))` cancels two logs of ~14.
 * Here every `lgamma` is split by Stirling, `lgamma(z) = (z-½) log z - z + ½ log 2π + r(z)`,
 * and the large parts are combined analytically:
 *
 * `log p = r(x+θ) - r(x+1) - r(θ) + x log R₁ + θ log R₂ + ½ log(θ / ((x+θ)(x+1))) + 1 - ½ log 2π`
 *
 * with `R₁ = μ(x+θ) / ((x+1)(θ+μ))` and `R₂ = (x+θ)/(θ+μ)`, both logs taken by
 * {@link logOfRatio} from independently computed `R - 1`, so each term is accurate relative
 * to itself and no large terms cancel. The remainders `r` are O(1) and smooth.
 *
 * Gradients: `∂/∂μ = θ (x-μ) / (μ(θ+μ))`, `∂/∂θ = log R₂ - (x-μ)/(θ+μ) + h(x+θ) - h(θ)` with
 * `h(z) = ψ(z) - log z` — the same cancellation-free grouping, and the backward pass reuses
 * `log R₂` and `log1p(3/(x+θ))` from the forward pass so it calls no logarithm on the full
 * tensor.
 *
 * On the `wasm` and `cpu` backends both functions run as one fused float64 loop over the values
 * instead ({@link countLogProbHost}, same values and gradients, ~3× faster there).
 *
 * `μ` is floored at 1e-30 (a no-op in float32 for μ ≥ 1e-23), so `μ = 0` gives `log p(0) = 0`
 * and a large finite negative value for `x > 0` instead of NaN. `θ` must be positive.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  HALF_LOG_2PI,
  digammaMinusLog,
  log1pAccurate,
  logOfRatio,
  reduceToShape,
  softplusFast,
  stirlingRemainder,
  stirlingRemainderParts,
} from "./count-math.js";
import { countLogProbHost, useHostCountKernels } from "./nb-log-prob-host.js";

type Six = [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];

/** Floor added to μ so that `x log μ` at `x = μ = 0` is 0 and `∂/∂μ` stays finite. */
const MU_FLOOR = 1e-30;

/** Forward pieces of the NB log-likelihood that the backward pass reuses. */
interface NbForward {
  value: tf.Tensor;
  /** `[x > 0]` as 0/1. */
  nonzero: tf.Tensor;
  /** `(x - μ)/(θ + μ)` = `R₂ - 1`. */
  excess2: tf.Tensor;
  /** `log R₂ = log((x + θ)/(θ + μ))`. */
  logR2: tf.Tensor;
  /** `x + θ`. */
  xTheta: tf.Tensor;
  /** `log1p(3 / (x + θ))`, for `h(x + θ)`. */
  log1pShift: tf.Tensor;
}

/** The NB log-likelihood and its reusable intermediates (call inside a tidy / kernel scope). */
function nbForward(x: tf.Tensor, mu: tf.Tensor, theta: tf.Tensor): NbForward {
  const muS = tf.add(mu, MU_FLOOR);
  const xp1 = tf.add(x, 1);
  const xTheta = tf.add(x, theta);
  const d = tf.add(theta, muS);
  const diff = tf.sub(x, muS);
  // θ log R₂, R₂ = (x+θ)/(θ+μ), R₂ - 1 = (x-μ)/(θ+μ).
  const excess2 = tf.div(diff, d);
  const logR2 = logOfRatio(tf.div(xTheta, d), excess2);
  // x log R₁, R₁ = μ(x+θ)/((x+1)(θ+μ)), R₁ - 1 = (θ(μ-x-1) - μ)/((x+1)(θ+μ)).
  const ratio1 = tf.mul(tf.div(muS, d), tf.div(xTheta, xp1));
  const excess1 = tf.div(tf.sub(tf.mul(theta, tf.sub(-1, diff)), muS), tf.mul(xp1, d));
  const logR1 = logOfRatio(ratio1, excess1);
  // Stirling remainders: r(x+θ) - r(x+1) - r(θ), with the logs of the first two merged with
  // ½ log(θ/((x+θ)(x+1))) into a single logarithm (its argument stays within float32 range).
  const a = stirlingRemainderParts(xTheta);
  const b = stirlingRemainderParts(xp1, 2); // x + 1 ≥ 1
  const rTheta = stirlingRemainder(theta); // on θ's own (often smaller) shape
  const sqrtTerm = tf.div(tf.sqrt(theta), tf.mul(tf.sqrt(xTheta), tf.sqrt(xp1)));
  const merged = tf.log(tf.mul(tf.div(a.ratio, b.ratio), sqrtTerm));
  const smooth = tf.sub(tf.sub(a.smooth, b.smooth), rTheta);
  // At x = 0 everything but θ log R₂ vanishes analytically; multiplying the rest by [x > 0]
  // makes log p(0) = θ log(θ/(θ+μ)) exact instead of a sum of O(1) remainders.
  const rest = tf.add(tf.add(smooth, tf.mul(x, logR1)), tf.add(merged, 1 - HALF_LOG_2PI));
  const nonzero = tf.step(x);
  const value = tf.add(tf.mul(theta, logR2), tf.mul(nonzero, rest));
  return { value, nonzero, excess2, logR2, xTheta, log1pShift: a.log1pShift };
}

/** `(∂/∂μ, ∂/∂θ)` of the NB log-likelihood at the broadcast shape. */
function nbGradients(
  mu: tf.Tensor,
  theta: tf.Tensor,
  excess2: tf.Tensor,
  logR2: tf.Tensor,
  xTheta: tf.Tensor,
  log1pShift: tf.Tensor,
): { dMu: tf.Tensor; dTheta: tf.Tensor } {
  const dMu = tf.div(tf.mul(theta, excess2), tf.add(mu, MU_FLOOR));
  const hTheta = digammaMinusLog(theta, log1pAccurate(tf.div(3, theta))); // on θ's own shape
  // h(x+θ) - h(θ) first: both are ≈ -1/θ for small θ and cancel exactly at x = 0.
  const dTheta = tf.add(tf.sub(logR2, excess2), tf.sub(digammaMinusLog(xTheta, log1pShift), hTheta));
  return { dMu, dTheta };
}

/**
 * The negative binomial log-likelihood `log NB(x; μ, θ)` (scvi-tools' `log_nb_positive`
 * without its eps bias), differentiable in `mu` and `theta` (not in `x`). Arguments broadcast.
 *
 * @param x counts (nonnegative; non-integers are evaluated by the continuous extension)
 * @param mu means, ≥ 0
 * @param theta inverse dispersions, > 0
 *
 * @example
 * ```ts
 * const lp = nbLogProb(tf.tensor([0, 3]), tf.tensor([2, 2]), tf.scalar(5)); // [2]
 * ```
 */
export function nbLogProb(x: tf.Tensor, mu: tf.Tensor, theta: tf.Tensor): tf.Tensor {
  if (useHostCountKernels()) return countLogProbHost(x, mu, theta);
  const op = tf.customGrad(((m: tf.Tensor, t: tf.Tensor, save: tf.GradSaveFunc) => {
    const f = nbForward(x, m, t);
    // Everything the backward pass reads is saved: the inputs may be intermediates of a tidy
    // that has ended by the time gradients are taken.
    save([m, t, f.excess2, f.logR2, f.xTheta, f.log1pShift]);
    return {
      value: f.value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [mu0, theta0, excess2, logR2, xTheta, log1pShift] = saved as Six;
        const { dMu, dTheta } = nbGradients(mu0, theta0, excess2, logR2, xTheta, log1pShift);
        return [reduceToShape(tf.mul(dy, dMu), mu0.shape), reduceToShape(tf.mul(dy, dTheta), theta0.shape)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(mu, theta);
}

/**
 * The zero-inflated negative binomial log-likelihood with the zero-inflation given as logits
 * `π` (scvi-tools' `log_zinb_positive`, Pyro's `ZeroInflatedNegativeBinomial` with
 * `gate_logits`): `log(σ(π) + σ(-π) NB(0))` at `x = 0` and `log σ(-π) + log NB(x)` elsewhere.
 * Differentiable in `mu`, `theta` and `ziLogits`; arguments broadcast.
 *
 * Evaluated as `softplus(a) - softplus(-π) + [x > 0] (a - softplus(a))` with
 * `a = log NB(x) - π`, so the two cases share one pass and no `where`.
 */
export function zinbLogProb(x: tf.Tensor, mu: tf.Tensor, theta: tf.Tensor, ziLogits: tf.Tensor): tf.Tensor {
  if (useHostCountKernels()) return countLogProbHost(x, mu, theta, ziLogits);
  const op = tf.customGrad(((m: tf.Tensor, t: tf.Tensor, pi: tf.Tensor, save: tf.GradSaveFunc) => {
    const f = nbForward(x, m, t);
    const a = tf.sub(f.value, pi);
    const spA = softplusFast(a);
    const value = tf.sub(tf.add(spA, tf.mul(f.nonzero, tf.sub(a, spA))), softplusFast(tf.neg(pi)));
    save([m, t, f.excess2, f.logR2, f.xTheta, f.log1pShift, pi, a, f.nonzero]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [mu0, theta0, excess2, logR2, xTheta, log1pShift] = saved as Six;
        const [pi0, aSaved, nonzero] = saved.slice(6) as [tf.Tensor, tf.Tensor, tf.Tensor];
        const sigA = tf.sigmoid(aSaved);
        // ∂out/∂(log NB) = σ(a) at zeros, 1 elsewhere.
        const w = tf.add(sigA, tf.mul(nonzero, tf.sub(1, sigA)));
        const dyW = tf.mul(dy, w);
        const { dMu, dTheta } = nbGradients(mu0, theta0, excess2, logR2, xTheta, log1pShift);
        const dPi = tf.mul(dy, tf.sub(tf.sigmoid(tf.neg(pi0)), w));
        return [
          reduceToShape(tf.mul(dyW, dMu), mu0.shape),
          reduceToShape(tf.mul(dyW, dTheta), theta0.shape),
          reduceToShape(dPi, pi0.shape),
        ];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(mu, theta, ziLogits);
}
