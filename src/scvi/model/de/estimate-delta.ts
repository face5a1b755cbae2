/**
 * The LFC threshold estimated from the data (scvi-tools' `estimate_delta`, used when
 * `delta` is `null`): a 3-component Gaussian mixture fitted to the genes' mean LFCs.
 *
 * @module
 */
import { quantile } from "./quantile.js";

/** A fitted 1-D Gaussian mixture. */
export interface Mixture1d {
  weights: number[];
  means: number[];
  variances: number[];
}

function lloyd(x: Float64Array, centers: number[], iters = 100): Int32Array {
  const labels = new Int32Array(x.length);
  for (let it = 0; it < iters; it++) {
    let changed = it === 0;
    x.forEach((v, i) => {
      let best = 0;
      for (let k = 1; k < centers.length; k++) if (Math.abs(v - centers[k]!) < Math.abs(v - centers[best]!)) best = k;
      if (labels[i] !== best) changed = true;
      labels[i] = best;
    });
    for (let k = 0; k < centers.length; k++) {
      let s = 0;
      let c = 0;
      x.forEach((v, i) => labels[i] === k && ((s += v), c++));
      if (c > 0) centers[k] = s / c;
    }
    if (!changed) break;
  }
  return labels;
}

/**
 * Fits a `k`-component Gaussian mixture to `x` by EM as scikit-learn's `GaussianMixture` does
 * (k-means initialisation, variance regularisation 1e-6, tolerance 1e-3 on the mean
 * log-likelihood, at most 100 iterations), with the k-means centres started deterministically
 * at evenly spaced quantiles instead of at random.
 */
export function fitMixture1d(x: Float64Array, k = 3, options: { regVar?: number; tol?: number; maxIter?: number } = {}): Mixture1d {
  const { regVar = 1e-6, tol = 1e-3, maxIter = 100 } = options;
  const n = x.length;
  if (n < k) throw new Error(`fitMixture1d: ${n} values cannot fit ${k} components`);
  const labels = lloyd(x, Array.from({ length: k }, (_, j) => quantile(x, (2 * j + 1) / (2 * k))));
  const resp = Array.from({ length: k }, (_, j) => Float64Array.from(labels, (l) => (l === j ? 1 : 0)));
  const m: Mixture1d = { weights: [], means: [], variances: [] };
  const mStep = () => {
    for (let j = 0; j < k; j++) {
      const r = resp[j]!;
      const nk = r.reduce((s, v) => s + v, 0) + 10 * Number.EPSILON;
      let mu = 0;
      for (let i = 0; i < n; i++) mu += r[i]! * x[i]!;
      mu /= nk;
      let v = 0;
      for (let i = 0; i < n; i++) v += r[i]! * (x[i]! - mu) ** 2;
      m.weights[j] = nk / n;
      m.means[j] = mu;
      m.variances[j] = v / nk + regVar;
    }
  };
  mStep();
  let previous = -Infinity;
  for (let it = 0; it < maxIter; it++) {
    let ll = 0;
    for (let i = 0; i < n; i++) {
      const logp = m.means.map((mu, j) => Math.log(m.weights[j]!) - 0.5 * (Math.log(2 * Math.PI * m.variances[j]!) + (x[i]! - mu) ** 2 / m.variances[j]!));
      const top = Math.max(...logp);
      const lse = top + Math.log(logp.reduce((s, v) => s + Math.exp(v - top), 0));
      ll += lse;
      for (let j = 0; j < k; j++) resp[j]![i] = Math.exp(logp[j]! - lse);
    }
    mStep();
    ll /= n;
    if (Math.abs(ll - previous) < tol) break;
    previous = ll;
  }
  return m;
}

/**
 * δ = max(`minThreshold`, `coef` × the mean absolute value of the lowest and highest mixture
 * means) for the genes' mean LFCs (scvi-tools: coef 0.6, minimum 0.1).
 */
export function estimateDelta(lfcMeans: Float64Array, coef = 0.6, minThreshold = 0.1): number {
  const means = [...fitMixture1d(lfcMeans, 3).means].sort((a, b) => a - b);
  const res = coef * ((Math.abs(means[0]!) + Math.abs(means[means.length - 1]!)) / 2);
  return Math.max(minThreshold, res);
}
