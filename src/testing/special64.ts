/**
 * Special functions in float64 for the closed forms of the property-test kit (log-evidence,
 * KL divergences): `lgamma`, `digamma`, `logBeta`, and the standard normal log-density.
 * @module
 */

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** `log Γ(x)` for `x > 0` (Lanczos, about 1e-15 relative error). */
export function lgamma64(x: number): number {
  if (!(x > 0)) throw new Error(`lgamma64: x must be > 0, got ${x}`);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lgamma64(1 - x);
  const y = x - 1;
  let a = LANCZOS[0]!;
  const t = y + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i]! / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/** `ψ(x) = d/dx log Γ(x)` for `x > 0` (recurrence to x ≥ 6, then the asymptotic series). */
export function digamma64(x: number): number {
  if (!(x > 0)) throw new Error(`digamma64: x must be > 0, got ${x}`);
  let result = 0;
  let v = x;
  while (v < 6) {
    result -= 1 / v;
    v += 1;
  }
  const f = 1 / (v * v);
  const series = f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f * (1 / 132)))));
  return result + Math.log(v) - 0.5 / v - series;
}

/** `log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b)`. */
export function logBeta64(a: number, b: number): number {
  return lgamma64(a) + lgamma64(b) - lgamma64(a + b);
}

/** `log N(x; loc, scale)`. */
export function normalLogPdf64(x: number, loc: number, scale: number): number {
  const z = (x - loc) / scale;
  return -0.5 * z * z - Math.log(scale) - 0.5 * Math.log(2 * Math.PI);
}

/** `log Gamma(x; concentration, rate)` (rate parametrisation). */
export function gammaLogPdf64(x: number, concentration: number, rate: number): number {
  return concentration * Math.log(rate) + (concentration - 1) * Math.log(x) - rate * x - lgamma64(concentration);
}

/** `log Beta(x; a, b)`. */
export function betaLogPdf64(x: number, a: number, b: number): number {
  return (a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - logBeta64(a, b);
}

/** `log Poisson(k; rate)`. */
export function poissonLogPmf64(k: number, rate: number): number {
  return k * Math.log(rate) - rate - lgamma64(k + 1);
}
