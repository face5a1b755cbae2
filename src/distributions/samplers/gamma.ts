/**
 * A vectorised, seeded sampler for the standard Gamma distribution `Gamma(α, 1)` with a tensor
 * of concentrations, and its implicit reparameterization gradient.
 *
 * TensorFlow.js' `tf.randomGamma` takes one scalar α and has no gradient; this sampler takes any
 * tensor of concentrations and is differentiable in them.
 *
 * **Algorithm.** Marsaglia & Tsang (2000): for α ≥ 1, `d = α - 1/3`, `c = 1/√(9d)`, propose
 * `v = (1 + c z)³` with `z ~ N(0, 1)` and accept when `v > 0` and
 * `log u < z²/2 + d - d v + d log v` (`u ~ U(0, 1)`); the draw is `d v`. For α < 1 the draw for
 * `α + 1` is boosted by `u^{1/α}`. Rejection is vectorised: one proposal is drawn for every
 * element at once (acceptance is ≥ 95%); the rejected few are gathered and get {@link PROPOSALS}
 * proposals each per further round, the first accepted one kept, until none is left. The cost is
 * thus about one normal and two uniform draws per sample (tfjs generates random numbers in
 * JavaScript, which dominates the time). Every random op takes a fresh seed from `nextSeed()`, so
 * `setSeed(n)` reproduces draws exactly.
 *
 * **Log space.** The sampler works with `log x` (`log d + log v`, plus `log(u)/α` for the boost),
 * which stays exact where `x` itself underflows float32: with α = 10⁻³, about 92% of the mass of
 * `Gamma(α, 1)` lies below the smallest normal float32 (1.18e-38). {@link logStandardGamma}
 * returns that log-sample (used by Beta, Dirichlet and StudentT, whose normalised draws stay
 * correct for tiny concentrations); {@link standardGamma} returns `x`, clamped below at the
 * smallest normal float32 as torch does, so it is never 0, NaN or negative.
 *
 * **Gradient.** `d x / d α = -(∂F/∂α)(x; α) / p(x; α)` (Figurnov et al., 2018), computed in float64
 * by {@link gammaLogSampleGradient}; this reads the samples on the host (a sync) in the backward
 * pass. Where the clamp is active the gradient is 0 (the true one is below 1e-33 there).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { customOp, sizeOf } from "../../backend/tensor.js";
import { nextSeed } from "../../backend/random.js";
import { gammaLogSampleGradient } from "./gamma-grad.js";

/** Proposals drawn per rejected element in each redraw round of the rejection sampler. */
export const PROPOSALS = 4;
/** Redraw rounds tried before giving up (never reached in practice). */
const MAX_ROUNDS = 64;
/** The smallest normal float32, torch's `finfo(float32).tiny`: the floor of `standardGamma`. */
export const FLOAT32_TINY = 1.1754943508222875e-38;

/**
 * One round: `proposals` Marsaglia–Tsang proposals per element of the boosted concentration
 * `alpha` (all ≥ 1). Returns log-samples and whether any proposal was accepted.
 */
function marsagliaTsangRound(d: tf.Tensor, c: tf.Tensor, proposals: number): { logSample: tf.Tensor; accepted: tf.Tensor } {
  return tf.tidy(() => {
    const shape = [proposals, ...d.shape];
    const z = tf.randomNormal(shape, 0, 1, "float32", nextSeed());
    const u = tf.randomUniform(shape, 0, 1, "float32", nextSeed());
    const cz1 = tf.add(1, tf.mul(c, z));
    const v = tf.mul(tf.mul(cz1, cz1), cz1);
    const positive = tf.greater(v, 0);
    const safeV = tf.where(positive, v, tf.onesLike(v));
    const logV = tf.log(safeV);
    const bound = tf.add(tf.mul(0.5, tf.square(z)), tf.mul(d, tf.add(tf.sub(1, safeV), logV)));
    const accept = tf.logicalAnd(positive, tf.less(tf.log(u), bound));
    const logDraw = tf.add(tf.log(d), logV);
    // Keep the first accepted proposal: walk the proposals from last to first.
    const draws = tf.unstack(logDraw);
    const accepts = tf.unstack(accept);
    let logSample = draws[proposals - 1]!;
    let accepted = accepts[proposals - 1]!;
    for (let k = proposals - 2; k >= 0; k--) {
      logSample = tf.where(accepts[k]!, draws[k]!, logSample);
      accepted = tf.logicalOr(accepts[k]!, accepted);
    }
    return { logSample, accepted };
  });
}

/**
 * Draws `log x`, `x ~ Gamma(alpha, 1)`, elementwise for a float32 tensor `alpha` (no gradient).
 * The first round tries `firstRound` proposals per element (one by default: ≥ 95% are accepted);
 * the few rejected elements are gathered and redrawn with {@link PROPOSALS} proposals each until
 * all are accepted, so the random-number cost stays near one proposal per element. Exposed for
 * tests; use {@link logStandardGamma}.
 *
 * @internal
 */
export function sampleLogGamma(alpha: tf.Tensor, firstRound = 1): tf.Tensor {
  if (!Number.isInteger(firstRound) || firstRound < 1) {
    throw new Error(`sampleLogGamma: firstRound must be a positive integer, got ${firstRound}`);
  }
  return tf.tidy(() => {
    // Non-positive, infinite or NaN concentrations give NaN (the density is undefined there);
    // they count as accepted so the rejection loop ends.
    const valid = tf.logicalAnd(tf.greater(alpha, 0), tf.isFinite(alpha));
    const small = tf.less(alpha, 1);
    const boosted = tf.where(valid, tf.where(small, tf.add(alpha, 1), alpha), tf.onesLike(alpha));
    const d = tf.sub(boosted, 1 / 3);
    const c = tf.rsqrt(tf.mul(d, 9));
    const first = marsagliaTsangRound(d, c, firstRound);
    const accepted = tf.logicalOr(first.accepted, tf.logicalNot(valid)).dataSync();
    let pending: number[] = [];
    for (let i = 0; i < accepted.length; i++) if (!accepted[i]) pending.push(i);
    let logSample = first.logSample;
    if (pending.length > 0) {
      const values = Float32Array.from(logSample.dataSync() as Float32Array);
      const dFlat = d.reshape([-1]);
      const cFlat = c.reshape([-1]);
      for (let round = 1; pending.length > 0; round++) {
        if (round > MAX_ROUNDS) {
          throw new Error(`standardGamma: the rejection sampler accepted no proposal in ${MAX_ROUNDS} rounds`);
        }
        const current = pending;
        const redrawn = tf.tidy(() => {
          const index = tf.tensor1d(current, "int32");
          const r = marsagliaTsangRound(tf.gather(dFlat, index), tf.gather(cFlat, index), PROPOSALS);
          return { ok: r.accepted.dataSync(), values: r.logSample.dataSync() };
        });
        pending = [];
        current.forEach((flat, j) => {
          if (redrawn.ok[j]) values[flat] = redrawn.values[j]!;
          else pending.push(flat);
        });
      }
      logSample = tf.tensor(values, alpha.shape, "float32");
    }
    // Boost for alpha < 1: x = x' u^{1/alpha}, i.e. log x = log x' + log(u) / alpha.
    const u = tf.randomUniform(alpha.shape, 0, 1, "float32", nextSeed());
    const boost = tf.div(tf.log(u), alpha);
    const withBoost = tf.where(small, tf.add(logSample, boost), logSample);
    return tf.where(valid, withBoost, tf.fill(alpha.shape, NaN));
  });
}

/** Elementwise `d log x / d alpha` (float64 on the host, returned as float32). */
function logSampleGradient(alpha: tf.Tensor, logSample: tf.Tensor): tf.Tensor {
  const a = alpha.dataSync();
  const l = logSample.dataSync();
  const out = new Float32Array(l.length);
  for (let i = 0; i < l.length; i++) out[i] = gammaLogSampleGradient(a[i]!, l[i]!);
  return tf.tensor(out, logSample.shape, "float32");
}

/** Sums `g` (of shape `sampleShape + alphaShape`) down to `alphaShape`. */
function sumToShape(g: tf.Tensor, shape: readonly number[]): tf.Tensor {
  const lead = g.rank - shape.length;
  return lead > 0 ? tf.sum(g, Array.from({ length: lead }, (_, i) => i)) : g;
}

function makeLogStandardGamma(sampleShape: readonly number[]): (alpha: tf.Tensor) => tf.Tensor {
  const op = customOp(
    (alpha) =>
      tf.tidy(() => {
        const shape = [...sampleShape, ...alpha.shape];
        // tf.broadcastTo does not produce zero-size dimensions: an empty draw is built directly.
        if (sizeOf(shape) === 0) return tf.zeros(shape);
        return sampleLogGamma(tf.broadcastTo(alpha, shape));
      }),
    (dy, [alpha], logSample) =>
      tf.tidy(() => {
        const full = tf.broadcastTo(alpha!, logSample.shape);
        return [sumToShape(tf.mul(dy, logSampleGradient(full, logSample)), alpha!.shape)];
      }),
  );
  return (alpha) => op(alpha);
}

function checkSampleShape(sampleShape: readonly number[], caller: string): void {
  if (!sampleShape.every((s) => Number.isInteger(s) && s >= 0)) {
    throw new Error(`${caller}: sampleShape must be non-negative integers, got [${sampleShape.join(", ")}]`);
  }
}

/**
 * Log-samples `log x`, `x ~ Gamma(concentration, 1)`, of shape `sampleShape + concentration.shape`,
 * exact where `x` underflows float32 (tiny concentrations), differentiable in `concentration`
 * through the implicit reparameterization gradient.
 *
 * @example
 * ```ts
 * const logG = logStandardGamma(tf.tensor1d([1e-3, 0.5, 20]), [100]); // shape [100, 3]
 * ```
 */
export function logStandardGamma(concentration: tf.Tensor, sampleShape: number[] = []): tf.Tensor {
  checkSampleShape(sampleShape, "logStandardGamma");
  const alpha = concentration.dtype === "float32" ? concentration : tf.cast(concentration, "float32");
  return makeLogStandardGamma(sampleShape)(alpha);
}

/**
 * Samples `x ~ Gamma(concentration, 1)` (unit rate) of shape `sampleShape + concentration.shape`,
 * differentiable in `concentration` through the implicit reparameterization gradient
 * `dx/dα = -(∂F/∂α)/p`. Values are floored at the smallest normal float32 (1.18e-38), as in
 * torch: for concentration 1e-3 most draws sit at that floor (the true value is smaller still).
 * Divide by a rate to get `Gamma(concentration, rate)`.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { setSeed } from "scvi-ts";
 * setSeed(0);
 * const x = standardGamma(tf.tensor1d([0.5, 2, 10]), [1000]); // shape [1000, 3]
 * const g = tf.grad((a) => tf.mean(standardGamma(a, [1000])))(tf.tensor1d([0.5, 2, 10])); // ≈ [1, 1, 1] / 3
 * ```
 */
export function standardGamma(concentration: tf.Tensor, sampleShape: number[] = []): tf.Tensor {
  return tf.tidy(() => tf.maximum(tf.exp(logStandardGamma(concentration, sampleShape)), FLOAT32_TINY));
}
