/**
 * Dense float64 linear algebra for PCA: row-major products, Gram–Schmidt orthonormalisation,
 * one-sided Jacobi SVD, and a randomized truncated SVD (Halko, Martinsson & Tropp 2011) with
 * power iterations, as scikit-learn's `randomized_svd`.
 *
 * @module
 */
import { RandomStream } from "../../backend/random.js";

/** A truncated SVD `A ≈ U diag(s) Vᵀ`: `u` is rows × k, `v` is cols × k (row-major), `s` descending. */
export interface Svd {
  /** Left singular vectors, `rows × k`. */
  u: Float64Array;
  /** Singular values, descending. */
  s: Float64Array;
  /** Right singular vectors, `cols × k`. */
  v: Float64Array;
  /** `k`. */
  k: number;
}

/** `a (n × m) · b (m × l)`, row-major. */
export function matMul(a: ArrayLike<number>, b: ArrayLike<number>, n: number, m: number, l: number): Float64Array {
  const out = new Float64Array(n * l);
  for (let i = 0; i < n; i++) {
    const oi = i * l;
    for (let t = 0; t < m; t++) {
      const av = a[i * m + t]!;
      if (av === 0) continue;
      const ot = t * l;
      for (let j = 0; j < l; j++) out[oi + j]! += av * b[ot + j]!;
    }
  }
  return out;
}

/** `aᵀ (m × n) · b (n × l)` for row-major `a` (n × m) and `b` (n × l). */
export function matMulTransA(a: ArrayLike<number>, b: ArrayLike<number>, n: number, m: number, l: number): Float64Array {
  const out = new Float64Array(m * l);
  for (let i = 0; i < n; i++) {
    const ob = i * l;
    for (let t = 0; t < m; t++) {
      const av = a[i * m + t]!;
      if (av === 0) continue;
      const ot = t * l;
      for (let j = 0; j < l; j++) out[ot + j]! += av * b[ob + j]!;
    }
  }
  return out;
}

/**
 * Orthonormalises the columns of `y` (n × l, in place) by modified Gram–Schmidt, applied twice
 * for stability. Columns that are (numerically) in the span of earlier ones become zero.
 */
export function orthonormalizeColumns(y: Float64Array, n: number, l: number): Float64Array {
  const original = new Float64Array(l);
  for (let j = 0; j < l; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += y[i * l + j]! ** 2;
    original[j] = Math.sqrt(s);
  }
  for (let j = 0; j < l; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let q = 0; q < j; q++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += y[i * l + j]! * y[i * l + q]!;
        for (let i = 0; i < n; i++) y[i * l + j]! -= dot * y[i * l + q]!;
      }
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += y[i * l + j]! ** 2;
    const norm = Math.sqrt(s);
    const keep = norm > 1e-12 * Math.max(original[j]!, Number.MIN_VALUE);
    for (let i = 0; i < n; i++) y[i * l + j] = keep ? y[i * l + j]! / norm : 0;
  }
  return y;
}

/**
 * The thin SVD of a row-major `m × l` matrix with `m ≥ l` by one-sided (Hestenes) Jacobi
 * rotations: accurate to working precision, fine for small `l`. Returns all `l` triplets.
 */
export function jacobiSvd(a: ArrayLike<number>, m: number, l: number): Svd {
  const w = Float64Array.from(a);
  const v = new Float64Array(l * l);
  for (let j = 0; j < l; j++) v[j * l + j] = 1;
  const eps = 1e-15;
  for (let sweep = 0; sweep < 100; sweep++) {
    let rotated = false;
    for (let p = 0; p < l - 1; p++) {
      for (let q = p + 1; q < l; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          const ap = w[i * l + p]!;
          const aq = w[i * l + q]!;
          alpha += ap * ap;
          beta += aq * aq;
          gamma += ap * aq;
        }
        if (gamma === 0 || Math.abs(gamma) <= eps * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < m; i++) {
          const ap = w[i * l + p]!;
          const aq = w[i * l + q]!;
          w[i * l + p] = c * ap - s * aq;
          w[i * l + q] = s * ap + c * aq;
        }
        for (let i = 0; i < l; i++) {
          const vp = v[i * l + p]!;
          const vq = v[i * l + q]!;
          v[i * l + p] = c * vp - s * vq;
          v[i * l + q] = s * vp + c * vq;
        }
      }
    }
    if (!rotated) break;
  }
  const norms = Array.from({ length: l }, (_, j) => {
    let s = 0;
    for (let i = 0; i < m; i++) s += w[i * l + j]! ** 2;
    return Math.sqrt(s);
  });
  const order = norms.map((_, j) => j).sort((x, y) => norms[y]! - norms[x]!);
  const u = new Float64Array(m * l);
  const vs = new Float64Array(l * l);
  const s = new Float64Array(l);
  order.forEach((j, r) => {
    s[r] = norms[j]!;
    for (let i = 0; i < m; i++) u[i * l + r] = norms[j]! > 0 ? w[i * l + j]! / norms[j]! : 0;
    for (let i = 0; i < l; i++) vs[i * l + r] = v[i * l + j]!;
  });
  return { u, s, v: vs, k: l };
}

function transpose(a: ArrayLike<number>, n: number, m: number): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) out[j * n + i] = a[i * m + j]!;
  return out;
}

/** Keeps the first `k` columns of a row-major `rows × cols` matrix. */
function firstColumns(a: Float64Array, rows: number, cols: number, k: number): Float64Array {
  if (k === cols) return a;
  const out = new Float64Array(rows * k);
  for (let i = 0; i < rows; i++) for (let j = 0; j < k; j++) out[i * k + j] = a[i * cols + j]!;
  return out;
}

/** Options of {@link truncatedSvd}. */
export interface TruncatedSvdOptions {
  /** Extra random directions beyond `k` (default 10). */
  oversamples?: number;
  /** Power iterations (default 7, scikit-learn's choice for few components). */
  nIter?: number;
  /** Seed of the random test matrix. */
  seed: number;
}

/**
 * The top-`k` SVD of a row-major `n × p` matrix. When `k + oversamples` reaches the smaller
 * dimension the SVD is exact (Jacobi on the matrix or its transpose); otherwise it is the
 * randomized range finder with `nIter` orthonormalised power iterations, followed by an exact
 * SVD of the small projected matrix.
 */
export function truncatedSvd(a: ArrayLike<number>, n: number, p: number, k: number, options: TruncatedSvdOptions): Svd {
  if (!Number.isInteger(k) || k < 1 || k > Math.min(n, p)) {
    throw new Error(`truncatedSvd: k must be an integer in 1..${Math.min(n, p)}, got ${k}`);
  }
  const l = Math.min(k + (options.oversamples ?? 10), Math.min(n, p));
  if (l >= p) {
    const full = jacobiSvd(a, n, p);
    return { u: firstColumns(full.u, n, p, k), s: full.s.slice(0, k), v: firstColumns(full.v, p, p, k), k };
  }
  if (l >= n) {
    const full = jacobiSvd(transpose(a, n, p), p, n);
    return { u: firstColumns(full.v, n, n, k), s: full.s.slice(0, k), v: firstColumns(full.u, p, n, k), k };
  }
  const stream = new RandomStream(options.seed);
  const omega = new Float64Array(p * l);
  for (let i = 0; i < omega.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - stream.uniform()));
    const th = 2 * Math.PI * stream.uniform();
    omega[i] = r * Math.cos(th);
    if (i + 1 < omega.length) omega[i + 1] = r * Math.sin(th);
  }
  let q = orthonormalizeColumns(matMul(a, omega, n, p, l), n, l);
  for (let it = 0; it < (options.nIter ?? 7); it++) {
    const z = orthonormalizeColumns(matMulTransA(a, q, n, p, l), p, l);
    q = orthonormalizeColumns(matMul(a, z, n, p, l), n, l);
  }
  // Bᵀ = Aᵀ Q (p × l); Bᵀ = Ub Σ Vbᵀ gives A ≈ Q B = (Q Vb) Σ Ubᵀ.
  const small = jacobiSvd(matMulTransA(a, q, n, p, l), p, l);
  const u = matMul(q, small.v, n, l, l);
  return { u: firstColumns(u, n, l, k), s: small.s.slice(0, k), v: firstColumns(small.u, p, l, k), k };
}
