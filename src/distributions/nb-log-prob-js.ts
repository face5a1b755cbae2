/**
 * The NB / ZINB log-likelihood and its partial derivatives as a float64 JavaScript loop over
 * plain arrays: the portable path of `countLogProbHost` (the `cpu` backend) and the fallback
 * of the WebAssembly kernel for the elements it leaves out (large or fractional counts,
 * parameters out of its range).
 *
 * In float64 the textbook formula is accurate: `log NB(x) = lgamma(x+θ) − lgamma(θ) −
 * lgamma(x+1) − θ log1p(μ/θ) − x log1p(θ/μ)`, `log NB(0) = −θ log1p(μ/θ)`, μ floored at 1e-30
 * as in the tensor version. The zero-inflated value is `log(σ(π) + σ(−π) NB(0))` at zeros and
 * `log NB(x) − softplus(π)` elsewhere, written so that infinite logits give the limits.
 *
 * @module
 */

/** Floor added to μ (as in the tensor version). */
export const MU_FLOOR = 1e-30;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

export const LOG_FACTORIAL = (() => {
  const t = new Float64Array(1024);
  for (let k = 1; k < t.length; k++) t[k] = t[k - 1]! + Math.log(k);
  return t;
})();

/** Shift target of the asymptotic series: error below 1e-15 for z ≥ 10. */
const ASYMPTOTIC_FROM = 10;

/** `lgamma(z)` for z > 0 in float64 (Stirling series after shifting z to ≥ 10). */
function lgamma(z: number): number {
  let shiftLog = 0;
  if (z < ASYMPTOTIC_FROM) {
    let p = 1;
    while (z < ASYMPTOTIC_FROM) {
      p *= z;
      z += 1;
    }
    shiftLog = Math.log(p);
  }
  const r = 1 / z;
  const r2 = r * r;
  const series = r * (1 / 12 - r2 * (1 / 360 - r2 * (1 / 1260 - r2 * (1 / 1680 - r2 / 1188))));
  return (z - 0.5) * Math.log(z) - z + HALF_LOG_2PI + series - shiftLog;
}

/** `lgamma(x + 1)` (a table for small integers). */
function logFactorial(x: number): number {
  return x < LOG_FACTORIAL.length && x === Math.floor(x) ? LOG_FACTORIAL[x]! : lgamma(x + 1);
}

/** Both `lgamma(z)` and `ψ(z)` for z > 0, sharing the shift and the logarithm. */
function lgammaDigamma(z: number, out: Float64Array): void {
  let p = 1;
  let recip = 0;
  while (z < ASYMPTOTIC_FROM) {
    p *= z;
    recip += 1 / z;
    z += 1;
  }
  const logZ = Math.log(z);
  const r = 1 / z;
  const r2 = r * r;
  out[0] = (z - 0.5) * logZ - z + HALF_LOG_2PI + r * (1 / 12 - r2 * (1 / 360 - r2 * (1 / 1260 - r2 * (1 / 1680 - r2 / 1188)))) - (p === 1 ? 0 : Math.log(p));
  out[1] = logZ - 0.5 * r - r2 * (1 / 12 - r2 * (1 / 120 - r2 * (1 / 252 - r2 * (1 / 240 - r2 / 132)))) - recip;
}

/** How θ lines up with the elements: one value, one per last-axis entry, or one per element. */
export type ThetaLayout = "scalar" | "lastAxis" | "full";

/** The inputs of {@link evaluateCountLogProb}, flat, at the broadcast shape (θ per its layout). */
export interface CountInputs {
  x: ArrayLike<number>;
  mu: ArrayLike<number>;
  pi: ArrayLike<number> | undefined;
  theta: ArrayLike<number>;
  thetaLayout: ThetaLayout;
}

/** Outputs: the values and, with gradients, the partials in μ, θ (per element) and π. */
export interface CountOutputs {
  value: Float32Array;
  dMu?: Float32Array;
  dTheta?: Float32Array;
  dPi?: Float32Array;
}

/** θ's period along the flat index. */
export function thetaPeriod(p: CountInputs): number {
  return p.thetaLayout === "scalar" ? 1 : p.thetaLayout === "lastAxis" ? p.theta.length : p.x.length;
}

/**
 * Per-θ constants log θ, lgamma(θ), ψ(θ), computed on first use (the WebAssembly kernel leaves
 * only a few elements to this loop, so most entries are never needed).
 */
class ThetaConstants {
  readonly logT: Float64Array;
  readonly lgT: Float64Array;
  readonly dgT: Float64Array;
  private readonly ready: Uint8Array;
  private readonly buf = new Float64Array(2);

  constructor(private readonly theta: ArrayLike<number>) {
    this.logT = new Float64Array(theta.length);
    this.lgT = new Float64Array(theta.length);
    this.dgT = new Float64Array(theta.length);
    this.ready = new Uint8Array(theta.length);
  }

  /** Makes entry `j` available. */
  fill(j: number): void {
    if (this.ready[j]) return;
    const t = this.theta[j]!;
    this.logT[j] = Math.log(t);
    lgammaDigamma(t, this.buf);
    this.lgT[j] = this.buf[0]!;
    this.dgT[j] = this.buf[1]!;
    this.ready[j] = 1;
  }
}

/**
 * Counts up to this take the product path: `lgamma(x+θ) − lgamma(θ) = log Π_{k<x} (θ+k)` and
 * `ψ(x+θ) − ψ(θ) = Σ_{k<x} 1/(θ+k)`, merged with `x log μ` and the gate into one logarithm.
 */
export const PRODUCT_MAX_COUNT = 64;
/** The merged product is used while it stays well inside float64's range. */
export const PRODUCT_MIN = 1e-290;
export const PRODUCT_MAX = 1e290;

/**
 * The fused loop: log NB or log ZINB at every element (or at `indices`), and the partials
 * when `grad`, written into `out`.
 *
 * Per element it spends three or four transcendental calls: `L = log1p(μ/θ)` (so
 * `log NB(0) = −θ L` and `log(θ+μ) = log θ + L`), `E = exp(−|π|)` for the gate, and
 *
 * - at zeros, `p0 = exp(log NB(0))` and `log(σ(π) + σ(−π) p0)`;
 * - at small integer counts, one `log(Π_{k<x} (θ+k) μ / (1 + E))`, the other terms of
 *   `log NB(x) − softplus(π)` being a table (`log x!`) and products;
 * - otherwise (large or fractional counts, or a product out of range) the general formula
 *   with `lgamma`/`ψ` by Stirling's series.
 */
export function evaluateCountLogProb(p: CountInputs, grad: boolean, out: CountOutputs, indices?: Int32Array): void {
  const { x, mu, pi, theta, thetaLayout } = p;
  const full = thetaLayout === "full";
  const period = thetaPeriod(p);
  // With θ per element, its log, lgamma and ψ are computed in the loop instead of a table.
  const table = full ? undefined : new ThetaConstants(theta);
  const { value, dMu, dTheta, dPi } = out;
  const buf = new Float64Array(2);
  const count = indices ? indices.length : x.length;
  for (let idx = 0; idx < count; idx++) {
    const i = indices ? indices[idx]! : idx;
    const j = full ? i : i % period;
    const xv = x[i]!;
    const t = theta[full ? i : j]!;
    const m = mu[i]! + MU_FLOOR;
    const ratio = m / t;
    const L = Math.log1p(ratio); // log((θ+μ)/θ)
    const nb0 = -t * L; // log NB(0)
    // The gate: E = exp(-|π|), σ(-π), softplus(π) = max(π, 0) + log(1 + E).
    let piv = 0;
    let e = 0;
    let inv = 1; // 1 / (1 + E)
    let sigNegPi = 1;
    if (pi) {
      piv = pi[i]!;
      e = Math.exp(-Math.abs(piv));
      inv = 1 / (1 + e);
      sigNegPi = piv >= 0 ? e * inv : inv;
    }
    let v: number;
    let dLdMu: number;
    let dLdTheta: number;
    let w = 1; // ∂ value / ∂ log NB
    if (xv === 0) {
      dLdMu = -1 / (1 + ratio);
      dLdTheta = ratio / (1 + ratio) - L;
      if (!pi) {
        v = nb0;
      } else {
        // log(σ(π) + σ(−π) p0) = log(num / (1 + E)), num = 1 + E p0 (π ≥ 0) or E + p0 (π < 0).
        const p0 = Math.exp(nb0);
        const num = piv >= 0 ? 1 + e * p0 : e + p0;
        if (num > PRODUCT_MIN) {
          v = piv >= 0 ? Math.log1p(e * (p0 - 1) * inv) : Math.log(num * inv);
          w = (piv >= 0 ? e * p0 : p0) / num; // σ(log NB(0) − π)
        } else {
          // Both terms underflow: softplus(a) − softplus(−π) with a = log NB(0) − π.
          const a = nb0 - piv;
          const ea = Math.exp(-Math.abs(a));
          v = (a > 0 ? nb0 : piv) + Math.log1p(ea) - Math.log1p(e);
          w = a >= 0 ? 1 / (1 + ea) : ea / (1 + ea);
        }
      }
    } else if (xv > 0) {
      table?.fill(j);
      const logTM = full ? Math.log(t + m) : table!.logT[j]! + L; // log(θ+μ)
      dLdMu = (t * (xv - m)) / (m * (t + m));
      let merged = 0; // log Π(θ+k) + x log μ − log(1 + E), when the product path applies
      let psiDiff = 0; // ψ(x+θ) − ψ(θ)
      let productPath = false;
      if (xv <= PRODUCT_MAX_COUNT && xv === Math.floor(xv)) {
        // Q = Π(θ+k), D = dQ/dθ (so Σ 1/(θ+k) = D/Q), P = Q μ^x / (1 + E).
        let q = 1;
        let d = 0;
        let mPow = 1;
        for (let k = 0; k < xv; k++) {
          d = d * (t + k) + q;
          q *= t + k;
          mPow *= m;
        }
        const prod = q * mPow * inv;
        if (prod > PRODUCT_MIN && prod < PRODUCT_MAX) {
          merged = Math.log(prod);
          psiDiff = d / q;
          productPath = true;
        }
      }
      if (productPath) {
        v = merged - LOG_FACTORIAL[xv]! + nb0 - xv * logTM - (pi ? (piv > 0 ? piv : 0) : 0);
      } else {
        let lgT: number;
        let dgT: number;
        if (table) {
          lgT = table.lgT[j]!;
          dgT = table.dgT[j]!;
        } else {
          lgammaDigamma(t, buf);
          lgT = buf[0]!;
          dgT = buf[1]!;
        }
        lgammaDigamma(xv + t, buf);
        psiDiff = buf[1]! - dgT;
        v = buf[0]! - lgT - logFactorial(xv) + nb0 + xv * (Math.log(m) - logTM);
        if (pi) v -= (piv > 0 ? piv : 0) + Math.log1p(e);
      }
      dLdTheta = psiDiff - L + (m - xv) / (t + m);
    } else {
      // Negative or NaN counts have no density.
      value[i] = NaN;
      if (grad) dMu![i] = dTheta![i] = NaN;
      if (dPi) dPi[i] = NaN;
      continue;
    }
    value[i] = v;
    if (grad) {
      dMu![i] = w * dLdMu;
      dTheta![i] = w * dLdTheta;
      if (dPi) dPi[i] = sigNegPi - w;
    }
  }
}

