/**
 * The implicit reparameterization gradient of a standard Gamma sample (Figurnov, Mohamed &
 * Mnih, 2018): for `x ~ Gamma(a, 1)` held at a fixed CDF value `u = P(a, x)`,
 *
 *     dx/da = -(∂P/∂a)(a, x) / p(x; a),
 *
 * where `P` is the regularized lower incomplete gamma function and `p` the density. This file
 * computes `d log x / da = (dx/da) / x`, which stays finite and accurate when `x` underflows
 * float32 (tiny concentrations), in float64 on the host.
 *
 * Three regimes, each a convergent expansion rather than a fitted approximation:
 *
 * - `x < a + 1`: the positive series `P = x^a e^{-x} / Γ(a+1) · Σ_n t_n` with
 *   `t_n = Π_{k=1..n} x / (a + k)`. Differentiating each term's logarithm in `a` gives
 *   `d log x / da = -(1/a) Σ_n t_n (log x - ψ(a+1) - H_n)`, `H_n = Σ_{k=1..n} 1/(a+k)`
 *   (the factor `x^a e^{-x}/Γ(a+1)` cancels against the density).
 * - `x >= a + 1`: Legendre's continued fraction `Q = x^a e^{-x} / (Γ(a) f)`,
 *   `f = b_0 + a_1/(b_1 + a_2/(b_2 + ...))`, `b_j = x + 2j + 1 - a`, `a_j = -j (j - a)`,
 *   evaluated with the modified Lentz algorithm in dual numbers to carry `∂f/∂a`. Then
 *   `d log x / da = (log x - ψ(a)) / f - (∂f/∂a) / f²`.
 * - `a > 1e6`: the Wilson–Hilferty map `x = a (1 - 1/(9a) + z / (3√a))³` differentiated at
 *   fixed `z` (the expansions above would need O(√a) terms; the map's error is far below
 *   float32 resolution there).
 *
 * @module
 */

/** Above this concentration the Wilson–Hilferty map replaces the series / continued fraction. */
const LARGE_CONCENTRATION = 1e6;
const EPS = 1e-15;
const TINY = 1e-300;
const MAX_TERMS = 200_000;

/** ψ(x) = d/dx log Γ(x) for x > 0 in float64 (recurrence up to 10, then the asymptotic series). */
export function digamma64(x: number): number {
  let result = 0;
  let z = x;
  while (z < 10) {
    result -= 1 / z;
    z += 1;
  }
  const inv = 1 / z;
  const inv2 = inv * inv;
  const series = inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 / 132))));
  return result + Math.log(z) - 0.5 * inv - series;
}

function seriesRegime(a: number, logX: number): number {
  const x = Math.exp(logX);
  const l = logX - digamma64(a + 1);
  let t = 1;
  let h = 0;
  let sum = l;
  let total = 1;
  for (let n = 1; n < MAX_TERMS; n++) {
    t *= x / (a + n);
    h += 1 / (a + n);
    sum += t * (l - h);
    total += t;
    if (t < EPS * total && a + n > x) break;
  }
  return -sum / a;
}

function continuedFractionRegime(a: number, logX: number): number {
  const x = Math.exp(logX);
  // Dual numbers (value, derivative in a) for the modified Lentz algorithm.
  let f = x + 1 - a;
  let df = -1;
  if (Math.abs(f) < TINY) f = TINY;
  let c = f;
  let dc = df;
  let d = 0;
  let dd = 0;
  for (let j = 1; j < MAX_TERMS; j++) {
    const aj = -j * (j - a);
    const daj = j;
    const bj = x + 2 * j + 1 - a;
    const dbj = -1;
    // D <- 1 / (b_j + a_j D)
    let den = bj + aj * d;
    let dden = dbj + daj * d + aj * dd;
    if (Math.abs(den) < TINY) den = TINY;
    d = 1 / den;
    dd = -dden / (den * den);
    // C <- b_j + a_j / C
    const cNew = bj + aj / c;
    const dcNew = dbj + daj / c - (aj * dc) / (c * c);
    c = Math.abs(cNew) < TINY ? TINY : cNew;
    dc = dcNew;
    // f <- f · C D
    const delta = c * d;
    const dDelta = dc * d + c * dd;
    const fNew = f * delta;
    df = df * delta + f * dDelta;
    f = fNew;
    if (Math.abs(delta - 1) < EPS && Math.abs(f * dDelta) <= EPS * (Math.abs(df) + Math.abs(f))) break;
  }
  return (logX - digamma64(a)) / f - df / (f * f);
}

function wilsonHilfertyRegime(a: number, logX: number): number {
  const h = Math.exp((logX - Math.log(a)) / 3);
  const z = 3 * Math.sqrt(a) * (h - 1 + 1 / (9 * a));
  const dh = 1 / (9 * a * a) - z / (6 * a * Math.sqrt(a));
  return 1 / a + (3 * dh) / h;
}

/**
 * `d log x / d a` for a standard Gamma sample `x = exp(logX)` of concentration `a`, the
 * implicit reparameterization gradient divided by `x`. Returns 0 for non-finite inputs or
 * `a <= 0` (no gradient where the sample itself is undefined).
 *
 * @example
 * ```ts
 * // Exponential (a = 1) at x = 1: d log x / da = 1.0 - (e - 1)·... see the tests for values.
 * gammaLogSampleGradient(1, 0);
 * ```
 */
export function gammaLogSampleGradient(a: number, logX: number): number {
  if (!(a > 0) || !Number.isFinite(a) || Number.isNaN(logX) || logX === Infinity) return 0;
  if (logX === -Infinity) return 0;
  if (a > LARGE_CONCENTRATION) return wilsonHilfertyRegime(a, logX);
  if (Math.exp(logX) < a + 1) return seriesRegime(a, logX);
  return continuedFractionRegime(a, logX);
}
